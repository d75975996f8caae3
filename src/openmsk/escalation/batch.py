"""Many `records_imported` jobs in one transaction: the decisions of `process_resources`, bulk statements.

Each member's jobs are evaluated in the order they came (the first job of every member in the batch,
then the second, ...), so the alerts are those the jobs would raise one after another; members are
independent, so they share every statement: one lock, one upsert of events, one read of history, one
read of alerts, one insert and one update of alerts, and one NOTIFY at commit.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.db import utcnow
from openmsk.escalation import config
from openmsk.escalation.durations import parse_duration
from openmsk.escalation.engine import Engine, monitoring_start
from openmsk.escalation.episodes import Alert
from openmsk.escalation.events import SUPPORTED_TYPES, ClinicalEvent, normalize
from openmsk.escalation.ingest import (
    ProcessResult, decide, event_of, for_member, is_relevant, source_key_of,
)
from openmsk.escalation.models import ClinicalEventRecord, EscalationAlert
from openmsk.escalation.rulestore import engine_for
from openmsk.ids import new_id
from openmsk.members.models import Member

log = logging.getLogger(__name__)
_ALERTS = EscalationAlert.__table__
_EVENTS = ClinicalEventRecord.__table__
# What the decisions read and fold (ingest.decide, _merge, _add_related, _as_engine_alert).
_READ = ("id", "member_id", "dedup_key", "category", "rule_id", "severity", "rule_severity", "routed_role",
         "respond_within", "resource", "related", "evidence", "explanation", "episode", "occurred_at",
         "actionable", "version", "updated_at")
_FOLDED = ("related", "severity", "rule_severity", "rule_id", "evidence", "version", "updated_at")
_EVENT_UPDATED = ("resource_type", "occurred_at", "status", "codes", "problems", "payload", "relevant", "updated_at")
_UPDATE_ALERT = update(_ALERTS).where(_ALERTS.c.id == bindparam("b_id")).values(
    {name: bindparam(f"b_{name}") for name in _FOLDED})


class AlertRow:
    """A stored alert as plain attributes: folded in place like the ORM row, written back in bulk."""

    def __init__(self, *values: Any, **named: Any) -> None:
        attributes = self.__dict__  # filled at once: setattr per column cost more than the read
        if values:
            attributes.update(zip(_READ, values))
            attributes["related"] = list(attributes["related"])  # the snapshot's stays as read: rows are folded
        attributes.update(named)


def process_record_jobs(session: Session, jobs: list[tuple[str, list[dict[str, Any]]]], *,
                        source: str = "fhir_import") -> ProcessResult:
    """Store and evaluate several jobs' FHIR resources (member id, resources) as one by one, in bulk."""
    rounds: list[dict[str, list[dict[str, Any]]]] = []
    position: dict[str, int] = defaultdict(int)
    for member_id, resources in jobs:
        index = position[member_id]
        position[member_id] += 1
        if index == len(rounds):
            rounds.append({})
        rounds[index][member_id] = resources
    enrolled = _lock_members(session, sorted(position))
    if len(enrolled) < len(position):
        log.warning("records of unknown members not evaluated", extra={"members": len(position) - len(enrolled)})
    engine = engine_for(session)
    result = ProcessResult()
    for work in rounds:
        _round(session, engine, {m: r for m, r in work.items() if m in enrolled}, enrolled, utcnow(), source, result)
    return result


def _lock_members(session: Session, member_ids: list[str]) -> dict[str, datetime]:
    """Lock the members' rows (in id order, so that concurrent batches cannot deadlock); enrollment instants.

    As `ingest._lock_member`: one member's records are evaluated by one transaction at a time.
    """
    rows = session.connection().execute(select(Member.id, Member.program_start).where(
        Member.id.in_(member_ids)).order_by(Member.id).with_for_update(key_share=True))
    return {member_id: datetime.combine(start, time.min, tzinfo=UTC) for member_id, start in rows}


def _round(session: Session, engine: Engine, work: dict[str, list[dict[str, Any]]], enrolled: dict[str, datetime],
           now: datetime, source: str, result: ProcessResult) -> None:
    if not work:
        return
    fresh: dict[str, dict[str, tuple[dict[str, Any], ClinicalEvent]]] = {}
    for member_id, resources in work.items():
        events = fresh[member_id] = {}
        for resource in resources:
            if resource.get("resourceType") not in SUPPORTED_TYPES:
                continue  # Patient, Claim, ...: nothing any rule can read
            event = normalize(resource)
            events[source_key_of(resource, event)] = (resource, for_member(event, member_id))
    _store_events(session, engine, fresh, now, source)
    members = sorted(fresh)
    batch_keys = {(member_id, key) for member_id, events in fresh.items() for key in events}
    # Core statements on the session's connection: the ORM's execution layer costs more than they do here.
    connection = session.connection()
    history = _history(connection, members, batch_keys)
    existing = _stored_alerts(connection, members)
    inserted: list[AlertRow] = []
    updated: dict[str, None] = {}
    lookback = config.lookback()
    for member_id in members:
        rows = existing[member_id]
        events = [event for _, event in fresh[member_id].values()] + history[member_id]
        since = monitoring_start(enrolled[member_id], lookback)
        done = decide(session, rows, engine, events, now, since,
                      lambda alert, member=member_id: _new_row(member, alert, now, inserted))
        result.created += done.created
        result.updated += done.updated
        result.urgent += done.urgent
        result.context += done.context
        result.problems += done.problems
        updated.update(dict.fromkeys(done.updated))
    _write_alerts(session, existing, inserted, updated, now)


def _stored_alerts(connection, members: list[str]) -> dict[str, dict[str, AlertRow]]:
    """The members' alerts by dedup key; only rows changed since last read (new version) are read whole."""
    existing: dict[str, dict[str, AlertRow]] = defaultdict(dict)
    stored = connection.execute(select(_ALERTS.c.id, _ALERTS.c.version, _ALERTS.c.updated_at)
                                .where(_ALERTS.c.member_id.in_(members)).order_by(*_ORDER)).all()
    missing = [key[0] for key in stored if tuple(key) not in _SNAPSHOTS]
    for start in range(0, len(missing), 1000):
        for values in connection.execute(_READ_ALERTS.where(_ALERTS.c.id.in_(missing[start:start + 1000]))):
            _keep(_SNAPSHOTS, (values.id, values.version, values.updated_at), tuple(values))
    for key in stored:
        values = _SNAPSHOTS.get(tuple(key))
        if values is None:  # evicted meanwhile by another thread's batch: read it again
            values = tuple(connection.execute(_READ_ALERTS.where(_ALERTS.c.id == key[0])).one())
        row = AlertRow(*values)
        existing[row.member_id][row.dedup_key] = row
    return existing


# As ingest._apply: the oldest row first, so the episode a record joins does not depend on the heap's order.
_ORDER = (_ALERTS.c.created_at, _ALERTS.c.id)
_READ_ALERTS = select(*(_ALERTS.c[name] for name in _READ))
# Stored alerts as read, by (id, version, updated_at): every writer of an alert bumps its version (ingest,
# overdue, worklist), and updated_at tells apart a version written by a transaction that rolled back.
# Each batch re-reads all of its members' alerts; decoding them again was a fifth of the batch's CPU.
_SNAPSHOTS: dict[tuple[str, int, datetime], tuple] = {}


def _history(connection, members: list[str], batch_keys: set[tuple[str, str]]) -> dict[str, list[ClinicalEvent]]:
    """The members' stored relevant events outside this batch; only those not seen before are read whole."""
    history: dict[str, list[ClinicalEvent]] = defaultdict(list)
    stored = connection.execute(select(_EVENTS.c.id, _EVENTS.c.member_id, _EVENTS.c.source_key, _EVENTS.c.updated_at)
                                .where(_EVENTS.c.member_id.in_(members), _EVENTS.c.relevant.is_(True))).all()
    stored = [row for row in stored if (row.member_id, row.source_key) not in batch_keys]
    missing = [row.id for row in stored if (row.id, row.updated_at) not in _NORMALIZED]
    for start in range(0, len(missing), 1000):
        for record in connection.execute(select(_EVENTS.c.id, _EVENTS.c.member_id, _EVENTS.c.resource_type,
                                                _EVENTS.c.updated_at, _EVENTS.c.payload)
                                         .where(_EVENTS.c.id.in_(missing[start:start + 1000]))):
            _remember((record.id, record.updated_at), event_of(record))
    for row in stored:
        event = _NORMALIZED.get((row.id, row.updated_at))
        if event is None:  # evicted meanwhile by another thread's batch: read it again
            record = connection.execute(select(_EVENTS.c.member_id, _EVENTS.c.resource_type, _EVENTS.c.payload)
                                        .where(_EVENTS.c.id == row.id)).one()
            event = event_of(record)
        history[row.member_id].append(event)
    return history


# Stored events normalized before, by (row id, updated_at: changes whenever the record is received again).
# Every batch re-evaluates each member's whole history; decoding and normalizing it again each time was the
# largest cost of a batch once members had a few dozen events. Events are immutable, so sharing them is safe.
_NORMALIZED: dict[tuple[str, datetime], ClinicalEvent] = {}
_NORMALIZED_MAX = 50_000
_NORMALIZED_LOCK = threading.Lock()


def _remember(key: tuple[str, datetime], event: ClinicalEvent) -> None:
    _keep(_NORMALIZED, key, event)


def _keep(cache: dict, key: tuple, value: Any) -> None:
    with _NORMALIZED_LOCK:
        while len(cache) >= _NORMALIZED_MAX:
            del cache[next(iter(cache))]  # oldest first
        cache[key] = value


def _store_events(session: Session, engine: Engine, fresh: dict, now: datetime, source: str) -> None:
    """Insert the events, or update those stored before (the same record received again)."""
    rows = []
    for member_id, events in fresh.items():
        for key, (payload, event) in events.items():
            relevant = is_relevant(engine, event)
            # Only records a rule may read again keep their content; the interop store keeps every original.
            rows.append({"id": new_id(), "member_id": member_id, "source": source, "source_key": key,
                         "resource_type": event.resource_type, "occurred_at": event.occurred_at,
                         "status": event.status, "codes": [list(code) for code in event.codes],
                         "problems": list(event.problems), "payload": payload if relevant else {},
                         "relevant": relevant, "received_at": now, "updated_at": now})
    if not rows:
        return
    session.connection().execute(_UPSERT_EVENTS[session.get_bind().dialect.name == "postgresql"], rows)


def _upsert_events(insert):
    stmt = insert(_EVENTS)
    return stmt.on_conflict_do_update(index_elements=["member_id", "source_key"],
                                      set_={name: stmt.excluded[name] for name in _EVENT_UPDATED})


# Built once: `excluded` and the ON CONFLICT clause cost about 1 ms of CPU to build, more than the upsert itself.
_UPSERT_EVENTS = {True: _upsert_events(pg_insert), False: _upsert_events(sqlite_insert)}


def _new_row(member_id: str, alert: Alert, now: datetime, inserted: list[AlertRow]) -> AlertRow:
    row = AlertRow(id=new_id(), member_id=member_id, dedup_key=alert.dedup_key, category=alert.category,
                   rule_id=alert.rule, severity=alert.severity, rule_severity=alert.severity,
                   routed_role=alert.route_to, respond_within=alert.respond_within, resource=alert.resource[:200],
                   related=list(alert.related), evidence=alert.evidence, explanation=alert.explanation,
                   episode=alert.episode[:200], occurred_at=alert.occurred_at, actionable=alert.actionable,
                   version=1, updated_at=now)
    inserted.append(row)
    return row


def _write_alerts(session: Session, existing: dict[str, dict[str, AlertRow]], inserted: list[AlertRow],
                  updated: dict[str, None], now: datetime) -> None:
    if inserted:
        session.connection().execute(_ALERTS.insert(), [
            {**{name: getattr(row, name) for name in _READ}, "due_at": now + parse_duration(row.respond_within),
             "status": "open", "created_at": now, "outcome_note": ""} for row in inserted])
        audit.record_many(session, [
            {"action": "create", "resource_type": "EscalationAlert", "resource_id": row.id, "member_id": row.member_id,
             "detail": {"category": row.category, "severity": row.severity, "actionable": row.actionable}}
            for row in inserted])  # as ingest._audit_created, one statement for the batch
    new_ids = {row.id for row in inserted}
    by_id = {row.id: row for rows in existing.values() for row in rows.values()}
    changes = [by_id[alert_id] for alert_id in updated if alert_id not in new_ids]
    if changes:
        session.connection().execute(_UPDATE_ALERT, [
            {"b_id": row.id, **{f"b_{name}": getattr(row, name) for name in _FOLDED}} for row in changes])
