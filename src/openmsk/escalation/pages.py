"""Pages: the clinician's live escalation worklist, a member's alert history, and the admin rule list."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth.policy import CurrentAdmin, CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.rendering import render
from openmsk.db import SessionDep, utcnow
from openmsk.errors import AppError, Invalid
from openmsk.escalation import service
from openmsk.escalation.present import OUTCOME_OPTIONS, rows_for
from openmsk.escalation.rules import CATEGORIES, ROLES
from openmsk.members import service as members

router = APIRouter(include_in_schema=False)
SNOOZE_HOURS = (1, 4, 24, 72)
MemberAlerts = Annotated[Principal, Depends(member_scope("EscalationAlert"))]


def _filters(status: str, role: str, mine: str) -> dict:
    statuses = service.ACTIVE if status in ("", "active") else tuple(status.split(","))
    return {"statuses": statuses, "role": role or None, "mine": mine == "1"}


@router.get("/console/escalations", response_class=HTMLResponse)
def worklist_page(request: Request, session: SessionDep, principal: CurrentClinician, status: str = "active",
                  role: str = "", mine: str = "", alert: str = ""):
    """The live worklist: alerts of your members by severity and response target."""
    now = utcnow()
    alerts = service.worklist(session, principal=principal, **_filters(status, role, mine))
    query = urlencode({k: v for k, v in (("status", status), ("role", role), ("mine", mine)) if v})
    return render(request, "escalation_worklist.html", rows=rows_for(session, alerts, now), since=now.isoformat(),
                  status=status, role=role, mine=mine, roles=ROLES, focus=alert, me=principal.clinician_id,
                  back="/console/escalations" + (f"?{query}" if query else ""), live=status in ("", "active"),
                  outcomes=service.OUTCOMES, outcome_options=OUTCOME_OPTIONS,
                  snooze_hours=SNOOZE_HOURS)


def _back(back: str) -> str:
    return back if back.startswith("/console/escalations") else "/console/escalations"


@router.post("/console/escalations/{alert_id}/{action}", response_class=HTMLResponse)
def worklist_action(request: Request, alert_id: str, action: str, session: SessionDep, principal: CurrentClinician,
                    back: Annotated[str, Form()] = "/console/escalations", outcome: Annotated[str, Form()] = "",
                    note: Annotated[str, Form()] = "", hours: Annotated[int, Form()] = 4,
                    csrf_token: Annotated[str, Form()] = ""):
    """Acknowledge, take, snooze or resolve one alert from the worklist, then return to it."""
    if action == "acknowledge":
        service.acknowledge(session, alert_id=alert_id, actor=principal)
    elif action == "assign":
        service.assign(session, alert_id=alert_id, clinician_id=None, actor=principal)
    elif action == "snooze":
        if hours not in SNOOZE_HOURS:
            raise Invalid("choose a snooze length from the list")
        service.snooze(session, alert_id=alert_id, until=utcnow() + timedelta(hours=hours), actor=principal)
    elif action == "resolve":
        service.resolve(session, alert_id=alert_id, outcome=outcome, note=note, actor=principal)
    else:
        raise Invalid("unknown action")
    return RedirectResponse(_back(back), status_code=303)


@router.get("/console/members/{member_id}/escalations", response_class=HTMLResponse)
def member_alerts_page(request: Request, member_id: str, session: SessionDep, principal: MemberAlerts):
    """Every alert of one member, with older history (before the monitoring window) as context."""
    if not principal.is_clinician:
        raise Invalid("this page is for the care team")
    member = members.get_member(session, member_id=member_id)
    rows = rows_for(session, service.member_alerts(session, principal=principal, member_id=member_id), utcnow())
    since, lookback = service.window_of(member)
    return render(request, "escalation_member.html", member=member, since=since, lookback_days=lookback.days,
                  actionable=[r for r in rows if r.alert.actionable], context=[r for r in rows if not r.alert.actionable])


@router.get("/admin/escalation-rules", response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, _: CurrentAdmin):
    """Shipped and clinic rules, with a form to add one and buttons to disable or enable."""
    return render(request, "escalation_rules.html", rules=service.list_rules(session), categories=CATEGORIES)


@router.post("/admin/escalation-rules", response_class=HTMLResponse)
def rules_add(request: Request, session: SessionDep, admin: CurrentAdmin, definition: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = ""):
    """Add a rule written in the rules.yaml format; show the validation error otherwise."""
    try:
        service.add_rule(session, definition=service.parse_definition(definition), actor=admin)
    except AppError as exc:
        problems = [d.message for d in exc.details] or [exc.message]
        return render(request, "escalation_rules.html", status_code=exc.status_code, rules=service.list_rules(session),
                      categories=CATEGORIES, errors=problems, definition=definition)
    return RedirectResponse("/admin/escalation-rules?added=1", status_code=303)


@router.post("/admin/escalation-rules/{rule_id}/{state}", response_class=HTMLResponse)
def rules_toggle(request: Request, rule_id: str, state: str, session: SessionDep, admin: CurrentAdmin,
                 csrf_token: Annotated[str, Form()] = ""):
    """Disable or enable a rule."""
    if state not in ("enable", "disable"):
        raise Invalid("unknown action")
    service.set_enabled(session, rule_id=rule_id, enabled=state == "enable", actor=admin)
    return RedirectResponse("/admin/escalation-rules", status_code=303)
