"""Overdue alerts escalate: severity goes up one step, an urgent task opens, snoozes that ended reopen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.models import User
from openmsk.careteam.models import CareTeamAssignment, Clinician
from openmsk.careteam.tasks import create_task
from openmsk.escalation.live import mark_changed
from openmsk.escalation.models import EscalationAlert

_UP = {"routine": "high", "high": "urgent", "urgent": "urgent"}


def escalate_overdue(session: Session, *, now: datetime, limit: int = 500) -> tuple[list[str], list[str]]:
    """Reopen ended snoozes and escalate open alerts past their response target (once each).

    Returns (escalated alert ids, ids that are urgent after escalating).
    """
    for alert in session.scalars(select(EscalationAlert).where(
            EscalationAlert.status == "snoozed", EscalationAlert.snoozed_until <= now).limit(limit)):
        alert.status, alert.snoozed_until = "open", None
        _touch(session, alert, now, "unsnooze", {"status": "open"})
    overdue = list(session.scalars(select(EscalationAlert).where(
        EscalationAlert.actionable.is_(True), EscalationAlert.status == "open",
        EscalationAlert.escalated_at.is_(None), EscalationAlert.due_at <= now).limit(limit)))
    escalated, urgent = [], []
    for alert in overdue:
        alert.severity = _UP[alert.severity]
        alert.escalated_at = now
        task = create_task(
            session, member_id=alert.member_id, assignee_role=alert.routed_role, kind="escalation_overdue",
            title=f"Overdue escalation alert: {alert.category.replace('_', ' ')}", priority="urgent",
            detail=f"Open the escalation worklist: /console/escalations?alert={alert.id}",
            source="escalation", dedup_key=f"escalation-overdue:{alert.id}")
        alert.escalation_task_id = task.id
        _touch(session, alert, now, "escalate", {"severity": alert.severity, "task_id": task.id})
        escalated.append(alert.id)
        if alert.severity == "urgent":
            urgent.append(alert.id)
    return escalated, urgent


def _touch(session: Session, alert: EscalationAlert, now: datetime, action: str, detail: dict) -> None:
    alert.version += 1
    alert.updated_at = now
    mark_changed(session, alert.id)
    audit.record(session, None, action=action, resource_type="EscalationAlert", resource_id=alert.id,
                 member_id=alert.member_id, detail=detail)


def recipient_email(session: Session, alert: EscalationAlert) -> str | None:
    """The assignee's email, else the email of the member's clinician in the routed role."""
    clinician_id = alert.assignee_clinician_id or session.scalar(select(CareTeamAssignment.clinician_id).where(
        CareTeamAssignment.member_id == alert.member_id, CareTeamAssignment.role == alert.routed_role,
        CareTeamAssignment.ended_at.is_(None)))
    if clinician_id is None:
        return None
    return session.scalar(select(User.email).join(Clinician, Clinician.user_id == User.id)
                          .where(Clinician.id == clinician_id))
