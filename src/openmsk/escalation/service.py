"""The escalation capability's service: the only reader and writer of its tables (one facade)."""

from openmsk.escalation.ingest import ProcessResult, enrolled_at, process_resources, process_signal, window_of
from openmsk.escalation.overdue import escalate_overdue, recipient_email
from openmsk.escalation.rulestore import add_rule, engine_for, list_rules, parse_definition, set_enabled
from openmsk.escalation.worklist import (
    ACTIVE, OUTCOMES, STATUSES, acknowledge, audit_read, assign, get_alert, member_alerts, resolve, snooze, visible_query,
    worklist,
)

__all__ = [
    "ACTIVE", "OUTCOMES", "STATUSES", "ProcessResult", "acknowledge", "add_rule", "audit_read", "assign", "engine_for",
    "enrolled_at", "escalate_overdue", "get_alert", "list_rules", "member_alerts", "parse_definition",
    "process_resources", "process_signal", "recipient_email", "resolve", "set_enabled", "snooze",
    "visible_query", "window_of", "worklist",
]
