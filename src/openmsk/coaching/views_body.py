"""The member's weight and diet page, and the nudge settings page."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from openmsk.auth import audit
from openmsk.auth.policy import CurrentMember
from openmsk.auth.principal import Principal
from openmsk.coaching import service
from openmsk.coaching.diet import CHECKLIST
from openmsk.coaching.kinds import Kind
from openmsk.coaching.schemas import DietCreate, PreferencesBody, WeightCreate
from openmsk.coaching.service_common import local_today, member_or_404
from openmsk.coaching.service_logs import intake_height_cm
from openmsk.coaching.views_member import _float
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import AppError, Invalid

router = APIRouter(include_in_schema=False)
Page = HTMLResponse


def _int(field: str, text: str) -> int:
    value = _float(field, text)
    if value is None or value != int(value):
        raise Invalid(f"{field} must be a whole number")
    return int(value)


def _body(request: Request, session, principal: Principal, **extra):
    member = member_or_404(session, principal.member_id)
    audit.record(session, principal, action="read", resource_type="BodyLog", resource_id=member.id,
                 member_id=member.id)
    return render(request, "coaching_body.html", status_code=extra.pop("status_code", 200), member=member,
                  weights=service.weights_with_bmi(session, member_id=member.id),
                  has_height=intake_height_cm(session, member.id) is not None,
                  diets=service.diet_logs(session, member_id=member.id), checklist=CHECKLIST,
                  comments=service.notes(session, member_id=member.id, topics=("diet",)),
                  today=local_today(member), saved=request.query_params.get("saved"), **extra)


@router.get("/me/coaching/body", response_class=Page)
def member_body(request: Request, session: SessionDep, principal: CurrentMember):
    """Weight with BMI trend, and the diet log with the nutritionist's comments."""
    return _body(request, session, principal)


@router.post("/me/coaching/weights", response_class=Page)
def member_weight(request: Request, session: SessionDep, principal: CurrentMember,
                  measured_on: Annotated[date, Form()], weight_kg: Annotated[str, Form()],
                  height_cm: Annotated[str, Form()] = ""):
    """Record a weight from the page."""
    try:
        weight = _float("weight_kg", weight_kg)
        if weight is None:
            raise Invalid("weight_kg is required")
        service.record_weight(session, member_id=principal.member_id, actor=principal, data=WeightCreate(
            measured_on=measured_on, weight_kg=weight, height_cm=_float("height_cm", height_cm)))
    except AppError as exc:
        session.rollback()
        return _body(request, session, principal, error=exc.message, status_code=exc.status_code)
    return RedirectResponse("/me/coaching/body?saved=weight", status_code=303)


@router.post("/me/coaching/diet", response_class=Page)
async def member_diet(request: Request, session: SessionDep, principal: CurrentMember):
    """Record a day's diet log from the page (the checklist is a multi-value field)."""
    form = await request.form()
    try:
        try:
            day = date.fromisoformat(str(form.get("day", "")))
        except ValueError:
            raise Invalid("day must be a date") from None
        data = DietCreate(day=day, ssb_servings=_int("ssb_servings", str(form.get("ssb_servings", ""))),
                          fruit_veg_servings=_int("fruit_veg_servings", str(form.get("fruit_veg_servings", ""))),
                          checklist=[str(v) for v in form.getlist("checklist")])
        service.record_diet(session, member_id=principal.member_id, data=data, actor=principal)
    except AppError as exc:
        session.rollback()
        return _body(request, session, principal, error=exc.message, status_code=exc.status_code)
    return RedirectResponse("/me/coaching/body?saved=diet", status_code=303)


def _settings(request: Request, session, principal: Principal, **extra):
    prefs = service.get_preferences(session, member_id=principal.member_id)
    return render(request, "coaching_settings.html", status_code=extra.pop("status_code", 200), prefs=prefs,
                  kinds=[k.value for k in Kind], saved=request.query_params.get("saved"), **extra)


@router.get("/me/coaching/settings", response_class=Page)
def member_settings(request: Request, session: SessionDep, principal: CurrentMember):
    """Quiet hours, how many nudges, which kinds and channels."""
    return _settings(request, session, principal)


@router.post("/me/coaching/settings", response_class=Page)
async def member_settings_save(request: Request, session: SessionDep, principal: CurrentMember):
    """Save the nudge settings; opt-outs take effect at once."""
    form = await request.form()
    current = service.get_preferences(session, member_id=principal.member_id)
    try:
        data = PreferencesBody(
            quiet_start=str(form.get("quiet_start", "21:00")), quiet_end=str(form.get("quiet_end", "08:00")),
            max_per_day=_int("max_per_day", str(form.get("max_per_day", "1"))),
            max_per_week=_int("max_per_week", str(form.get("max_per_week", "3"))),
            opted_out_kinds=[str(v) for v in form.getlist("opt_out_kind")],
            opted_out_channels=[str(v) for v in form.getlist("opt_out_channel")],
            channels=list(dict.fromkeys([str(form.get("preferred_channel") or (current.channels or ["push"])[0]),
                                         "in_app"])),
            device_max_intensity=_float("device_max_intensity", str(form.get("device_max_intensity", ""))))
    except ValidationError as exc:
        field = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "settings"
        return _settings(request, session, principal, error=f"{field} is not valid", status_code=422)
    except AppError as exc:
        return _settings(request, session, principal, error=exc.message, status_code=exc.status_code)
    service.set_preferences(session, member_id=principal.member_id, data=data, actor=principal)
    return RedirectResponse("/me/coaching/settings?saved=1", status_code=303)
