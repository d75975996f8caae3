"""HTTP routes for organizations, eligibility, members and their care teams."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status

from openmsk.auth import links
from openmsk.auth.policy import CareUser, CurrentAdmin, member_scope
from openmsk.auth.principal import Principal
from openmsk.auth.models import User
from openmsk.careteam import service as careteam
from openmsk.careteam.models import Clinician
from openmsk.careteam.schemas import AssignmentUpdate, CareTeamMemberRead
from openmsk.db import SessionDep, utcnow
from openmsk.deps import QueueDep, SettingsDep, SignerDep
from openmsk.errors import ERROR_RESPONSES
from openmsk.members import service
from openmsk.members.models import Organization
from openmsk.members.schemas import (
    EligibilityCreate, EligibilityResult, MemberCreate, MemberCreated, MemberRead, MemberUpdate,
    OrganizationCreate, OrganizationRead,
)

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
MemberAccess = Annotated[Principal, Depends(member_scope("Member"))]
CareTeamAccess = Annotated[Principal, Depends(member_scope("CareTeam"))]
BASELINE_ROLES = ["physical_therapist", "health_coach"]


@router.get("/organizations", response_model=list[OrganizationRead], tags=["organizations"])
def list_organizations(session: SessionDep, _: CurrentAdmin) -> list[Organization]:
    """All organizations (admins)."""
    return service.list_organizations(session)


@router.post("/organizations", response_model=OrganizationRead, status_code=status.HTTP_201_CREATED,
             tags=["organizations"])
def create_organization(body: OrganizationCreate, session: SessionDep, admin: CurrentAdmin) -> Organization:
    """Register an employer or health plan (admins)."""
    return service.create_organization(session, data=body, actor=admin)


@router.post("/organizations/{organization_id}/eligibility", response_model=EligibilityResult,
             tags=["organizations"])
def upload_eligibility(organization_id: str, body: list[EligibilityCreate],
                       session: SessionDep, admin: CurrentAdmin) -> EligibilityResult:
    """Add or update the organization's eligibility list (admins)."""
    added, updated = service.upsert_eligibility(session, organization_id=organization_id,
                                                records=body, actor=admin)
    return EligibilityResult(added=added, updated=updated)


@router.get("/members", response_model=list[MemberRead], tags=["members"])
def list_members(session: SessionDep, principal: CareUser,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 offset: Annotated[int, Query(ge=0)] = 0) -> list:
    """Members you may see: yourself, or the members of your care team."""
    return service.visible_members(session, principal=principal, limit=limit, offset=offset)


@router.post("/members", response_model=MemberCreated, status_code=status.HTTP_201_CREATED, tags=["members"])
def enroll_member(body: MemberCreate, session: SessionDep, queue: QueueDep, signer: SignerDep,
                  settings: SettingsDep, admin: CurrentAdmin) -> MemberCreated:
    """Enroll a member, assign a physical therapist and a health coach, and email an invitation."""
    member = service.enroll_member(session, data=body, actor=admin, today=utcnow().date())
    careteam.auto_assign(session, member=member, roles=BASELINE_ROLES, actor=admin, reason="enrollment")
    links.invite_user(session, user=session.get(User, member.user_id), queue=queue, signer=signer,
                      settings=settings)
    return MemberCreated(id=member.id, user_id=member.user_id, invitation_sent=True)


@router.get("/members/{member_id}", response_model=MemberRead, tags=["members"])
def read_member(member_id: str, session: SessionDep, _: MemberAccess):
    """One member's record."""
    return service.get_member(session, member_id=member_id)


@router.patch("/members/{member_id}", response_model=MemberRead, tags=["members"])
def update_member(member_id: str, body: MemberUpdate, session: SessionDep, principal: MemberAccess):
    """Update contact details (the member) or program status (the care team)."""
    member = service.get_member(session, member_id=member_id)
    return service.update_member(session, member=member, data=body, actor=principal)


@router.get("/members/{member_id}/care-team", response_model=list[CareTeamMemberRead], tags=["care team"])
def read_care_team(member_id: str, session: SessionDep, _: CareTeamAccess) -> list[CareTeamMemberRead]:
    """The member's current care team."""
    return [CareTeamMemberRead(role=a.role, clinician_id=c.id, display_name=c.display_name,
                               assigned_at=a.assigned_at)
            for a, c in careteam.care_team(session, member_id=member_id)]


@router.put("/members/{member_id}/care-team/{role}", response_model=CareTeamMemberRead, tags=["care team"])
def override_assignment(member_id: str, role: Literal["physical_therapist", "health_coach", "physician",
                                                      "nutritionist", "behavioral_health"],
                        body: AssignmentUpdate, session: SessionDep, admin: CurrentAdmin) -> CareTeamMemberRead:
    """Assign a specific clinician to a member's role, overriding automatic routing (admins)."""
    assignment = careteam.assign(session, member_id=member_id, clinician_id=body.clinician_id,
                                 role=role, actor=admin, reason=body.reason)
    clinician = session.get(Clinician, assignment.clinician_id)
    return CareTeamMemberRead(role=role, clinician_id=clinician.id, display_name=clinician.display_name,
                              assigned_at=assignment.assigned_at)
