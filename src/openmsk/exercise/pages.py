"""Pages: the member's session player and log form; the clinician's plan editor, adherence and proposals."""

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from openmsk.auth.models import User
from openmsk.auth.policy import CurrentClinician, CurrentMember, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import AppError, Forbidden
from openmsk.exercise import forms, plans, service, sessions as logging_service
from openmsk.exercise.drafting import DraftInput
from openmsk.exercise.library import REGIONS, Dose
from openmsk.members import service as members

router = APIRouter(include_in_schema=False)
PlanPage = Annotated[Principal, Depends(member_scope("ExercisePlan"))]

add_nav_link("My exercises", "/me/exercise", "member", order=20)
add_chart_link("Exercise plan", "plan", order=30)
add_nav_link("Exercise plans", "/console/exercise", "clinician", order=20)


def _items(library, plan) -> list[dict]:
    return [{**item, "exercise": library.get(item["exercise_id"]), "label": Dose(**item["dose"]).label()}
            for item in (plan.items if plan else [])]


def _member_page(request, session, principal, *, status_code=200, error=None, details=(), logged=False):
    member = members.get_member(session, member_id=principal.member_id)
    plan = plans.current_plan(session, member_id=member.id)
    library = plans.library_for(session)
    return render(request, "exercise_today.html", status_code=status_code, member=member, plan=plan,
                  items=_items(library, plan), on_hold=plans.exercise_on_hold(session, member_id=member.id),
                  adherence=service.adherence_for(session, member_id=member.id), error=error, details=details,
                  logged=logged, idempotency_key=str(uuid.uuid4()))


@router.get("/me/exercise", response_class=HTMLResponse)
def member_today(request: Request, session: SessionDep, principal: CurrentMember, logged: int = 0):
    """Today's session: the plan's exercises with instructions and dose, a player and the log form."""
    return _member_page(request, session, principal, logged=bool(logged))


@router.post("/me/exercise", response_class=HTMLResponse)
async def member_log(request: Request, session: SessionDep, queue: QueueDep, background: BackgroundTasks,
                     principal: CurrentMember):
    """Log the session from the form, then come back to the page."""
    form = await request.form()
    try:
        plan = plans.current_plan(session, member_id=principal.member_id)
        body = forms.session_from_form(form, plan)
        result = logging_service.log_session(session, member_id=principal.member_id, actor=principal, **body)
    except AppError as exc:
        session.rollback()
        return _member_page(request, session, principal, status_code=exc.status_code, error=exc.message,
                            details=[f"{forms.where(d.location, plan)}: {d.message}" for d in exc.details])
    from openmsk.exercise.views import emit_signals

    background.add_task(emit_signals, queue, result.signals)
    return RedirectResponse("/me/exercise?logged=1", status_code=303)


@router.get("/console/exercise", response_class=HTMLResponse)
def clinician_overview(request: Request, session: SessionDep, principal: CurrentClinician):
    """Adherence, habit point and pending proposals for each of your members."""
    mine = members.visible_members(session, principal=principal, limit=500, offset=0)
    return render(request, "exercise_overview.html", rows=service.overview(session, principal=principal, members=mine))


def _clinician(principal: Principal) -> None:
    if not principal.is_clinician:
        raise Forbidden("this page is for the care team")


@router.get("/console/members/{member_id}/plan", response_class=HTMLResponse)
def plan_page(request: Request, member_id: str, session: SessionDep, principal: PlanPage, saved: str = ""):
    """The plan editor with approval, adherence, pending proposals, recent sessions and version history."""
    _clinician(principal)
    return _plan_page(request, session, principal, member_id, saved=saved)


def _plan_page(request, session, principal, member_id, *, status_code=200, error=None, saved=""):
    library = plans.library_for(session)
    current = plans.current_plan(session, member_id=member_id)
    draft = plans.latest_draft(session, member_id=member_id)
    versions = plans.plan_versions(session, member_id=member_id)
    recent = logging_service.sessions_for(session, member_id=member_id, limit=10)
    user_ids = {v.created_by for v in versions} | {v.approved_by for v in versions}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids - {None}))).all())
    return render(request, "exercise_plan.html", status_code=status_code,
                  member=members.get_member(session, member_id=member_id), current=current, draft=draft,
                  current_items=_items(library, current), draft_items=_items(library, draft),
                  editor_items=_items(library, draft or current), versions=versions, names=names,
                  proposals=logging_service.proposals_for(session, member_id=member_id, statuses=("pending",)),
                  decided=logging_service.proposals_for(session, member_id=member_id,
                                                        statuses=("approved", "rejected", "auto_applied"))[:10],
                  adherence=service.adherence_for(session, member_id=member_id), recent=recent,
                  entries=logging_service.entries_of(session, [s.id for s in recent]),
                  on_hold=plans.exercise_on_hold(session, member_id=member_id), library=library,
                  regions=REGIONS, can_edit="physical_therapist" in principal.roles, error=error, saved=saved)


async def _pt_form(request: Request, principal: Principal) -> dict:
    if not (principal.is_clinician and "physical_therapist" in principal.roles):
        raise Forbidden("only the member's physical therapist may change the exercise plan")
    return dict(await request.form())


def _back(member_id: str, saved: str) -> RedirectResponse:
    return RedirectResponse(f"/console/members/{member_id}/plan?saved={saved}", status_code=303)


@router.post("/console/members/{member_id}/plan/draft", response_class=HTMLResponse)
async def plan_draft(request: Request, member_id: str, session: SessionDep, principal: PlanPage):
    """Draft from the stored intake, or from the regions and pain given in the form."""
    form = await _pt_form(request, principal)
    try:
        data = None
        if form.get("regions"):
            data = DraftInput(regions=tuple(r.strip() for r in str(form["regions"]).split(",") if r.strip()),
                              pain=forms.number(form, "pain", 0, 10, default=0))
        plans.draft_for_member(session, member_id=member_id, actor=principal, data=data)
    except AppError as exc:
        session.rollback()
        return _plan_page(request, session, principal, member_id, status_code=exc.status_code, error=exc.message)
    return _back(member_id, "drafted")


@router.post("/console/members/{member_id}/plan", response_class=HTMLResponse)
async def plan_save(request: Request, member_id: str, session: SessionDep, principal: PlanPage):
    """Save the edited plan as a new draft version."""
    form = await _pt_form(request, principal)
    try:
        items, per_week, note = forms.plan_from_form(form)
        items = plans.normalize_items(items, plans.library_for(session))
        plans.write_version(session, member_id=member_id, items=items, actor=principal, source="edit", note=note,
                            sessions_per_week=per_week)
    except AppError as exc:
        session.rollback()
        detail = "; ".join(f"row {d.location[1] + 1}: {d.message}" for d in exc.details if len(d.location) > 1)
        return _plan_page(request, session, principal, member_id, status_code=exc.status_code,
                          error=f"{exc.message}{': ' + detail if detail else ''}")
    return _back(member_id, "saved")


@router.post("/console/members/{member_id}/plan/{version}/approve", response_class=HTMLResponse)
async def plan_approve(request: Request, member_id: str, version: int, session: SessionDep, principal: PlanPage):
    """Approve a draft version."""
    form = await _pt_form(request, principal)
    try:
        plans.approve(session, member_id=member_id, version=version, actor=principal, note=form.get("note", ""))
    except AppError as exc:
        session.rollback()
        return _plan_page(request, session, principal, member_id, status_code=exc.status_code, error=exc.message)
    return _back(member_id, "approved")


@router.post("/console/members/{member_id}/proposals/{proposal_id}", response_class=HTMLResponse)
async def proposal_decide(request: Request, member_id: str, proposal_id: str, session: SessionDep,
                          principal: PlanPage):
    """Approve or reject a pending proposal."""
    form = await _pt_form(request, principal)
    try:
        logging_service.decide(session, member_id=member_id, proposal_id=proposal_id,
                               approve=form.get("decision") == "approve", note=str(form.get("note", "")),
                               actor=principal)
    except AppError as exc:
        session.rollback()
        return _plan_page(request, session, principal, member_id, status_code=exc.status_code, error=exc.message)
    return _back(member_id, "decided")
