"""The interop capability's public functions: imports, records for other capabilities, review queue."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database
from openmsk.interop import store
from openmsk.interop.importer import RECORDS_IMPORTED, Importer, ImportSummary
from openmsk.interop.linking import resolve_review, review_queue
from openmsk.interop.models import ClinicalRecord

log = logging.getLogger(__name__)
__all__ = ["import_paths", "records_by_ids", "member_records", "review_queue", "resolve_review",
           "emit_imported", "RECORDS_IMPORTED"]


def emit_imported(queue, by_member: dict[str, list[str]]) -> None:
    """Tell subscribers (escalation) which records each member got; never fails the import."""
    if queue is None:
        return
    from openmsk.jobs import emit

    for member_id, ids in by_member.items():
        try:
            emit(queue, RECORDS_IMPORTED, {"member_id": member_id, "record_ids": ids})
        except Exception as exc:  # noqa: BLE001 - the records are committed; a subscriber problem is logged
            log.warning("records_imported event not delivered", extra={"error_type": type(exc).__name__})


def import_paths(db: Database, paths: Iterable[str | Path], *, queue=None, create_members: bool = False,
                 org: str | None = None, source_system: str | None = None, actor: Principal | None = None,
                 on_file=None) -> ImportSummary:
    """Import FHIR files; after each committed bundle or chunk emit `clinical.records_imported`."""
    kwargs = {"source_system": source_system} if source_system else {}
    importer = Importer(db, create_members=create_members, org=org, actor=actor,
                        on_commit=lambda by_member: emit_imported(queue, by_member), **kwargs)
    return importer.import_paths(paths, on_file=on_file)


def records_by_ids(session: Session, *, record_ids: Iterable[str]) -> list[tuple[str, str, dict]]:
    """(record id, member id, FHIR resource) for each imported record linked to a member."""
    return store.records_by_ids(session, record_ids=record_ids)


def member_records(session: Session, *, member_id: str, principal: Principal | None,
                   resource_type: str | None = None, limit: int | None = 500) -> list[ClinicalRecord]:
    """A member's imported records (caller's access is checked by the route policy); audited as a read."""
    rows = store.member_records(session, member_id=member_id, resource_type=resource_type, limit=limit)
    if principal is not None:
        audit.record(session, principal, action="read", resource_type="ClinicalRecord",
                     resource_id=member_id, member_id=member_id)
    return rows
