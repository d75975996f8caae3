"""Writes and reads of clinical_records and the directory index: dialect-aware batched upserts.

PostgreSQL: one `INSERT .. SELECT .. ON CONFLICT` per bundle or chunk, its rows given as JSON documents;
SQLite: multi-row `INSERT .. ON CONFLICT` statements. Both apply the same replace rule.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import orjson
from psycopg.types.json import Json, Jsonb
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from openmsk.db import utcnow
from openmsk.interop.models import ClinicalRecord, DirectoryEntry

RECORD_NAMESPACE = uuid.UUID("6f1e7c52-8d1c-4c55-9a8e-0b7f3c1d6a10")
# SQLite allows 32,766 bound parameters per statement (3.32+); 17 columns x 400 rows stays well below.
CHUNK_ROWS = 400
_UPDATED = ("member_id", "patient_ref", "version_id", "last_updated", "code", "display", "status",
            "effective", "content_hash", "resource_json", "provenance", "imported_at")
_NAMESPACE = RECORD_NAMESPACE.bytes


# RFC 4122 variant bits on the high nibble of byte 8 (10xx): hex digit -> the digit with those bits set.
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def _uuid5_format(h: str) -> str:
    # Byte 6's high nibble becomes the version (5), byte 8's top two bits the variant.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def uuid5_text(name: str) -> str:
    """`str(uuid.uuid5(RECORD_NAMESPACE, name))` (RFC 4122 section 4.3) without building UUID objects."""
    return _uuid5_format(hashlib.sha1(_NAMESPACE + name.encode()).hexdigest())


def record_id(source_system: str, resource_type: str, source_id: str) -> str:
    """The stable id of a record: the same source resource always gets the same id (uuid5 of source, type, id)."""
    return uuid5_text(f"{source_system}\x1f{resource_type}\x1f{source_id}")


class RecordIds:
    """`record_id` for one source system, hashing the constant part of the name once per resource type."""

    __slots__ = ("_prefix", "_hashers")

    def __init__(self, source_system: str) -> None:
        self._prefix = _NAMESPACE + f"{source_system}\x1f".encode()
        self._hashers: dict[str, Any] = {}

    def record_id(self, resource_type: str, source_id: str) -> str:
        """The same as `record_id(source_system, resource_type, source_id)`."""
        hasher = self._hashers.get(resource_type)
        if hasher is None:
            hasher = self._hashers[resource_type] = hashlib.sha1(self._prefix + f"{resource_type}\x1f".encode())
        h = hasher.copy()
        h.update(source_id.encode())
        return _uuid5_format(h.hexdigest())


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


class RecordRow(NamedTuple):
    """One clinical_records row as the import writes it (the stored resource last)."""

    id: str
    member_id: str | None
    resource_type: str
    source_system: str
    source_id: str
    patient_ref: str | None
    version_id: str | None
    last_updated: str | None
    code: str | None
    display: str | None
    status: str | None
    effective: str | None
    content_hash: str
    provenance: bytes  # UTF-8 JSON, like the resource
    resource_json: bytes  # compact UTF-8 JSON, last


_COLUMNS = RecordRow._fields
# PostgreSQL takes each chunk of rows as two JSON documents in one statement: the other columns, an
# array per row that orjson writes in one call, and the stored resources themselves, joined into one
# array. A `json` value keeps its text exactly, so each stored document is byte for byte the one given.
# Against a COPY into a temporary staging table and an upsert from it, this is one round trip less and a
# third less client CPU (0.15 -> 0.11 CPU-seconds for the Synthea set's 28,601 rows). The same rule as
# _upsert_statement: replace when content or member changed and the incoming version is not older.
_PG_UPSERT = (
    "WITH incoming AS (SELECT "
    + ", ".join(f"columns->>{index} AS {name}" for index, name in enumerate(_COLUMNS[:-1]))
    + ", resource::text AS resource_json"
    " FROM jsonb_array_elements(%s) WITH ORDINALITY AS other(columns, n)"
    " JOIN json_array_elements(%s) WITH ORDINALITY AS stored(resource, n) USING (n)) "
    f"INSERT INTO clinical_records AS cr ({', '.join(_COLUMNS)}, imported_at) "
    f"SELECT {', '.join(_COLUMNS)}, %s FROM incoming ORDER BY id "
    "ON CONFLICT (source_system, resource_type, source_id) DO UPDATE SET "
    "member_id = coalesce(excluded.member_id, cr.member_id), "
    + ", ".join(f"{c} = excluded.{c}" for c in _UPDATED if c != "member_id") +
    " WHERE (cr.content_hash <> excluded.content_hash OR (excluded.member_id IS NOT NULL"
    " AND cr.member_id IS DISTINCT FROM excluded.member_id))"
    " AND (excluded.last_updated IS NULL OR cr.last_updated IS NULL OR excluded.last_updated >= cr.last_updated)"
    " RETURNING cr.id, cr.member_id")
# A statement's documents stay far below PostgreSQL's 1 GB limit on one value.
PG_CHUNK_BYTES = 64 * 2**20


@contextmanager
def _driver_errors(connection: Any, sql: str) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's, so callers handle one family of database errors."""
    try:
        yield
    except connection.Error as exc:
        raise DBAPIError(sql, None, exc) from exc


def _driver_execute(connection: Any, sql: str) -> None:
    with _driver_errors(connection, sql):
        connection.execute(sql)


def _as_is(document: bytes) -> bytes:
    """The driver's JSON `dumps` for a document already written."""
    return document


def _pg_chunks(rows: Sequence[RecordRow]) -> Iterator[Sequence[RecordRow]]:
    start = size = 0
    for end, row in enumerate(rows):
        if size and size + len(row.resource_json) > PG_CHUNK_BYTES:
            yield rows[start:end]
            start, size = end, 0
        size += len(row.resource_json)
    yield rows[start:]


def _pg_upsert(session: Session, rows: Sequence[RecordRow]) -> list[tuple[str, str | None]]:
    connection = session.connection().connection.driver_connection
    now, written = utcnow(), []
    with _driver_errors(connection, _PG_UPSERT), connection.cursor() as cursor:
        for chunk in _pg_chunks(rows):
            try:  # provenance (UTF-8 JSON) goes as a string: it is stored as text, not read as JSON
                columns = orjson.dumps([(*row[:-2], row.provenance.decode()) for row in chunk])
            except orjson.JSONEncodeError as exc:  # a text no UTF-8 can hold (a lone surrogate)
                raise DBAPIError(_PG_UPSERT, None, exc) from exc
            stored = b"[" + b",".join([row.resource_json for row in chunk]) + b"]"
            cursor.execute(_PG_UPSERT, (Jsonb(columns, dumps=_as_is), Json(stored, dumps=_as_is), now))
            written.extend((r[0], r[1]) for r in cursor.fetchall())
    return written


_SAVEPOINT = "openmsk_import_group"
_SET = f"SAVEPOINT {_SAVEPOINT}"
_RELEASE_AND_SET = f"RELEASE SAVEPOINT {_SAVEPOINT}; SAVEPOINT {_SAVEPOINT}"  # no parameters: one round trip
_ROLLBACK_TO = f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}"


class DriverSavepoints:
    """PostgreSQL savepoints for the groups of one transaction, set through the driver (no ORM objects made).

    The session's `begin_nested()` costs several times the CPU (it compiles each SAVEPOINT statement
    afresh), but the session never learns of these: rolling back to one would leave any ORM objects made
    inside it stale, so callers that make them use `begin_nested()`. A group's savepoint is released when
    the next one is set, in the same round trip, or by the commit.
    """

    def __init__(self, session: Session) -> None:
        self._connection = session.connection().connection.driver_connection
        self._set = False

    @contextmanager
    def group(self) -> Iterator[None]:
        """A savepoint around one group: an error inside rolls back to it and is raised again."""
        _driver_execute(self._connection, _RELEASE_AND_SET if self._set else _SET)
        self._set = True
        try:
            yield
        except BaseException:
            _driver_execute(self._connection, _ROLLBACK_TO)
            raise


def upsert_records(session: Session, rows: Sequence[RecordRow]) -> list[tuple[str, str | None]]:
    """Insert new records, replace changed ones that are not older; returns (id, member_id) written.

    Unchanged content (same hash) is left alone, so re-importing the same data writes nothing.
    Rows must have distinct ids.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _pg_upsert(session, rows)
    stmt = _upsert_statement(dialect)
    now = utcnow()
    written: list[tuple[str, str | None]] = []
    # executemany: SQLAlchemy batches it as multi-row "insertmanyvalues" with one cached compilation.
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = [dict(zip(_COLUMNS, row), imported_at=now, resource_json=row.resource_json.decode(),
                      provenance=row.provenance.decode()) for row in rows[start:start + CHUNK_ROWS]]
        written.extend((r[0], r[1]) for r in session.execute(stmt, chunk))
    return written


def load_directory(session: Session) -> dict[str, str]:
    """Every known conditional-reference query and the reference it resolves to."""
    return dict(session.execute(select(DirectoryEntry.query, DirectoryEntry.reference)).all())


def save_directory(session: Session, entries: dict[str, str]) -> None:
    """Remember directory identifiers (first one wins: conditional create semantics)."""
    if not entries:
        return
    items = [{"id": uuid5_text(q), "query": q[:512], "reference": r[:255]}
             for q, r in entries.items()]
    if session.get_bind().dialect.name == "postgresql":
        connection = session.connection().connection.driver_connection
        # One statement with one JSON parameter, whatever the number of entries: the driver adapts
        # text arrays element by element in Python, orjson writes the document in one call.
        sql = ("INSERT INTO fhir_directory_entries (id, query, reference) SELECT id, query, reference "
               "FROM json_to_recordset(%s) AS incoming(id text, query text, reference text) "
               "ON CONFLICT (query) DO NOTHING")
        with _driver_errors(connection, sql), connection.cursor() as cursor:
            cursor.execute(sql, (Json(orjson.dumps(items), dumps=_as_is),))
        return
    insert = _insert(session)
    for start in range(0, len(items), 1000):
        stmt = insert(DirectoryEntry.__table__).values(items[start:start + 1000])
        session.execute(stmt.on_conflict_do_nothing(index_elements=["query"]))


_RECORDS = ClinicalRecord.__table__
_ATTACH = (update(_RECORDS).where(_RECORDS.c.source_system == bindparam("by_source"),
                                  _RECORDS.c.patient_ref == bindparam("by_patient_ref"), _RECORDS.c.member_id.is_(None))
           .values(member_id=bindparam("to_member")).returning(_RECORDS.c.id))


def attach_member(session: Session, *, source_system: str, patient_ref: str, member_id: str) -> list[str]:
    """Give records already stored for a provider's patient to the member they now link to."""
    return list(session.connection().execute(_ATTACH, {"by_source": source_system, "by_patient_ref": patient_ref,
                                                       "to_member": member_id}).scalars())


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
