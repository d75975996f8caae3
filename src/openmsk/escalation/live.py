"""Wakes open worklist streams of this process as soon as a transaction that changed alerts commits.

Streams also poll the database, so alerts written by another process (Redis workers) still appear.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

CHANGED_KEY = "escalation_changed"
CALLBACKS_KEY = "escalation_after_commit"


class AlertHub:
    """Subscribers are (loop, asyncio.Event) pairs set thread-safely on every publish."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def subscribe(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
        """Register the running loop's new event; call `unsubscribe` when the stream ends."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.add(waiter)
        return waiter

    def unsubscribe(self, waiter: tuple[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
        """Forget a stream."""
        with self._lock:
            self._waiters.discard(waiter)

    def publish(self) -> None:
        """Wake every stream (from any thread)."""
        with self._lock:
            waiters = list(self._waiters)
        for loop, flag in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(flag.set)


hub = AlertHub()


def mark_changed(session: Session, alert_id: str) -> None:
    """Note that this transaction changed an alert; streams wake after it commits."""
    session.info.setdefault(CHANGED_KEY, set()).add(alert_id)


def after_commit(session: Session, callback) -> None:
    """Run `callback()` once this session's transaction has committed (never on rollback)."""
    session.info.setdefault(CALLBACKS_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(CHANGED_KEY, None):
        hub.publish()
    for callback in session.info.pop(CALLBACKS_KEY, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested or previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction may still commit what it noted
    session.info.pop(CHANGED_KEY, None)
    session.info.pop(CALLBACKS_KEY, None)
