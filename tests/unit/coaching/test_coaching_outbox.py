"""Outbox idempotency: crash between choose and send, two workers, retries with backoff."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from openmsk.coaching.candidates import CandidateNudge
from openmsk.coaching.kinds import Kind
from openmsk.coaching.outbox import (
    DuplicateKeyError,
    Outbox,
    OutboxEntry,
    RetryPolicy,
    backoff_delay,
    cancel_pending,
    due_for_sending,
    idempotency_key,
    mark_failed,
    mark_sent,
    record_pending,
)
from openmsk.coaching.policy import Preferences, decide, violates_preferences
from openmsk.coaching.snapshot import ActivitySnapshot, SentNudgeRecord

NOW = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
SNAP = ActivitySnapshot("m1", "America/New_York", NOW - timedelta(days=30), 3, last_activity_at=NOW)
CANDIDATES = [CandidateNudge(Kind.UNREAD_MESSAGE, "msg-7", "r", "m")]


def choose(outbox: Outbox, now: datetime) -> Outbox:
    """One worker's 'choose -> record pending' step (the history includes pending entries)."""
    history = tuple(SentNudgeRecord(e.kind, e.key.split(":", 2)[2], e.created_at, e.channel)
                    for e in outbox.entries.values())
    decision = decide(CANDIDATES, replace(SNAP, nudge_history=history), Preferences(), now)
    if decision.send is None:
        return outbox
    entry = OutboxEntry(decision.send.key, "m1", decision.send.candidate.kind.value, decision.send.channel, now)
    return record_pending(outbox, entry)


def test_key_is_deterministic_from_member_kind_and_episode():
    assert idempotency_key("m1", "unread_message", "msg-7") == "m1:unread_message:msg-7"


def test_crash_between_choose_and_send_resends_the_pending_entry_with_the_same_key():
    outbox = choose(Outbox(), NOW)
    # crash here: nothing was sent. The re-run first drains what is due...
    (pending,) = due_for_sending(outbox, NOW + timedelta(minutes=5))
    assert pending.key == "m1:unread_message:msg-7"
    # ...and a fresh choice does not create a second nudge for the same episode.
    assert choose(outbox, NOW + timedelta(minutes=5)) == outbox
    outbox = mark_sent(outbox, pending.key, NOW + timedelta(minutes=5))
    assert due_for_sending(outbox, NOW + timedelta(days=1)) == []
    assert [e.status for e in outbox.entries.values()] == ["sent"]


def test_two_workers_choosing_at_once_produce_one_entry_and_the_second_is_refused():
    empty = Outbox()
    worker_a = choose(empty, NOW)
    entry_b = OutboxEntry("m1:unread_message:msg-7", "m1", "unread_message", "push", NOW)
    with pytest.raises(DuplicateKeyError):
        record_pending(worker_a, entry_b)  # the unique constraint refuses worker B's insert
    assert len(worker_a.entries) == 1


def test_mark_sent_twice_is_a_no_op():
    outbox = mark_sent(choose(Outbox(), NOW), "m1:unread_message:msg-7", NOW)
    assert mark_sent(outbox, "m1:unread_message:msg-7", NOW + timedelta(hours=1)) == outbox


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (20, 3600)])
def test_backoff_doubles_from_one_minute_and_caps_at_one_hour(attempt, seconds):
    assert backoff_delay(attempt) == timedelta(seconds=seconds)


def test_backoff_rejects_attempt_zero():
    with pytest.raises(ValueError):
        backoff_delay(0)


def test_failed_send_is_retried_after_backoff_then_given_up():
    policy = RetryPolicy(max_attempts=3)
    key = "m1:unread_message:msg-7"
    outbox = mark_failed(choose(Outbox(), NOW), key, NOW, policy)
    assert due_for_sending(outbox, NOW + timedelta(seconds=59)) == []
    assert [e.key for e in due_for_sending(outbox, NOW + timedelta(seconds=60))] == [key]
    outbox = mark_failed(outbox, key, NOW + timedelta(seconds=60), policy)
    assert outbox.get(key).next_attempt_at == NOW + timedelta(seconds=180)
    outbox = mark_failed(outbox, key, NOW + timedelta(seconds=180), policy)
    assert outbox.get(key).status == "dead" and due_for_sending(outbox, NOW + timedelta(days=1)) == []


def test_opt_out_after_choosing_cancels_the_pending_entry_at_once():
    outbox = choose(Outbox(), NOW)
    prefs = Preferences(opted_out_kinds=frozenset({"unread_message"}))
    outbox = cancel_pending(outbox, lambda e: violates_preferences(e.kind, e.channel, prefs))
    assert due_for_sending(outbox, NOW + timedelta(hours=1)) == []
    assert outbox.get("m1:unread_message:msg-7").status == "cancelled"
