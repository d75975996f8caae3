"""Recording reads and writes of health data; the only writer of audit events."""

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from openmsk.auth.models import AuditEvent
from openmsk.auth.principal import Principal
from openmsk.db import Database, utcnow
from openmsk.logs import request_id_var

_ENTRY_KEYS = frozenset({"action", "resource_type", "resource_id", "member_id", "outcome", "detail"})


def record(session: Session, principal: Principal | None, *, action: str, resource_type: str,
           resource_id: str | None = None, member_id: str | None = None, outcome: str = "success",
           detail: dict | None = None) -> AuditEvent:
    """Add one audit event to the current transaction."""
    event = AuditEvent(
        actor_user_id=principal.user_id if principal else None,
        actor_role=principal.acting_role if principal else None,
        action=action, resource_type=resource_type, resource_id=resource_id, member_id=member_id,
        request_id=request_id_var.get(), outcome=outcome, detail=detail,
    )
    session.add(event)
    return event


def record_many(session: Session, entries: Iterable[Mapping[str, Any]], *,
                principal: Principal | None = None) -> int:
    """Add many audit events (each `record`'s keyword arguments) in one INSERT; returns how many.

    Same columns and meaning as `record`, written at once with a Core statement: the bulk writers (feed
    imports, rule evaluation) would otherwise spend more on one ORM object per event than on the work.
    """
    request_id = request_id_var.get()
    actor_user_id = principal.user_id if principal else None
    actor_role = principal.acting_role if principal else None
    now = utcnow()
    rows = []
    for entry in entries:
        if not _ENTRY_KEYS.issuperset(entry) or "action" not in entry or "resource_type" not in entry:
            raise TypeError("an audit entry needs action and resource_type, and only record()'s fields")
        rows.append({"at": now, "actor_user_id": actor_user_id, "actor_role": actor_role, "request_id": request_id,
                     "resource_id": entry.get("resource_id"), "member_id": entry.get("member_id"),
                     "outcome": entry.get("outcome", "success"), "detail": entry.get("detail"),
                     "action": entry["action"], "resource_type": entry["resource_type"]})
    if rows:
        if any(isinstance(pending, AuditEvent) for pending in session.new):
            session.flush()  # events recorded before these (one by one) keep the earlier ids
        session.connection().execute(insert(AuditEvent.__table__), rows)
    return len(rows)


def record_reads(session: Session, principal: Principal, *, resource_type: str,
                 member_ids: Iterable[str]) -> None:
    """One read event per member shown, so 'who looked at member X' has a complete answer."""
    record_many(session, ({"action": "read", "resource_type": resource_type, "resource_id": member_id,
                           "member_id": member_id} for member_id in member_ids), principal=principal)


def record_denied(db: Database, principal: Principal | None, *, action: str, resource_type: str,
                  resource_id: str | None = None, member_id: str | None = None) -> None:
    """Record a refused attempt in its own transaction: the request's own one is rolled back."""
    with db.transaction() as session:
        record(session, principal, action=action, resource_type=resource_type,
               resource_id=resource_id, member_id=member_id, outcome="denied")
