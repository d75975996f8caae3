"""A pure transactional-outbox model: choose -> record pending (unique key) -> send -> mark sent.

Each function returns a new Outbox; the storage layer maps `record_pending` to an insert under a
unique constraint on the key, and the others to updates by key.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Literal

Status = Literal["pending", "sent", "dead", "cancelled"]


class DuplicateKeyError(Exception):
    """A nudge with this idempotency key is already in the outbox."""


def idempotency_key(member_id: str, kind: str, episode: str) -> str:
    """The deterministic key of a nudge: member, kind and episode (episodes carry the local date)."""
    return f"{member_id}:{kind}:{episode}"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base * factor**(attempt-1), capped; dead after max_attempts failures."""

    base_seconds: float = 60
    factor: float = 2
    cap_seconds: float = 3600
    max_attempts: int = 6


def backoff_delay(attempt: int, policy: RetryPolicy = RetryPolicy()) -> timedelta:
    """Delay before the next try after `attempt` failed attempts (attempt >= 1)."""
    if attempt < 1:
        raise ValueError("attempt must be >= 1")
    seconds = policy.base_seconds * policy.factor ** (attempt - 1)
    return timedelta(seconds=min(seconds, policy.cap_seconds))


@dataclass(frozen=True)
class OutboxEntry:
    """One nudge on its way to a member (or a coach task on its way to the care team)."""

    key: str
    member_id: str
    kind: str
    channel: str
    created_at: datetime
    status: Status = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Outbox:
    """Entries by idempotency key (read-only mapping)."""

    entries: Mapping[str, "OutboxEntry"] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, key: str) -> OutboxEntry | None:
        """The entry with a key, if any."""
        return self.entries.get(key)


def _with(outbox: Outbox, entry: OutboxEntry) -> Outbox:
    return Outbox(MappingProxyType({**outbox.entries, entry.key: entry}))


def record_pending(outbox: Outbox, entry: OutboxEntry) -> Outbox:
    """Add a chosen nudge as pending; a key already present is refused (no double choice)."""
    if entry.key in outbox.entries:
        raise DuplicateKeyError("idempotency key already recorded")
    return _with(outbox, replace(entry, status="pending", attempts=0, next_attempt_at=entry.created_at))


def due_for_sending(outbox: Outbox, now: datetime) -> list[OutboxEntry]:
    """Pending entries whose next attempt is due, oldest first (this is also crash recovery)."""
    due = [e for e in outbox.entries.values() if e.status == "pending" and e.next_attempt_at <= now]
    return sorted(due, key=lambda e: (e.next_attempt_at, e.key))


def mark_sent(outbox: Outbox, key: str, now: datetime) -> Outbox:
    """Mark an entry sent; marking it again changes nothing (a replayed acknowledgement)."""
    entry = outbox.entries[key]
    if entry.status == "sent":
        return outbox
    return _with(outbox, replace(entry, status="sent", attempts=entry.attempts + 1, sent_at=now, next_attempt_at=None))


def mark_failed(outbox: Outbox, key: str, now: datetime, policy: RetryPolicy = RetryPolicy()) -> Outbox:
    """Record a failed send: retry later with backoff, or give up (dead) after max_attempts."""
    entry = outbox.entries[key]
    if entry.status != "pending":
        return outbox
    attempts = entry.attempts + 1
    if attempts >= policy.max_attempts:
        return _with(outbox, replace(entry, status="dead", attempts=attempts, next_attempt_at=None))
    return _with(outbox, replace(entry, attempts=attempts, next_attempt_at=now + backoff_delay(attempts, policy)))


def cancel_pending(outbox: Outbox, should_cancel: Callable[[OutboxEntry], bool]) -> Outbox:
    """Cancel pending entries a predicate rejects now (e.g. the member just opted out)."""
    result = outbox
    for entry in outbox.entries.values():
        if entry.status == "pending" and should_cancel(entry):
            result = _with(result, replace(entry, status="cancelled", next_attempt_at=None))
    return result
