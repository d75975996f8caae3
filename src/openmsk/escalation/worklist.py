"""The care team's worklist: visible alerts, and acknowledge / assign / snooze / resolve (all audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam.models import CareTeamAssignment, Clinician
from openmsk.db import utcnow
from openmsk.errors import Conflict, Forbidden, Invalid, NotFound
from openmsk.escalation.live import mark_changed
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.rules import CATEGORIES, ROLES

STATUSES = ("open", "acknowledged", "snoozed", "resolved")
ACTIVE = ("open", "acknowledged", "snoozed")
# Outcomes offered when resolving; the list is OpenMSK's, not a clinical standard.
OUTCOMES = {
    "called_member": "Called member",
    "no_action_needed": "No action needed",
    "escalated_to_physician": "Escalated to physician",
    "referred_to_behavioral_health": "Referred to behavioral health",
    "care_plan_updated": "Care plan updated",
    "member_unreachable": "Member unreachable",
    "emergency_services_advised": "Emergency services advised",
    "other": "Other (see note)",
}
SEVERITY_ORDER = case({"urgent": 0, "high": 1, "routine": 2}, value=EscalationAlert.severity)


def team_member_ids(clinician_id: str | None):
    """A subquery of the members the clinician currently serves."""
    return select(CareTeamAssignment.member_id).where(
        CareTeamAssignment.clinician_id == clinician_id, CareTeamAssignment.ended_at.is_(None))


def visible_query(principal: Principal, *, statuses: tuple[str, ...] = ACTIVE, role: str | None = None,
                  category: str | None = None, member_id: str | None = None, mine: bool = False):
    """Actionable alerts of the clinician's members, most severe and soonest due first."""
    if not principal.is_clinician:
        raise Forbidden("only clinicians have an escalation worklist")
    for status in statuses:
        if status not in STATUSES:
            raise Invalid(f"unknown status; use {', '.join(STATUSES)}")
    if role is not None and role not in ROLES:
        raise Invalid(f"unknown role; use {', '.join(ROLES)}")
    if category is not None and category not in CATEGORIES:
        raise Invalid("unknown category")
    query = select(EscalationAlert).where(
        EscalationAlert.actionable.is_(True), EscalationAlert.status.in_(statuses),
        EscalationAlert.member_id.in_(team_member_ids(principal.clinician_id)))
    if role:
        query = query.where(EscalationAlert.routed_role == role)
    if category:
        query = query.where(EscalationAlert.category == category)
    if member_id:
        query = query.where(EscalationAlert.member_id == member_id)
    if mine:
        query = query.where((EscalationAlert.assignee_clinician_id == principal.clinician_id) | (
            EscalationAlert.assignee_clinician_id.is_(None)
            & EscalationAlert.routed_role.in_(sorted(principal.roles))))
    return query.order_by(SEVERITY_ORDER, EscalationAlert.due_at, EscalationAlert.created_at)


def worklist(session: Session, *, principal: Principal, limit: int = 200, **filters) -> list[EscalationAlert]:
    """The clinician's alerts under the filters; every member shown is audited as read."""
    alerts = list(session.scalars(visible_query(principal, **filters).limit(limit)))
    audit.record_reads(session, principal, resource_type="EscalationAlert",
                       member_ids=sorted({a.member_id for a in alerts}))
    return alerts


def member_alerts(session: Session, *, principal: Principal, member_id: str) -> list[EscalationAlert]:
    """Every alert of one member, context included (callers check access with member_scope)."""
    return list(session.scalars(select(EscalationAlert).where(EscalationAlert.member_id == member_id)
                                .order_by(EscalationAlert.actionable.desc(), EscalationAlert.occurred_at.desc())))


def get_alert(session: Session, *, principal: Principal, alert_id: str) -> EscalationAlert:
    """One alert, if the clinician serves its member."""
    alert = session.get(EscalationAlert, alert_id)
    if alert is None:
        raise NotFound("no alert with this id")
    if not principal.is_clinician or not session.scalar(
            team_member_ids(principal.clinician_id).where(CareTeamAssignment.member_id == alert.member_id)):
        raise Forbidden("this alert belongs to another care team")
    return alert


def audit_read(session: Session, principal: Principal, alert: EscalationAlert) -> None:
    """Record that the clinician read one alert of a member."""
    audit.record_reads(session, principal, resource_type="EscalationAlert", member_ids=[alert.member_id])


def _changed(session: Session, alert: EscalationAlert, actor: Principal, action: str, detail: dict) -> None:
    alert.version += 1
    alert.updated_at = utcnow()
    mark_changed(session, alert.id)
    audit.record(session, actor, action=action, resource_type="EscalationAlert", resource_id=alert.id,
                 member_id=alert.member_id, detail=detail)


def _open_for_action(session: Session, actor: Principal, alert_id: str) -> EscalationAlert:
    alert = get_alert(session, principal=actor, alert_id=alert_id)
    if not alert.actionable:
        raise Conflict("this alert is history from before the monitoring window; nothing to act on")
    if alert.status == "resolved":
        raise Conflict("this alert is already resolved")
    return alert


def acknowledge(session: Session, *, alert_id: str, actor: Principal) -> EscalationAlert:
    """Mark the alert as seen by the acting clinician (assigning it to them if unassigned)."""
    alert = _open_for_action(session, actor, alert_id)
    alert.status, alert.snoozed_until = "acknowledged", None
    alert.acknowledged_at, alert.acknowledged_by = utcnow(), actor.user_id
    alert.assignee_clinician_id = alert.assignee_clinician_id or actor.clinician_id
    _changed(session, alert, actor, "acknowledge", {"status": "acknowledged"})
    return alert


def assign(session: Session, *, alert_id: str, clinician_id: str | None, actor: Principal) -> EscalationAlert:
    """Give the alert to a clinician on the member's care team (the actor when none is named)."""
    alert = _open_for_action(session, actor, alert_id)
    target = clinician_id or actor.clinician_id
    clinician = session.get(Clinician, target)
    on_team = session.scalar(team_member_ids(target).where(CareTeamAssignment.member_id == alert.member_id))
    if clinician is None or not clinician.is_active or not on_team:
        raise Invalid("clinician_id must be an active clinician on the member's care team")
    alert.assignee_clinician_id = target
    _changed(session, alert, actor, "assign", {"assignee_clinician_id": target})
    return alert


def snooze(session: Session, *, alert_id: str, until: datetime, actor: Principal) -> EscalationAlert:
    """Hide the alert until a later time; it comes back open (and may escalate) after that."""
    if until.tzinfo is None:
        raise Invalid("until must include a time zone")
    if until <= utcnow():
        raise Invalid("until must be in the future")
    alert = _open_for_action(session, actor, alert_id)
    alert.status, alert.snoozed_until = "snoozed", until
    _changed(session, alert, actor, "snooze", {"until": until.isoformat()})
    return alert


def resolve(session: Session, *, alert_id: str, outcome: str, note: str, actor: Principal) -> EscalationAlert:
    """Close the alert with an outcome."""
    if outcome not in OUTCOMES:
        raise Invalid(f"unknown outcome; use one of {', '.join(OUTCOMES)}")
    if outcome == "other" and not note.strip():
        raise Invalid("a note is required when the outcome is other")
    alert = _open_for_action(session, actor, alert_id)
    alert.status, alert.outcome, alert.outcome_note = "resolved", outcome, note.strip()[:1000]
    alert.resolved_at, alert.resolved_by, alert.snoozed_until = utcnow(), actor.user_id, None
    _changed(session, alert, actor, "resolve", {"outcome": outcome})
    return alert
