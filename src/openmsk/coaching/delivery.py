"""Nudge delivery against the database: decide and record (unique key), then claim, send, mark.

A crash after recording leaves a pending row that the next run sends; a crash after sending but
before marking leads to one resend with the same key (at-least-once, the key goes to the provider).
Two workers: the unique key refuses a second record, and a conditional update lets one claim a row.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.coaching import channels
from openmsk.coaching.care_rules import evaluate_rules
from openmsk.coaching.kinds import COACH_HANDOFF, COACH_TASK_CHANNEL
from openmsk.coaching.models import Nudge
from openmsk.coaching.outbox import RetryPolicy, backoff_delay
from openmsk.coaching.policy import decide, violates_preferences
from openmsk.coaching.service_prefs import get_preferences, policy_preferences
from openmsk.coaching.snapshot_db import build_snapshot
from openmsk.db import Database
from openmsk.members.models import Member

log = logging.getLogger(__name__)
# How long a worker owns a claimed row; after that another worker may retry it (crash recovery).
CLAIM_LEASE = timedelta(minutes=5)
RETRY = RetryPolicy()


@dataclass
class RunResult:
    """What one run did (counts only: no member data)."""

    recorded: int = 0
    handoffs: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


def _insert(session: Session, row: Nudge, task=None) -> bool:
    """Insert under the unique key in a savepoint; False when another worker got there first."""
    try:
        with session.begin_nested():
            if task is not None:
                row.task_id = task().id
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def _handoff_task(session: Session, member_id: str, handoff):
    def create():
        from openmsk.careteam.tasks import create_task

        return create_task(session, member_id=member_id, assignee_role="health_coach", kind="coach_handoff",
                           title="Member is not responding to nudges", detail=handoff.reason,
                           source="coaching.nudges", dedup_key=handoff.key)
    return create


def decide_member(session: Session, member: Member, now: datetime, available: frozenset[str],
                  result: RunResult) -> None:
    """Run the rules and policy for one member and record what to send (idempotent by key)."""
    prefs = policy_preferences(get_preferences(session, member_id=member.id), available)
    for row in session.scalars(select(Nudge).where(Nudge.member_id == member.id, Nudge.status == "pending")):
        if violates_preferences(row.kind, row.channel, prefs):
            row.status, row.next_attempt_at = "cancelled", None
            result.cancelled += 1
    snap = build_snapshot(session, member, now)
    # The job reads sessions, pain scores, messages and reassessments: an automated read, audited as such.
    audit.record(session, None, action="read", resource_type="ActivitySnapshot", member_id=member.id,
                 detail={"job": "coaching.deliver_nudges"})
    decision = decide(evaluate_rules(snap, now), snap, prefs, now)
    for handoff in decision.handoffs:
        row = Nudge(key=handoff.key, member_id=member.id, kind=COACH_HANDOFF, episode=handoff.episode,
                    channel=COACH_TASK_CHANNEL, reason=handoff.reason, message="", status="sent",
                    created_at=now, sent_at=now, attempts=1)
        result.handoffs += _insert(session, row, _handoff_task(session, member.id, handoff))
    if decision.send:
        chosen = decision.send
        row = Nudge(key=chosen.key, member_id=member.id, kind=chosen.candidate.kind.value,
                    episode=chosen.candidate.episode, channel=chosen.channel, reason=chosen.candidate.reason,
                    message=chosen.candidate.message, status="pending", created_at=now, next_attempt_at=now)
        if _insert(session, row):
            result.recorded += 1
            audit.record(session, None, action="create", resource_type="Nudge", resource_id=row.id,
                         member_id=member.id, detail={"kind": row.kind, "channel": row.channel})


def claim(db: Database, nudge_id: str, worker: str, now: datetime) -> bool:
    """Take a due row for this worker; exactly one worker wins (a locked row is left to the other)."""
    try:
        with db.transaction() as session:
            done = session.execute(update(Nudge).where(
                Nudge.id == nudge_id, Nudge.status == "pending", Nudge.next_attempt_at <= now,
                or_(Nudge.claimed_until.is_(None), Nudge.claimed_until < now),
            ).values(claimed_by=worker, claimed_until=now + CLAIM_LEASE))
            return done.rowcount == 1
    except OperationalError:
        return False


def _finish(db: Database, nudge_id: str, worker: str, now: datetime, error: bool) -> None:
    with db.transaction() as session:
        row = session.get(Nudge, nudge_id)
        if row is None or row.claimed_by != worker or row.status != "pending":
            return
        row.attempts += 1
        row.claimed_until = None
        if not error:
            row.status, row.sent_at, row.next_attempt_at = "sent", now, None
        elif row.attempts >= RETRY.max_attempts:
            row.status, row.next_attempt_at = "dead", None
        else:
            row.next_attempt_at = now + backoff_delay(row.attempts, RETRY)


def send_due(db: Database, *, now: datetime, worker: str, notifier, webhook, base_url: str,
             result: RunResult) -> None:
    """Claim and send every due pending nudge; failures retry with backoff, then go dead."""
    with db.transaction() as session:
        due = list(session.execute(select(Nudge.id, Nudge.key, Nudge.channel, Nudge.message, Member.id,
                                          Member.email, Member.phone).join(Member, Member.id == Nudge.member_id)
                                   .where(Nudge.status == "pending", Nudge.next_attempt_at <= now)
                                   .order_by(Nudge.next_attempt_at)))
    for nudge_id, key, channel, text, member_id, email, phone in due:
        if not claim(db, nudge_id, worker, now):
            continue
        try:
            channels.deliver(channel, key=key, member_id=member_id, email=email, phone=phone, text=text,
                             link=f"{base_url}/me/coaching", notifier=notifier, webhook=webhook)
        except Exception as exc:  # noqa: BLE001 - a provider failure is retried, never fatal
            log.warning("nudge delivery failed", extra={"error_type": type(exc).__name__})
            _finish(db, nudge_id, worker, now, error=True)
            result.failed += 1
            continue
        _finish(db, nudge_id, worker, now, error=False)
        result.sent += 1
