"""Records and in-app signals in, stored events and de-duplicated alerts out (the only alert creator)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.db import utcnow
from openmsk.errors import Invalid, NotFound
from openmsk.escalation import config
from openmsk.escalation.durations import parse_duration
from openmsk.escalation.engine import Engine, monitoring_start
from openmsk.escalation.episodes import Alert
from openmsk.escalation.events import SIGNAL_KINDS, SUPPORTED_TYPES, ClinicalEvent, normalize, signal_event
from openmsk.escalation.fhir_values import parse_datetime
from openmsk.escalation.live import mark_changed
from openmsk.escalation.models import ClinicalEventRecord, EscalationAlert
from openmsk.escalation.rulestore import engine_for
from openmsk.members.models import Member

_NOT_OURS = "patient reference missing or unresolvable"  # the member is known from the caller
_LOCKED_KEY = "escalation_locked_member"


@dataclass
class ProcessResult:
    """What one batch did: alert ids created and updated, context alerts, unreadable parts."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    context: int = 0
    urgent: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def enrolled_at(member: Member) -> datetime:
    """The member's enrollment as an aware UTC instant (start of the program-start day)."""
    return datetime.combine(member.program_start, time.min, tzinfo=UTC)


def source_key_of(resource: dict[str, Any], event: ClinicalEvent) -> str:
    """The key one source record is stored under: the same record re-imported gets the same key."""
    if event.resource_id:
        return event.resource[:200]
    digest = hashlib.sha256(json.dumps(resource, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"{event.resource_type}/sha256-{digest}"


def event_of(record: ClinicalEventRecord) -> ClinicalEvent:
    """The event a stored record holds, for the member it belongs to."""
    payload = record.payload
    if record.resource_type == "Signal":
        return signal_event(payload["kind"], record.member_id, parse_datetime(payload["occurred_at"]),
                            payload["signal_id"], payload.get("text", ""))
    return for_member(normalize(payload), record.member_id)


def for_member(event: ClinicalEvent, member_id: str) -> ClinicalEvent:
    """The event as the member's, without the not-our-patient problem (the import linked it)."""
    return replace(event, patient=member_id, problems=tuple(p for p in event.problems if p != _NOT_OURS))


def is_relevant(engine: Engine, event: ClinicalEvent) -> bool:
    """Whether a rule may read the event again later (it is kept in the member's history)."""
    # Medications stay in the history even when they match nothing: overlap rules look them up later.
    return event.resource_type in ("MedicationRequest", "MedicationStatement", "Signal") or bool(
        engine.compiled.match(event))


def process_resources(session: Session, *, member_id: str, resources: list[dict[str, Any]],
                      now: datetime | None = None, source: str = "api") -> ProcessResult:
    """Store FHIR R4 resources of one member as events and raise or update their alerts."""
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise Invalid("resources must be a list of FHIR resource objects")
    pairs = []
    for resource in resources:
        if resource.get("resourceType") not in SUPPORTED_TYPES:
            continue  # Patient, Claim, ...: nothing any rule can read
        event = normalize(resource)
        pairs.append((source_key_of(resource, event), resource, for_member(event, member_id)))
    return _store_and_evaluate(session, member_id=member_id, items=pairs, now=now or utcnow(), source=source)


def process_signal(session: Session, *, member_id: str, kind: str, occurred_at: str | datetime,
                   signal_id: str, text: str = "", now: datetime | None = None) -> ProcessResult:
    """Store one in-app signal (signal.reported) and raise or update its alert."""
    if kind not in SIGNAL_KINDS:
        raise Invalid(f"unknown signal kind; use one of {', '.join(SIGNAL_KINDS)}")
    when = occurred_at if isinstance(occurred_at, datetime) else parse_datetime(occurred_at)
    if when is None or when.tzinfo is None:
        raise Invalid("occurred_at must be an ISO-8601 date-time with a time zone")
    if not isinstance(signal_id, str) or not signal_id.strip():
        raise Invalid("signal_id is required")
    payload = {"kind": kind, "occurred_at": when.astimezone(UTC).isoformat(), "signal_id": signal_id,
               "text": (text or "")[:200]}
    event = signal_event(kind, member_id, when, signal_id, payload["text"])
    return _store_and_evaluate(session, member_id=member_id, items=[(event.resource[:200], payload, event)],
                               now=now or utcnow(), source="signal")


def _lock_member(session: Session, member_id: str) -> datetime:
    """Lock the member's row until commit and return their enrollment instant.

    Two batches of the same episode evaluated at once would each miss the other's records and raise two
    alerts, so one member's records are evaluated one batch at a time. PostgreSQL: `FOR NO KEY UPDATE`
    (rows referencing the member can still be inserted); SQLite has one writer at a time and ignores it.
    """
    start = session.execute(select(Member.program_start).where(Member.id == member_id)
                            .with_for_update(key_share=True)).scalar()
    if start is None:
        raise NotFound("no member with this id")
    if session.get_bind().dialect.name == "postgresql":
        session.info[_LOCKED_KEY] = (member_id, session.get_transaction())
    return datetime.combine(start, time.min, tzinfo=UTC)


def _store_and_evaluate(session: Session, *, member_id: str, items: list[tuple[str, dict, ClinicalEvent]],
                        now: datetime, source: str) -> ProcessResult:
    enrolled = _lock_member(session, member_id)
    engine = engine_for(session)
    keys = [key for key, _, _ in items]
    stored = {r.source_key: r for r in session.scalars(select(ClinicalEventRecord).where(
        ClinicalEventRecord.member_id == member_id, ClinicalEventRecord.source_key.in_(keys)))}
    fresh: dict[str, ClinicalEvent] = {}
    for key, payload, event in items:
        record = stored.get(key)
        if record is None:
            record = ClinicalEventRecord(member_id=member_id, source_key=key, source=source, received_at=now)
            session.add(record)
            stored[key] = record
        record.resource_type, record.occurred_at, record.status = event.resource_type, event.occurred_at, event.status
        record.codes = [list(code) for code in event.codes]
        record.relevant, record.updated_at = is_relevant(engine, event), now
        # Only records a rule may read again keep their content; the interop store keeps every original.
        record.problems, record.payload = list(event.problems), payload if record.relevant else {}
        fresh[key] = event
    session.flush()  # SQLite: the first write takes the database lock, so the history read below is current
    history = [event_of(r) for r in session.scalars(select(ClinicalEventRecord).where(
        ClinicalEventRecord.member_id == member_id, ClinicalEventRecord.relevant.is_(True),
        ClinicalEventRecord.source_key.not_in(keys)))]
    batch = list(fresh.values()) + history
    return _apply(session, member_id, engine, batch, now, monitoring_start(enrolled, config.lookback()))


def _apply(session: Session, member_id: str, engine: Engine, batch: list[ClinicalEvent], now: datetime,
           since: datetime) -> ProcessResult:
    # Oldest first: `_same_episode_row` takes the first row holding a record, the same one on every run
    # (PostgreSQL returns rows in heap order, which changes as rows are updated).
    existing = {a.dedup_key: a for a in session.scalars(select(EscalationAlert).where(
        EscalationAlert.member_id == member_id).order_by(EscalationAlert.created_at, EscalationAlert.id))}
    return decide(session, existing, engine, batch, now, since, lambda alert: _insert(session, member_id, alert, now))


def decide(session: Session, existing: dict, engine: Engine, batch: list[ClinicalEvent], now: datetime,
           since: datetime, insert) -> ProcessResult:
    """Evaluate one member's events against their stored alerts (`existing`, by dedup key, updated in place).

    Changed rows are folded in place; `insert(alert)` stores a new one and returns its row.
    """
    result = ProcessResult()
    prior = [_as_engine_alert(a) for a in existing.values() if a.actionable]
    if prior:
        full, guarded = engine.evaluate_with_prior(batch, now=now, since=since, prior=prior)
    else:
        full = guarded = engine.evaluate(batch, now=now, since=since)
    uncovered = {a.dedup_key for a in guarded.alerts}
    covering = dict(guarded.suppressed)  # resource -> dedup key of the alert that covers it
    result.problems = full.problems
    for candidate in full.alerts + full.context:
        row = existing.get(candidate.dedup_key)
        if row is not None:
            if _merge(row, candidate, now):
                result.updated.append(row.id)
                mark_changed(session, row.id)
            continue
        target = _same_episode_row(existing.values(), candidate)
        if target is None and candidate.actionable and candidate.dedup_key not in uncovered:
            target = existing.get(covering.get(candidate.resource, ""))
        if target is not None:
            if _add_related(target, (candidate.resource, *candidate.related), now):
                result.updated.append(target.id)
                mark_changed(session, target.id)
            continue
        row = insert(candidate)
        existing[row.dedup_key] = row
        if not row.actionable:
            result.context += 1
            continue
        result.created.append(row.id)
        mark_changed(session, row.id)
        if row.severity == "urgent":
            result.urgent.append(row.id)
    return result


def _same_episode_row(rows, alert: Alert) -> EscalationAlert | None:
    """A stored alert of the same category already holding one of the candidate's records."""
    records = {alert.resource, *alert.related}
    for row in rows:
        if row.category == alert.category and row.actionable == alert.actionable and (
                row.resource in records or records.intersection(row.related)):
            return row
    return None


def _as_engine_alert(row: EscalationAlert) -> Alert:
    return Alert(patient=row.member_id, category=row.category, rule=row.rule_id, severity=row.rule_severity,
                 route_to=row.routed_role, respond_within=row.respond_within, resource=row.resource,
                 occurred_at=row.occurred_at, evidence=row.evidence, explanation=row.explanation,
                 episode=row.episode, dedup_key=row.dedup_key, related=tuple(row.related))


def _insert(session: Session, member_id: str, alert: Alert, now: datetime) -> EscalationAlert:
    row = EscalationAlert(
        member_id=member_id, dedup_key=alert.dedup_key, category=alert.category, rule_id=alert.rule,
        severity=alert.severity, rule_severity=alert.severity, routed_role=alert.route_to,
        respond_within=alert.respond_within, due_at=now + parse_duration(alert.respond_within),
        status="open", actionable=alert.actionable, resource=alert.resource[:200], related=list(alert.related),
        evidence=alert.evidence, explanation=alert.explanation, episode=alert.episode[:200],
        occurred_at=alert.occurred_at, created_at=now, updated_at=now, version=1, outcome_note="")
    if session.info.get(_LOCKED_KEY) == (member_id, session.get_transaction()):
        # The member's row lock excludes any other writer of this member's episodes: no savepoint needed.
        session.add(row)
        session.flush()
        _audit_created(session, member_id, row)
        return row
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker raised the same episode a moment ago
        row = session.scalar(select(EscalationAlert).where(EscalationAlert.dedup_key == alert.dedup_key))
        _merge(row, alert, now)
        return row
    _audit_created(session, member_id, row)
    return row


def _audit_created(session: Session, member_id: str, row: EscalationAlert) -> None:
    audit.record(session, None, action="create", resource_type="EscalationAlert", resource_id=row.id,
                 member_id=member_id, detail={"category": row.category, "severity": row.severity,
                                              "actionable": row.actionable})


_RANK = {"routine": 0, "high": 1, "urgent": 2}


def _merge(row: EscalationAlert, alert: Alert, now: datetime) -> bool:
    """Fold a re-evaluated alert into its stored row; True when something the clinician sees changed."""
    changed = _add_related(row, alert.related, now, bump=False)
    if _RANK[alert.severity] > _RANK[row.rule_severity]:
        row.rule_severity, row.rule_id = alert.severity, alert.rule
        if _RANK[alert.severity] > _RANK[row.severity]:
            row.severity = alert.severity
        changed = True
    if alert.evidence != row.evidence:
        row.evidence, changed = alert.evidence, True
    if changed:
        row.version, row.updated_at = row.version + 1, now
    return changed


def _add_related(row: EscalationAlert, resources: tuple[str, ...], now: datetime, bump: bool = True) -> bool:
    new = [r for r in resources if r != row.resource and r not in row.related]
    if not new:
        return False
    row.related = [*row.related, *new]
    if bump:
        row.version, row.updated_at = row.version + 1, now
    return True


def window_of(member: Member) -> tuple[datetime, timedelta]:
    """(monitoring window start, look-back) for a member."""
    return monitoring_start(enrolled_at(member), config.lookback()), config.lookback()
