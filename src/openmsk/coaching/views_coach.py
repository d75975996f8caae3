"""The coach's pages: the panel sorted by attention, and one member's coaching chart."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from openmsk.auth.policy import CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.coaching import service, service_nudges, service_panel
from openmsk.coaching.devicelog import relief_by_week
from openmsk.coaching.diet import CHECKLIST
from openmsk.coaching.habits import HABITS
from openmsk.coaching.presenters import device_read, medication_read
from openmsk.coaching.schemas import GoalCreate, NoteCreate
from openmsk.coaching.service_common import member_or_404
from openmsk.coaching.service_notes import TEMPLATES
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import AppError

router = APIRouter(include_in_schema=False)
Page = HTMLResponse
CoachingChart = Annotated[Principal, Depends(member_scope("Coaching"))]


@router.get("/console/coaching", response_class=Page)
def coach_panel(request: Request, session: SessionDep, principal: CurrentClinician):
    """The clinician's members, those needing attention first."""
    return render(request, "coaching_panel.html", rows=service_panel.panel(session, principal=principal))


def _chart(request: Request, session, member_id: str, **extra):
    member = member_or_404(session, member_id)
    progress = service.goals_progress(session, member_id=member_id)
    sessions = [device_read(s) for s in service.device_sessions(session, member_id=member_id, limit=200)]
    return render(request, "coaching_chart.html", status_code=extra.pop("status_code", 200), member=member,
                  goals=progress, habits=HABITS, templates=TEMPLATES, checklist=CHECKLIST,
                  trends={p.goal.id: service.checkin_days(session, member_id=member_id, habit=p.goal.habit)[-14:]
                          for p in progress},
                  sessions=sessions[:20], relief_weeks=relief_by_week([(s.started_at, s.relief) for s in sessions]),
                  meds=[medication_read(m) for m in service.medications(session, member_id=member_id)],
                  weeks=service.daily_mme_by_week(session, member_ids=[member_id]).get(member_id, {}),
                  weights=service.weights_with_bmi(session, member_id=member_id)[-12:],
                  diets=service.diet_logs(session, member_id=member_id, limit=14),
                  notes=service.notes(session, member_id=member_id, topics=("session", "message", "diet")),
                  nudges=service_nudges.member_nudges(session, member_id=member_id, limit=10),
                  saved=request.query_params.get("saved"), **extra)


@router.get("/console/coaching/members/{member_id}", response_class=Page)
def coach_chart(request: Request, member_id: str, session: SessionDep, _: CoachingChart):
    """Goals and habit trends, device relief, medication and MME, body logs, notes and messages."""
    return _chart(request, session, member_id)


@router.post("/console/coaching/members/{member_id}/notes", response_class=Page)
def coach_note(request: Request, member_id: str, session: SessionDep, principal: CoachingChart,
               topic: Annotated[str, Form()], body: Annotated[str, Form()] = "",
               template: Annotated[str, Form()] = "", subject_id: Annotated[str, Form()] = ""):
    """Send a message (from a template or typed), write a session note, or comment on a diet log."""
    text = body.strip() or TEMPLATES.get(template, "")
    try:
        data = NoteCreate(topic=topic, body=text, template=template or None, subject_id=subject_id or None)
        fields = _template_fields(session, member_id)
        service.add_note(session, member_id=member_id, data=data, actor=principal, fields=fields)
    except ValidationError:
        return _chart(request, session, member_id, error="write a message or choose a template", status_code=422)
    except AppError as exc:
        session.rollback()
        return _chart(request, session, member_id, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"/console/coaching/members/{member_id}?saved={topic}", status_code=303)


def _template_fields(session, member_id: str) -> dict[str, object]:
    progress = service.goals_progress(session, member_id=member_id)
    best = max(progress, key=lambda p: p.streak, default=None)
    return {"goal": best.goal.what if best else None, "streak": best.streak if best else None}


@router.post("/console/coaching/members/{member_id}/goals", response_class=Page)
def coach_goal(request: Request, member_id: str, session: SessionDep, principal: CoachingChart,
               habit: Annotated[str, Form()], what: Annotated[str, Form()], target: Annotated[str, Form()],
               days_per_week: Annotated[str, Form()], by_date: Annotated[str, Form()],
               confidence: Annotated[str, Form()]):
    """Record a goal agreed with the member."""
    try:
        data = GoalCreate(habit=habit, what=what, target=target, days_per_week=days_per_week, by_date=by_date,
                          confidence=confidence)
        service.create_goal(session, member_id=member_id, data=data, actor=principal)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        return _chart(request, session, member_id, error=f"{field} is not valid", status_code=422)
    except AppError as exc:
        session.rollback()
        return _chart(request, session, member_id, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"/console/coaching/members/{member_id}?saved=goal", status_code=303)


@router.post("/console/coaching/members/{member_id}/goals/{goal_id}/status", response_class=Page)
def coach_goal_status(member_id: str, goal_id: str, session: SessionDep, principal: CoachingChart,
                      status: Annotated[str, Form()]):
    """Mark a goal achieved (the member gets a congratulation nudge) or dropped."""
    if status not in ("achieved", "dropped"):
        status = "active"
    service.set_goal_status(session, member_id=member_id, goal_id=goal_id, status=status, actor=principal)
    return RedirectResponse(f"/console/coaching/members/{member_id}?saved=goal", status_code=303)
