"""The interop capability's public functions: imports, records for other capabilities, review queue."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database
from openmsk.interop import matching, store
from openmsk.interop.importer import RECORDS_IMPORTED, Importer, ImportSummary
from openmsk.interop.linking import resolve_review, review_queue
from openmsk.interop.models import ClinicalRecord, PatientLink
from openmsk.members.models import Member

log = logging.getLogger(__name__)
__all__ = ["import_paths", "records_by_ids", "member_records", "review_queue", "resolve_review",
           "review_items", "emit_imported", "RECORDS_IMPORTED"]


@dataclass(frozen=True)
class ReviewItem:
    """An uncertain match: the provider's demographics next to the candidate member's."""

    link: PatientLink
    incoming: matching.Demographics | None
    candidate: Member | None


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


def review_items(session: Session, *, principal: Principal, link_id: str | None = None) -> list[ReviewItem]:
    """The review queue (or one item of it) with both sides' demographics; audited as reads of the candidates."""
    links = [link for link in review_queue(session) if link_id is None or link.id == link_id]
    items = []
    for link in links:
        resource = session.scalar(select(ClinicalRecord.resource_json).where(
            ClinicalRecord.source_system == link.source_system, ClinicalRecord.resource_type == "Patient",
            ClinicalRecord.source_id == link.patient_id))
        incoming = matching.patient_demographics(json.loads(resource)) if resource else None
        candidate = session.get(Member, link.candidate_member_id) if link.candidate_member_id else None
        items.append(ReviewItem(link, incoming, candidate))
    audit.record_reads(session, principal, resource_type="FhirPatientLink",
                       member_ids=sorted({i.candidate.id for i in items if i.candidate}))
    return items
