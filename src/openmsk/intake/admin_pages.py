"""Admin pages: intakes whose routing left a role unfilled, and the care-team override form."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from openmsk.auth import audit
from openmsk.auth.policy import CurrentAdmin
from openmsk.careteam import service as careteam
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import AppError
from openmsk.intake.models import IntakeSubmission
from openmsk.members import service as members

router = APIRouter(include_in_schema=False)
ROLES = ("physical_therapist", "health_coach", "physician", "behavioral_health", "nutritionist")


@router.get("/admin/routing", response_class=HTMLResponse)
def routing_overview(request: Request, session: SessionDep, admin: CurrentAdmin, show: str = "unfilled"):
    """Recent intakes and their routing; by default only those with a role left unfilled."""
    rows = list(session.scalars(select(IntakeSubmission).order_by(IntakeSubmission.submitted_at.desc()).limit(300)))
    rows = [r for r in rows if show == "all" or r.unfilled_roles][:100]
    audit.record_reads(session, admin, resource_type="Intake", member_ids=sorted({r.member_id for r in rows}))
    people = {r.member_id: members.get_member(session, member_id=r.member_id) for r in rows}
    return render(request, "intake_admin_routing.html", rows=rows, people=people)


def _team_page(request: Request, session, member_id: str, status_code: int = 200, error: str | None = None):
    member = members.get_member(session, member_id=member_id)
    team = {a.role: c for a, c in careteam.care_team(session, member_id=member_id)}
    options = {role: careteam.clinician_loads(session, role=role) for role in ROLES}
    return render(request, "intake_admin_care_team.html", status_code=status_code, member=member, team=team,
                  options=options, roles=ROLES, error=error)


@router.get("/admin/members/{member_id}/care-team", response_class=HTMLResponse)
def care_team_page(request: Request, member_id: str, session: SessionDep, admin: CurrentAdmin):
    """The member's care team with a form to assign a clinician per role (admins)."""
    audit.record_reads(session, admin, resource_type="CareTeam", member_ids=[member_id])
    return _team_page(request, session, member_id)


@router.post("/admin/members/{member_id}/care-team", response_class=HTMLResponse)
def care_team_submit(request: Request, member_id: str, session: SessionDep, admin: CurrentAdmin,
                     role: Annotated[str, Form()], clinician_id: Annotated[str, Form()],
                     reason: Annotated[str, Form()] = ""):
    """Override automatic routing for one role, with a reason."""
    if len(reason.strip()) < 3:
        return _team_page(request, session, member_id, 422, "reason: give at least 3 characters")
    try:
        careteam.assign(session, member_id=member_id, clinician_id=clinician_id, role=role, actor=admin,
                        reason=reason.strip()[:200])
    except AppError as exc:
        return _team_page(request, session, member_id, exc.status_code, exc.message)
    return RedirectResponse(f"/admin/members/{member_id}/care-team", status_code=303)
