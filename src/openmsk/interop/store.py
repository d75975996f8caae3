"""Writes and reads of clinical_records and the directory index: dialect-aware batched upserts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from openmsk.db import utcnow
from openmsk.interop.models import ClinicalRecord, DirectoryEntry

RECORD_NAMESPACE = uuid.UUID("6f1e7c52-8d1c-4c55-9a8e-0b7f3c1d6a10")
# SQLite allows 32,766 bound parameters per statement (3.32+); 17 columns x 400 rows stays well below.
CHUNK_ROWS = 400
_UPDATED = ("member_id", "patient_ref", "version_id", "last_updated", "code", "display", "status",
            "effective", "content_hash", "resource_json", "provenance", "imported_at")


def record_id(source_system: str, resource_type: str, source_id: str) -> str:
    """The stable id of a record: the same source resource always gets the same id."""
    return str(uuid.uuid5(RECORD_NAMESPACE, f"{source_system}\x1f{resource_type}\x1f{source_id}"))


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


_STATEMENTS: dict[str, Any] = {}


def _upsert_statement(dialect: str):
    """The upsert for this dialect, built once (building `excluded` columns is costly)."""
    if dialect not in _STATEMENTS:
        table = ClinicalRecord.__table__
        stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        new = stmt.excluded
        not_older = or_(new.last_updated.is_(None), table.c.last_updated.is_(None),
                        new.last_updated >= table.c.last_updated)
        changed = or_(table.c.content_hash != new.content_hash,
                      and_(new.member_id.is_not(None), table.c.member_id.is_distinct_from(new.member_id)))
        set_ = {name: getattr(new, name) for name in _UPDATED}
        set_["member_id"] = func.coalesce(new.member_id, table.c.member_id)
        _STATEMENTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["source_system", "resource_type", "source_id"], set_=set_,
            where=and_(changed, not_older)).returning(table.c.id, table.c.member_id)
    return _STATEMENTS[dialect]


def upsert_records(session: Session, rows: Sequence[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Insert new records, replace changed ones that are not older; returns (id, member_id) written.

    Unchanged content (same hash) is left alone, so re-importing the same data writes nothing.
    """
    if not rows:
        return []
    stmt = _upsert_statement(session.get_bind().dialect.name)
    now = utcnow()
    written: list[tuple[str, str | None]] = []
    # executemany: SQLAlchemy batches it as multi-row "insertmanyvalues" with one cached compilation.
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = [dict(row, imported_at=now) for row in rows[start:start + CHUNK_ROWS]]
        written.extend((r[0], r[1]) for r in session.execute(stmt, chunk))
    return written


def load_directory(session: Session) -> dict[str, str]:
    """Every known conditional-reference query and the reference it resolves to."""
    return dict(session.execute(select(DirectoryEntry.query, DirectoryEntry.reference)).all())


def save_directory(session: Session, entries: dict[str, str]) -> None:
    """Remember directory identifiers (first one wins: conditional create semantics)."""
    if not entries:
        return
    insert = _insert(session)
    items = [{"id": str(uuid.uuid5(RECORD_NAMESPACE, q)), "query": q[:512], "reference": r[:255]}
             for q, r in entries.items()]
    for start in range(0, len(items), 1000):
        stmt = insert(DirectoryEntry.__table__).values(items[start:start + 1000])
        session.execute(stmt.on_conflict_do_nothing(index_elements=["query"]))


def attach_member(session: Session, *, source_system: str, patient_ref: str, member_id: str) -> list[str]:
    """Give records already stored for a provider's patient to the member they now link to."""
    rows = session.scalars(select(ClinicalRecord).where(
        ClinicalRecord.source_system == source_system, ClinicalRecord.patient_ref == patient_ref,
        ClinicalRecord.member_id.is_(None))).all()
    for row in rows:
        row.member_id = member_id
    return [row.id for row in rows]


def records_by_ids(session: Session, *, record_ids: Iterable[str]) -> list[tuple[str, str, dict]]:
    """(record id, member id, resource) for each linked record among the ids, in id order."""
    ids = list(record_ids)
    out: list[tuple[str, str, dict]] = []
    for start in range(0, len(ids), 500):
        rows = session.execute(select(ClinicalRecord.id, ClinicalRecord.member_id, ClinicalRecord.resource_json)
                               .where(ClinicalRecord.id.in_(ids[start:start + 500]),
                                      ClinicalRecord.member_id.is_not(None)).order_by(ClinicalRecord.id))
        out.extend((rid, mid, json.loads(text)) for rid, mid, text in rows)
    return out


def member_records(session: Session, *, member_id: str, resource_type: str | None = None,
                   limit: int | None = None) -> list[ClinicalRecord]:
    """A member's imported records, newest first."""
    query = select(ClinicalRecord).where(ClinicalRecord.member_id == member_id)
    if resource_type:
        query = query.where(ClinicalRecord.resource_type == resource_type)
    query = query.order_by(ClinicalRecord.effective.desc().nulls_last(), ClinicalRecord.id)
    return list(session.scalars(query.limit(limit) if limit else query))


def counts_by_type(session: Session, *, source_system: str | None = None) -> dict[str, int]:
    """Stored records per resource type."""
    query = select(ClinicalRecord.resource_type, func.count()).group_by(ClinicalRecord.resource_type)
    if source_system:
        query = query.where(ClinicalRecord.source_system == source_system)
    return dict(session.execute(query).all())
