"""Clinician profiles and care-team assignment: the only writer of assignments."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.auth.roles import CLINICAL_ROLES
from openmsk.careteam.models import CareTeamAssignment, Clinician
from openmsk.db import utcnow
from openmsk.errors import Invalid, NotFound
from openmsk.members.models import Member


def create_clinician(session: Session, *, user_id: str, role: str, display_name: str,
                     capacity: int = 150, licensed_states: list[str] | None = None,
                     timezone: str = "America/New_York") -> Clinician:
    """Give a user a clinician profile in one clinical role."""
    if role not in CLINICAL_ROLES:
        raise Invalid(f"{role!r} is not a clinical role")
    clinician = Clinician(user_id=user_id, role=role, display_name=display_name, capacity=capacity,
                          licensed_states=sorted(licensed_states or []), timezone=timezone)
    session.add(clinician)
    session.flush()
    return clinician


def is_on_care_team(session: Session, *, clinician_id: str | None, member_id: str) -> bool:
    """True when the clinician currently serves the member in any role."""
    if clinician_id is None:
        return False
    return session.scalar(
        select(CareTeamAssignment.id).where(
            CareTeamAssignment.clinician_id == clinician_id,
            CareTeamAssignment.member_id == member_id,
            CareTeamAssignment.ended_at.is_(None),
        ).limit(1)
    ) is not None


def care_team(session: Session, *, member_id: str) -> list[tuple[CareTeamAssignment, Clinician]]:
    """The member's current care team, one row per role."""
    rows = session.execute(
        select(CareTeamAssignment, Clinician)
        .join(Clinician, Clinician.id == CareTeamAssignment.clinician_id)
        .where(CareTeamAssignment.member_id == member_id, CareTeamAssignment.ended_at.is_(None))
        .order_by(CareTeamAssignment.role)
    )
    return [(a, c) for a, c in rows]


def assign(session: Session, *, member_id: str, clinician_id: str, role: str,
           actor: Principal | None, reason: str) -> CareTeamAssignment:
    """Make the clinician the member's clinician for the role, ending any previous one."""
    clinician = session.get(Clinician, clinician_id)
    if clinician is None or not clinician.is_active:
        raise NotFound("no active clinician with this id")
    if clinician.role != role:
        raise Invalid(f"this clinician's role is {clinician.role}, not {role}")
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    now = utcnow()
    for current in session.scalars(select(CareTeamAssignment).where(
            CareTeamAssignment.member_id == member_id, CareTeamAssignment.role == role,
            CareTeamAssignment.ended_at.is_(None))):
        if current.clinician_id == clinician_id:
            return current
        current.ended_at = now
    assignment = CareTeamAssignment(member_id=member_id, clinician_id=clinician_id, role=role,
                                    assigned_at=now, assigned_by=actor.user_id if actor else None,
                                    reason=reason)
    session.add(assignment)
    audit.record(session, actor, action="assign", resource_type="CareTeam",
                 resource_id=clinician_id, member_id=member_id, detail={"role": role})
    return assignment


def clinician_loads(session: Session, *, role: str) -> list[tuple[Clinician, int]]:
    """Active clinicians of a role with their number of current members."""
    counts = (select(CareTeamAssignment.clinician_id, func.count().label("n"))
              .where(CareTeamAssignment.ended_at.is_(None)).group_by(CareTeamAssignment.clinician_id)
              .subquery())
    rows = session.execute(
        select(Clinician, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.clinician_id == Clinician.id)
        .where(Clinician.role == role, Clinician.is_active.is_(True))
        .order_by(Clinician.id)
    )
    return [(c, n) for c, n in rows]


def pick_clinician(session: Session, *, role: str, member_state: str | None) -> Clinician | None:
    """The least-loaded clinician of the role with spare capacity, licensed where the member lives."""
    candidates = [
        (n / c.capacity, c.id, c) for c, n in clinician_loads(session, role=role)
        if n < c.capacity and (not member_state or not c.licensed_states or member_state in c.licensed_states)
    ]
    return min(candidates)[2] if candidates else None


def auto_assign(session: Session, *, member: Member, roles: list[str], actor: Principal | None,
                reason: str) -> list[str]:
    """Assign a clinician for each role the member lacks; returns the roles left unfilled."""
    current = {a.role for a, _ in care_team(session, member_id=member.id)}
    unfilled = []
    for role in roles:
        if role in current:
            continue
        clinician = pick_clinician(session, role=role, member_state=member.state)
        if clinician is None:
            unfilled.append(role)
            continue
        assign(session, member_id=member.id, clinician_id=clinician.id, role=role, actor=actor,
               reason=reason)
        session.flush()
    return unfilled


def member_ids_for(session: Session, *, clinician_id: str) -> list[str]:
    """Ids of the members a clinician currently serves."""
    return list(session.scalars(select(CareTeamAssignment.member_id).where(
        CareTeamAssignment.clinician_id == clinician_id, CareTeamAssignment.ended_at.is_(None)
    ).distinct()))
