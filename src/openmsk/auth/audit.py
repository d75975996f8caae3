"""Recording reads and writes of health data; the only writer of audit events."""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from openmsk.auth.models import AuditEvent
from openmsk.auth.principal import Principal
from openmsk.db import Database
from openmsk.logs import request_id_var


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


def record_reads(session: Session, principal: Principal, *, resource_type: str,
                 member_ids: Iterable[str]) -> None:
    """One read event per member shown, so 'who looked at member X' has a complete answer."""
    for member_id in member_ids:
        record(session, principal, action="read", resource_type=resource_type,
               resource_id=member_id, member_id=member_id)


def record_denied(db: Database, principal: Principal | None, *, action: str, resource_type: str,
                  resource_id: str | None = None, member_id: str | None = None) -> None:
    """Record a refused attempt in its own transaction: the request's own one is rolled back."""
    with db.transaction() as session:
        record(session, principal, action=action, resource_type=resource_type,
               resource_id=resource_id, member_id=member_id, outcome="denied")
