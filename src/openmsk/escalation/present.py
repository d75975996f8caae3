"""Shapes alerts for the worklist page and the live stream (names, ages, overdue marks, row HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.careteam.models import Clinician
from openmsk.console.rendering import templates
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.schemas import AlertRead
from openmsk.escalation.worklist import OUTCOMES
from openmsk.members.models import Member


# The resolve form's <option>s are the same on every row: rendered once, not escaped again for each alert.
OUTCOME_OPTIONS = Markup("").join(Markup('<option value="{}">{}</option>').format(code, label)
                                  for code, label in OUTCOMES.items())


@dataclass(frozen=True)
class AlertRow:
    """An alert with what the worklist shows beside it."""

    alert: EscalationAlert
    member_name: str
    assignee_name: str | None
    age: str
    due_in: str
    overdue: bool


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} min"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def rows_for(session: Session, alerts: list[EscalationAlert], now: datetime) -> list[AlertRow]:
    """Worklist rows in the given order, with member and assignee names fetched in two queries."""
    member_ids = {a.member_id for a in alerts}
    clinician_ids = {a.assignee_clinician_id for a in alerts if a.assignee_clinician_id}
    # Only the name columns: the live stream calls this for every batch of alerts it sends.
    names = {member_id: f"{family}, {given}" for member_id, family, given in session.execute(
        select(Member.id, Member.family_name, Member.given_name).where(Member.id.in_(member_ids)))
    } if member_ids else {}
    clinicians = dict(session.execute(select(Clinician.id, Clinician.display_name).where(
        Clinician.id.in_(clinician_ids))).all()) if clinician_ids else {}
    rows = []
    for a in alerts:
        remaining = (a.due_at - now).total_seconds()
        overdue = remaining < 0 and a.status in ("open", "snoozed")
        rows.append(AlertRow(a, names.get(a.member_id, "member"), clinicians.get(a.assignee_clinician_id or ""),
                             _span((now - a.created_at).total_seconds()),
                             ("overdue " if remaining < 0 else "in ") + _span(remaining), overdue))
    return rows


def row_html(row: AlertRow, csrf_token: str, me: str | None, back: str = "/console/escalations") -> str:
    """The <tr> of one alert, as on the page (the live stream sends the same markup)."""
    return templates.env.get_template("escalation_row.html").render(
        r=row, csrf_token=csrf_token, outcomes=OUTCOMES, outcome_options=OUTCOME_OPTIONS, me=me, back=back)


def alert_json(row: AlertRow) -> dict:
    """The API shape of an alert plus the member's display name."""
    return {**AlertRead.model_validate(row.alert).model_dump(mode="json"), "member_name": row.member_name}
