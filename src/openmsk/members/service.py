"""Organizations, eligibility and enrollment: the only writer of members."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.auth.roles import Role
from openmsk.auth.service import create_user
from openmsk.careteam.models import CareTeamAssignment
from openmsk.errors import Conflict, Forbidden, Invalid, NotFound
from openmsk.members.models import EligibilityRecord, Member, Organization
from openmsk.members.schemas import EligibilityCreate, MemberCreate, MemberUpdate, OrganizationCreate


def create_organization(session: Session, *, data: OrganizationCreate, actor: Principal | None) -> Organization:
    """Register an employer or health plan."""
    if session.scalar(select(Organization.id).where(Organization.name == data.name)):
        raise Conflict("an organization with this name already exists")
    org = Organization(name=data.name, kind=data.kind)
    session.add(org)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Organization", resource_id=org.id)
    return org


def list_organizations(session: Session) -> list[Organization]:
    """All organizations by name."""
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def upsert_eligibility(session: Session, *, organization_id: str, records: list[EligibilityCreate],
                       actor: Principal | None) -> tuple[int, int]:
    """Add or update eligibility rows by external id; returns (added, updated)."""
    if session.get(Organization, organization_id) is None:
        raise NotFound("no organization with this id")
    ids = [r.external_id for r in records]
    if len(ids) != len(set(ids)):
        raise Invalid("an external_id appears more than once in this upload")
    existing = {e.external_id: e for e in session.scalars(select(EligibilityRecord).where(
        EligibilityRecord.organization_id == organization_id, EligibilityRecord.external_id.in_(ids)))}
    added = 0
    for record in records:
        row = existing.get(record.external_id)
        if row is None:
            session.add(EligibilityRecord(organization_id=organization_id, **record.model_dump()))
            added += 1
        else:
            for key, value in record.model_dump().items():
                setattr(row, key, value)
    audit.record(session, actor, action="upload", resource_type="Eligibility",
                 resource_id=organization_id, detail={"added": added, "updated": len(records) - added})
    return added, len(records) - added


def find_eligibility(session: Session, *, organization_id: str, family_name: str, birth_date: date,
                     on: date) -> EligibilityRecord | None:
    """The eligibility row that matches the person on the given day, if any."""
    rows = session.scalars(select(EligibilityRecord).where(
        EligibilityRecord.organization_id == organization_id,
        func.lower(EligibilityRecord.family_name) == family_name.lower(),
        EligibilityRecord.birth_date == birth_date,
    ))
    return next((r for r in rows if r.eligible_from <= on and (r.eligible_until is None or on <= r.eligible_until)), None)


def enroll_member(session: Session, *, data: MemberCreate, actor: Principal | None, today: date,
                  synthetic: bool = False) -> Member:
    """Enroll a person: checks eligibility when the organization keeps a list, creates their account."""
    org = session.get(Organization, data.organization_id)
    if org is None:
        raise NotFound("no organization with this id")
    eligibility = None
    keeps_list = session.scalar(select(EligibilityRecord.id).where(
        EligibilityRecord.organization_id == org.id).limit(1)) is not None
    if keeps_list:
        eligibility = find_eligibility(session, organization_id=org.id, family_name=data.family_name,
                                       birth_date=data.birth_date, on=data.program_start or today)
        if eligibility is None:
            raise Invalid("this person is not on the organization's eligibility list")
        if session.scalar(select(Member.id).where(Member.eligibility_id == eligibility.id)):
            raise Conflict("this person is already enrolled")
    user = create_user(session, email=data.email, display_name=data.given_name, roles={Role.member})
    member = Member(user_id=user.id, eligibility_id=eligibility.id if eligibility else None,
                    program_start=data.program_start or today, synthetic=synthetic,
                    **data.model_dump(exclude={"program_start"}))
    session.add(member)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Member", resource_id=member.id,
                 member_id=member.id)
    return member


def get_member(session: Session, *, member_id: str) -> Member:
    """The member with this id."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    return member


def visible_members(session: Session, *, principal: Principal, limit: int, offset: int) -> list[Member]:
    """The members this principal may see: themself, or the clinician's current care team."""
    if principal.is_clinician:
        query = (select(Member).join(CareTeamAssignment, CareTeamAssignment.member_id == Member.id)
                 .where(CareTeamAssignment.clinician_id == principal.clinician_id,
                        CareTeamAssignment.ended_at.is_(None))
                 .distinct().order_by(Member.family_name, Member.given_name, Member.id))
    elif principal.is_member:
        query = select(Member).where(Member.id == principal.member_id)
    else:
        raise Forbidden("only members and their clinicians can see member records")
    members = list(session.scalars(query.limit(limit).offset(offset)))
    audit.record_reads(session, principal, resource_type="Member", member_ids=[m.id for m in members])
    return members


def update_member(session: Session, *, member: Member, data: MemberUpdate, actor: Principal) -> Member:
    """Change a member's contact details or program status (status: clinicians only)."""
    changes = data.model_dump(exclude_unset=True)
    if "status" in changes and not actor.is_clinician:
        raise Forbidden("only the care team can change a member's program status")
    for key, value in changes.items():
        setattr(member, key, value)
    audit.record(session, actor, action="update", resource_type="Member", resource_id=member.id,
                 member_id=member.id, detail={"fields": sorted(changes)})
    return member
