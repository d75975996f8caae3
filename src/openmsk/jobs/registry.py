"""The registry of jobs, event subscriptions and periodic schedules, and how a job is run."""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from openmsk.config import Settings
    from openmsk.db import Database
    from openmsk.notify import Notifier

log = logging.getLogger(__name__)

Handler = Callable[..., None]
_handlers: dict[str, Handler] = {}
_batch_handlers: dict[str, Callable[..., None]] = {}
_subscribers: dict[str, list[str]] = {}
_periodic: dict[str, float] = {}


class JobQueue(Protocol):
    """Where jobs are sent: in-process threads by default, Redis workers when configured."""

    def enqueue(self, name: str, payload: dict[str, Any]) -> None:
        """Schedule one run of the named job with a JSON-serializable payload."""

    def close(self) -> None:
        """Stop accepting work and release resources."""


@dataclass
class JobContext:
    """What a running job may use: the database, the notifier, settings and the queue."""

    db: "Database"
    notifier: "Notifier"
    settings: "Settings"
    queue: JobQueue | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def job(name: str) -> Callable[[Handler], Handler]:
    """Register a function `fn(ctx, **payload)` as the job called `name`."""

    def register(fn: Handler) -> Handler:
        if name in _handlers and _handlers[name] is not fn:
            raise ValueError(f"job {name!r} is already registered")
        _handlers[name] = fn
        return fn

    return register


def batch_handler(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register `fn(ctx, payloads)`: runs several queued payloads of job `name` at once (same effect as one by one)."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        _batch_handlers[name] = fn
        return fn

    return register


def batchable(name: str) -> bool:
    """Whether queued runs of the job may be handed to its batch handler together."""
    return name in _batch_handlers


def subscribe(event: str, job_name: str) -> None:
    """Run the job every time the event is emitted."""
    names = _subscribers.setdefault(event, [])
    if job_name not in names:
        names.append(job_name)


def every(seconds: float, job_name: str) -> None:
    """Run the job periodically, about every `seconds`."""
    if seconds <= 0:
        raise ValueError("a period must be positive")
    _periodic[job_name] = seconds


def periodic_jobs() -> dict[str, float]:
    """The registered schedules: job name to period in seconds."""
    return dict(_periodic)


def check_payload(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown jobs and payloads that would not survive a trip through a broker."""
    if name not in _handlers:
        raise KeyError(f"unknown job {name!r}")
    return json.loads(json.dumps(payload))


def emit(queue: JobQueue, event: str, payload: dict[str, Any]) -> int:
    """Enqueue every job subscribed to the event; returns how many were enqueued."""
    names = _subscribers.get(event, [])
    for name in names:
        queue.enqueue(name, {**payload, "event": event})
    return len(names)


def run_job(ctx: JobContext, name: str, payload: dict[str, Any]) -> None:
    """Run one job now, in this thread."""
    _handlers[name](ctx, **payload)
    log.info("job done", extra={"job": name})


def run_batch(ctx: JobContext, name: str, payloads: list[dict[str, Any]]) -> None:
    """Run several payloads of one job now: through its batch handler when it has one, else one by one."""
    handler = _batch_handlers.get(name)
    # A batch of one goes through the batch handler too: its bulk path is the cheaper one even then.
    if handler is None:
        for payload in payloads:
            run_job(ctx, name, payload)
        return
    handler(ctx, payloads)
    log.info("job batch done", extra={"job": name, "runs": len(payloads)})


_PENDING = "openmsk_events_after_commit"


def emit_after_commit(session, queue: JobQueue, event: str, payload: dict[str, Any]) -> None:
    """Emit the event once the session's transaction commits (dropped if it rolls back).

    A job that reacts to a change must be able to read that change, which an in-process worker
    thread could otherwise try before the request's transaction has committed.
    """
    from sqlalchemy import event as sa_event

    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def flush(sess) -> None:
            items, sess.info[_PENDING] = list(sess.info.get(_PENDING, [])), []
            for q, name, data in items:
                emit(q, name, data)

        def clear(sess) -> None:
            sess.info[_PENDING] = []

        sa_event.listen(session, "after_commit", flush)
        sa_event.listen(session, "after_soft_rollback", lambda sess, _tx: clear(sess))
    session.info[_PENDING].append((queue, event, payload))


def subscribers(event: str) -> list[str]:
    """The jobs that run when the event is emitted."""
    return list(_subscribers.get(event, []))
