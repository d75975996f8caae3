"""Escalation API and pages: resources in, worklist, alert actions, live stream and admin rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from openmsk.auth.policy import CurrentAdmin, CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import ERROR_RESPONSES, Forbidden, Invalid
from openmsk.escalation import jobs, pages, service, stream  # noqa: F401 - jobs registers the subscriptions
from openmsk.escalation.live import after_commit
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.schemas import (
    AlertRead, AssignInput, ProcessRead, ResolveInput, ResourcesSubmit, RuleCreate, RuleRead, SnoozeInput,
)

api = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["escalations"])
EventAccess = Annotated[Principal, Depends(member_scope("ClinicalEvent"))]
AlertAccess = Annotated[Principal, Depends(member_scope("EscalationAlert"))]


@api.post("/members/{member_id}/clinical-events", response_model=ProcessRead, status_code=status.HTTP_201_CREATED)
def submit_resources(member_id: str, body: ResourcesSubmit, session: SessionDep, queue: QueueDep,
                     principal: EventAccess) -> ProcessRead:
    """Evaluate FHIR R4 resources of a member now (care team); re-sending a record updates, never duplicates."""
    if not principal.is_clinician:
        raise Forbidden("records are submitted by the care team or the FHIR import")
    result = service.process_resources(session, member_id=member_id, resources=body.resources)
    if result.urgent:
        after_commit(session, lambda: queue.enqueue("escalation.announce_urgent", {"alert_ids": result.urgent}))
    return ProcessRead(created=result.created, updated=result.updated, context=result.context,
                       problems=result.problems)


@api.get("/members/{member_id}/escalations", response_model=list[AlertRead])
def member_escalations(member_id: str, session: SessionDep, principal: AlertAccess) -> list[EscalationAlert]:
    """Every alert of a member, history before the monitoring window included (`actionable: false`)."""
    if not principal.is_clinician:
        raise Forbidden("alerts are for the care team")
    return service.member_alerts(session, principal=principal, member_id=member_id)


@api.get("/escalations/alerts", response_model=list[AlertRead])
def list_alerts(session: SessionDep, principal: CurrentClinician,
                status_: Annotated[str, Query(alias="status", description="comma-separated")] = "open,acknowledged,snoozed",
                role: str | None = None, category: str | None = None, member_id: str | None = None,
                mine: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[EscalationAlert]:
    """Your worklist: alerts of your members, most severe and soonest due first."""
    statuses = tuple(s.strip() for s in status_.split(",") if s.strip())
    if not statuses:
        raise Invalid("status must name at least one status")
    return service.worklist(session, principal=principal, limit=limit, statuses=statuses, role=role,
                            category=category, member_id=member_id, mine=mine)


@api.get("/escalations/outcomes")
def list_outcomes(_: CurrentClinician) -> dict[str, str]:
    """Outcome codes accepted when resolving, with their labels."""
    return service.OUTCOMES


@api.get("/escalations/alerts/{alert_id}", response_model=AlertRead)
def read_alert(alert_id: str, session: SessionDep, principal: CurrentClinician) -> EscalationAlert:
    """One alert of your members."""
    alert = service.get_alert(session, principal=principal, alert_id=alert_id)
    service.audit_read(session, principal, alert)
    return alert


@api.post("/escalations/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge(alert_id: str, session: SessionDep, principal: CurrentClinician) -> EscalationAlert:
    """Acknowledge: you have seen it (and take it when nobody has)."""
    return service.acknowledge(session, alert_id=alert_id, actor=principal)


@api.post("/escalations/alerts/{alert_id}/assign", response_model=AlertRead)
def assign(alert_id: str, body: AssignInput, session: SessionDep, principal: CurrentClinician) -> EscalationAlert:
    """Assign to a clinician on the member's care team (yourself when none is named)."""
    return service.assign(session, alert_id=alert_id, clinician_id=body.clinician_id, actor=principal)


@api.post("/escalations/alerts/{alert_id}/snooze", response_model=AlertRead)
def snooze(alert_id: str, body: SnoozeInput, session: SessionDep, principal: CurrentClinician) -> EscalationAlert:
    """Snooze until a later time; it reopens then."""
    return service.snooze(session, alert_id=alert_id, until=body.until, actor=principal)


@api.post("/escalations/alerts/{alert_id}/resolve", response_model=AlertRead)
def resolve(alert_id: str, body: ResolveInput, session: SessionDep, principal: CurrentClinician) -> EscalationAlert:
    """Resolve with an outcome."""
    return service.resolve(session, alert_id=alert_id, outcome=body.outcome, note=body.note, actor=principal)


@api.get("/escalations/rules", response_model=list[RuleRead])
def list_rules(session: SessionDep, _: CurrentAdmin) -> list:
    """Shipped and clinic rules with their enabled state (admins)."""
    return service.list_rules(session)


@api.post("/escalations/rules", response_model=RuleRead, status_code=status.HTTP_201_CREATED)
def add_rule(body: RuleCreate, session: SessionDep, admin: CurrentAdmin):
    """Add a rule in the rules.yaml format, validated with the shipped loader (admins)."""
    return service.add_rule(session, definition=body.definition, actor=admin)


@api.post("/escalations/rules/{rule_id}/disable", response_model=RuleRead)
def disable_rule(rule_id: str, session: SessionDep, admin: CurrentAdmin):
    """Stop a rule from raising new alerts (admins)."""
    return service.set_enabled(session, rule_id=rule_id, enabled=False, actor=admin)


@api.post("/escalations/rules/{rule_id}/enable", response_model=RuleRead)
def enable_rule(rule_id: str, session: SessionDep, admin: CurrentAdmin):
    """Turn a disabled rule back on (admins)."""
    return service.set_enabled(session, rule_id=rule_id, enabled=True, actor=admin)


router = APIRouter()
router.include_router(api)
router.include_router(stream.router)
router.include_router(pages.router)

add_nav_link("Escalations", "/console/escalations", "clinician", order=15)
add_chart_link("Escalations", "escalations", order=40)
add_nav_link("Escalation rules", "/admin/escalation-rules", "admin", order=30)
