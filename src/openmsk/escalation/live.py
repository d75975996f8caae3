"""Pushes the ids of changed alerts to open worklist streams once the writing transaction commits.

In one process the commit hands the ids to every stream at once. Across processes (several server
workers, Redis job workers) the same transaction sends them with PostgreSQL NOTIFY, delivered only on
commit; a listener thread per process passes them on. SQLite has no such channel: streams poll.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
CHANGED_KEY = "escalation_changed"
CALLBACKS_KEY = "escalation_after_commit"
CHANNEL = "openmsk_escalation_alerts"
# Tells this process's own notifications apart from other processes' (it already pushed those ids).
ORIGIN = f"{os.getpid()}-{secrets.token_hex(4)}"
_PAYLOAD_LIMIT = 7000  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more


class Subscription:
    """One stream's inbox: changed alert ids, or a request to re-read everything recent."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.wake = asyncio.Event()
        self.ids: set[str] = set()
        self.resync = False

    def _deliver(self, ids: frozenset[str] | None) -> None:
        if ids is None:
            self.resync = True
        else:
            self.ids |= ids
        self.wake.set()

    def take(self) -> tuple[set[str], bool]:
        """The ids gathered since the last call and whether a full re-read was asked for."""
        ids, resync = self.ids, self.resync
        self.ids, self.resync = set(), False
        self.wake.clear()
        return ids, resync


class AlertHub:
    """Subscriptions of this process, filled thread-safely on every publish."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: set[Subscription] = set()

    def subscribe(self) -> Subscription:
        """Register a subscription on the running loop; call `unsubscribe` when the stream ends."""
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Forget a stream."""
        with self._lock:
            self._subs.discard(sub)

    def has_subscribers(self) -> bool:
        """Whether any stream is open."""
        with self._lock:
            return bool(self._subs)

    def publish(self, ids: Iterable[str] | None = None) -> None:
        """Hand changed alert ids (None: "re-read everything recent") to every stream, from any thread."""
        payload = None if ids is None else frozenset(ids)
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            if not sub.loop.is_closed():
                sub.loop.call_soon_threadsafe(sub._deliver, payload)


hub = AlertHub()


def mark_changed(session: Session, alert_id: str) -> None:
    """Note that this transaction changed an alert; streams hear of it after it commits."""
    session.info.setdefault(CHANGED_KEY, set()).add(alert_id)


def after_commit(session: Session, callback) -> None:
    """Run `callback()` once this session's transaction has committed (never on rollback)."""
    session.info.setdefault(CALLBACKS_KEY, []).append(callback)


def notify_payloads(ids: Iterable[str], origin: str = ORIGIN) -> list[str]:
    """`origin:id,id,...` payloads, each under PostgreSQL's NOTIFY size limit."""
    payloads, current = [], []
    size = len(origin) + 1
    for alert_id in sorted(ids):
        if current and size + len(alert_id) + 1 > _PAYLOAD_LIMIT:
            payloads.append(f"{origin}:{','.join(current)}")
            current, size = [], len(origin) + 1
        current.append(alert_id)
        size += len(alert_id) + 1
    if current:
        payloads.append(f"{origin}:{','.join(current)}")
    return payloads


def parse_payload(payload: str) -> tuple[str, list[str]]:
    """(origin, alert ids) of a NOTIFY payload."""
    origin, _, ids = payload.partition(":")
    return origin, [i for i in ids.split(",") if i]


@event.listens_for(Session, "before_commit")
def _notify_other_processes(session: Session) -> None:
    ids = session.info.get(CHANGED_KEY)
    if not ids:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    connection = session.connection()
    for payload in notify_payloads(ids):
        connection.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if changed := session.info.pop(CHANGED_KEY, None):
        hub.publish(changed)
    for callback in session.info.pop(CALLBACKS_KEY, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested or previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction may still commit what it noted
    session.info.pop(CHANGED_KEY, None)
    session.info.pop(CALLBACKS_KEY, None)


class PgListener:
    """A thread holding `LISTEN` on one database, publishing other processes' alert ids to the hub."""

    def __init__(self, url: str, target: AlertHub = hub, *, origin: str = ORIGIN) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.target, self.origin = target, origin
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="openmsk-escalation-listen", daemon=True)

    def start(self) -> PgListener:
        """Start listening (returns at once; `connected` is set once LISTEN is active)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        backoff = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    backoff = 0.5
                    self.target.publish(None)  # anything committed while not listening is re-read
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            origin, ids = parse_payload(note.payload)
                            if origin != self.origin and ids:
                                self.target.publish(ids)
            except Exception as exc:  # noqa: BLE001 - a lost connection falls back to polling, then retries
                self.connected.clear()
                if not self.target.has_subscribers():
                    break  # nobody to tell: the next stream starts a new listener
                log.warning("escalation listener disconnected", extra={"error_type": type(exc).__name__})
            self.connected.clear()
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)
        self.connected.clear()
        with _listeners_lock:
            if _listeners.get(self.url) is self:
                del _listeners[self.url]


_listeners: dict[str, PgListener] = {}
_listeners_lock = threading.Lock()


def listener_for(url: str) -> PgListener | None:
    """The process's listener on a PostgreSQL database (started on first use); None for SQLite."""
    if not url.startswith("postgresql"):
        return None
    key = url.replace("postgresql+psycopg://", "postgresql://")
    with _listeners_lock:
        if key not in _listeners:
            _listeners[key] = PgListener(key).start()
        return _listeners[key]
