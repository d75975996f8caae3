"""The member's coaching pages: goals and check-ins, nudges and messages, device, medication, body, settings."""

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth import audit
from openmsk.auth.policy import CurrentMember
from openmsk.auth.principal import Principal
from openmsk.coaching import service, service_nudges
from openmsk.coaching.devicelog import BODY_SITES, MODES, relief_by_week
from openmsk.coaching.habits import HABITS
from openmsk.coaching.presenters import device_read, medication_read, signal_medication_change
from openmsk.coaching.schemas import CheckInCreate, MedicationChange, MedicationCreate
from openmsk.coaching.service_common import local_today, member_or_404
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import AppError, Invalid

router = APIRouter(include_in_schema=False)
Page = HTMLResponse


def _back(path: str, saved: str = "1") -> RedirectResponse:
    return RedirectResponse(f"{path}?saved={saved}", status_code=303)


def _read(session, principal: Principal, what: str) -> None:
    audit.record(session, principal, action="read", resource_type=what, resource_id=principal.member_id,
                 member_id=principal.member_id)


def _float(field: str, text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise Invalid(f"{field} must be a number") from None


def _home(request: Request, session, principal: Principal, error: str | None = None, status_code: int = 200):
    member = member_or_404(session, principal.member_id)
    _read(session, principal, "Coaching")
    messages = service.notes(session, member_id=member.id, topics=("message", "diet"), limit=20)
    service.mark_messages_read(session, member_id=member.id, actor=principal)
    return render(request, "coaching_member_home.html", status_code=status_code, member=member, error=error,
                  unread_threads_messages=service.unread_thread_messages(session, member=member),
                  goals=service.goals_progress(session, member_id=member.id), habits=HABITS,
                  today=local_today(member), nudges=service_nudges.member_nudges(session, member_id=member.id),
                  messages=messages, saved=request.query_params.get("saved"))


@router.get("/me/coaching", response_class=Page)
def member_coaching(request: Request, session: SessionDep, principal: CurrentMember):
    """Goals with today's check-in, streaks, this week, nudges and messages from the care team."""
    return _home(request, session, principal)


@router.post("/me/coaching/goals/{goal_id}/checkin", response_class=Page)
def member_checkin(request: Request, goal_id: str, session: SessionDep, principal: CurrentMember,
                   day: Annotated[date, Form()], value: Annotated[str, Form()]):
    """Record a day's check-in from the page."""
    try:
        number = _float("value", value)
        if number is None:
            raise Invalid("value is required")
        service.record_checkin(session, member_id=principal.member_id, goal_id=goal_id,
                               data=CheckInCreate(day=day, value=number), actor=principal)
    except AppError as exc:
        session.rollback()
        return _home(request, session, principal, exc.message, exc.status_code)
    return _back("/me/coaching")


@router.post("/me/coaching/nudges/{nudge_id}/response", response_class=Page)
def member_nudge_response(nudge_id: str, session: SessionDep, principal: CurrentMember):
    """The member acknowledges a nudge."""
    service_nudges.respond(session, member_id=principal.member_id, nudge_id=nudge_id, actor=principal)
    return _back("/me/coaching", "nudge")


def _device(request: Request, session, principal: Principal, **extra):
    member = member_or_404(session, principal.member_id)
    _read(session, principal, "DeviceSession")
    rows = [device_read(s) for s in service.device_sessions(session, member_id=member.id)]
    return render(request, "coaching_device.html", status_code=extra.pop("status_code", 200), sessions=rows,
                  relief_weeks=relief_by_week([(s.started_at, s.relief) for s in rows]),
                  modes=MODES, sites=BODY_SITES, member=member, saved=request.query_params.get("saved"), **extra)


@router.get("/me/coaching/device", response_class=Page)
def member_device(request: Request, session: SessionDep, principal: CurrentMember):
    """The TENS log: a form, the sessions and the relief each gave."""
    return _device(request, session, principal)


@router.post("/me/coaching/device", response_class=Page)
def member_device_log(request: Request, session: SessionDep, principal: CurrentMember,
                      start: Annotated[str, Form()], duration_min: Annotated[str, Form()],
                      mode: Annotated[str, Form()], intensity: Annotated[str, Form()],
                      body_site: Annotated[str, Form()], pain_before: Annotated[str, Form()],
                      pain_after: Annotated[str, Form()]):
    """Log a session from the page (the start is the member's local time)."""
    member = member_or_404(session, principal.member_id)
    try:
        try:
            started = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(member.timezone or "UTC"))
        except ValueError:
            raise Invalid("start must be a date and time") from None
        raw = {"start": started, "duration_min": _float("duration_min", duration_min), "mode": mode,
               "intensity": _float("intensity", intensity), "body_site": body_site,
               "pain_before": _float("pain_before", pain_before), "pain_after": _float("pain_after", pain_after)}
        service.record_device_session(session, member_id=member.id, raw=raw, actor=principal)
    except AppError as exc:
        session.rollback()
        return _device(request, session, principal, error=exc.message, status_code=exc.status_code)
    return _back("/me/coaching/device")


@router.post("/me/coaching/device/import", response_class=Page)
def member_device_import(request: Request, session: SessionDep, principal: CurrentMember,
                         file: Annotated[UploadFile, File()]):
    """Import a device export file (JSON or CSV) and show each rejected row."""
    fmt = "csv" if (file.filename or "").lower().endswith(".csv") else "json"
    try:
        text = file.file.read(900_000).decode("utf-8")
        kept, dupes, rejected = service.import_device_export(session, member_id=principal.member_id, text=text,
                                                             fmt=fmt, actor=principal)
    except UnicodeDecodeError:
        return _device(request, session, principal, error="file must be UTF-8 text", status_code=422)
    except AppError as exc:
        session.rollback()
        return _device(request, session, principal, error=exc.message, status_code=exc.status_code)
    return _device(request, session, principal, imported=(kept, dupes, rejected))


def _meds(request: Request, session, principal: Principal, **extra):
    member = member_or_404(session, principal.member_id)
    _read(session, principal, "MedicationStatement")
    weeks = service.daily_mme_by_week(session, member_ids=[member.id]).get(member.id, {})
    return render(request, "coaching_medications.html", status_code=extra.pop("status_code", 200), member=member,
                  meds=[medication_read(m) for m in service.medications(session, member_id=member.id)],
                  weeks=weeks, today=local_today(member), saved=request.query_params.get("saved"), **extra)


@router.get("/me/coaching/medications", response_class=Page)
def member_medications(request: Request, session: SessionDep, principal: CurrentMember):
    """Medications, opioids flagged with their daily MME, and the weekly trend."""
    return _meds(request, session, principal)


@router.post("/me/coaching/medications", response_class=Page)
def member_medication_add(request: Request, session: SessionDep, queue: QueueDep, principal: CurrentMember,
                          name: Annotated[str, Form()], started_on: Annotated[date, Form()],
                          dose_value: Annotated[str, Form()] = "", dose_unit: Annotated[str, Form()] = "",
                          doses_per_day: Annotated[str, Form()] = "", rxcui: Annotated[str, Form()] = ""):
    """Report a medication from the page."""
    try:
        data = MedicationCreate(name=name, started_on=started_on, dose_value=_float("dose_value", dose_value),
                                dose_unit=dose_unit or None, doses_per_day=_float("doses_per_day", doses_per_day),
                                rxcuis=[c for c in rxcui.split(",") if c.strip()])
        row = service.add_medication(session, member_id=principal.member_id, data=data, actor=principal)
    except (AppError, ValueError) as exc:
        session.rollback()
        return _meds(request, session, principal, error=getattr(exc, "message", "check the values entered"),
                     status_code=422)
    signal_medication_change(session, queue, row, "started")
    return _back("/me/coaching/medications")


@router.post("/me/coaching/medications/{medication_id}/stop", response_class=Page)
def member_medication_stop(request: Request, medication_id: str, session: SessionDep, queue: QueueDep,
                           principal: CurrentMember):
    """Stop a medication today."""
    member = member_or_404(session, principal.member_id)
    old, _ = service.change_medication(session, member_id=member.id, medication_id=medication_id,
                                       data=MedicationChange(on=local_today(member), stop=True), actor=principal)
    signal_medication_change(session, queue, old, "stopped")
    return _back("/me/coaching/medications")
