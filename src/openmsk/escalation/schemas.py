"""Request and response bodies of the escalation API."""

from datetime import datetime
from typing import Any

from pydantic import Field

from openmsk.schemas import Output, StrictInput


class ResourcesSubmit(StrictInput):
    """FHIR R4 resources of one member (as JSON objects) to evaluate."""

    resources: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class ProcessRead(Output):
    """What a submission did."""

    created: list[str]
    updated: list[str]
    context: int
    problems: list[str]


class AlertRead(Output):
    """One escalation alert."""

    id: str
    member_id: str
    category: str
    rule_id: str
    severity: str
    routed_role: str
    respond_within: str
    due_at: datetime
    status: str
    actionable: bool
    assignee_clinician_id: str | None
    snoozed_until: datetime | None
    outcome: str | None
    outcome_note: str
    resource: str
    related: list[str]
    evidence: str
    explanation: str
    occurred_at: datetime | None
    created_at: datetime
    updated_at: datetime
    escalated_at: datetime | None
    version: int


class AssignInput(StrictInput):
    """Assign to a clinician of the member's care team; omit to take it yourself."""

    clinician_id: str | None = None


class SnoozeInput(StrictInput):
    """Snooze until an aware date-time in the future."""

    until: datetime


class ResolveInput(StrictInput):
    """Resolve with an outcome code (see GET /escalations/outcomes) and an optional note."""

    outcome: str
    note: str = Field(default="", max_length=1000)


class RuleCreate(StrictInput):
    """A rule in the rules.yaml format (one mapping; see docs/escalation.md)."""

    definition: dict[str, Any]


class RuleRead(Output):
    """One rule as listed for admins."""

    id: str
    category: str
    severity: str
    route_to: str
    respond_within: str
    source: str
    enabled: bool
    explanation: str
