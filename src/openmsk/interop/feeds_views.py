"""The endpoint providers' FHIR Subscriptions (R4 rest-hook, R4B/backport) notify: import or queue a pull.

Notifications arriving together are received together: one thread per process takes every notification
waiting, imports them in one transaction (`feed_import.receive_batch`) and answers each request once
that transaction has committed, so a 2xx still means the carried records are stored.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue as queue_module
import threading
import time
import weakref
from concurrent.futures import Future, InvalidStateError

from fastapi import APIRouter, Depends, Request

from openmsk.auth.policy import _bearer
from openmsk.db import Database
from openmsk.errors import Unauthenticated
from openmsk.interop.feed_import import Notification, Received, receive_batch
from openmsk.interop.fhir_api import PREFIX, FhirResponse, FhirRoute
from openmsk.interop.jobs import PULL_JOB
from openmsk.interop.notifications import notification_targets
from openmsk.logs import request_id_var

log = logging.getLogger(__name__)
router = APIRouter(prefix=PREFIX, route_class=FhirRoute, include_in_schema=False)
MAX_BATCH = 200  # notifications per transaction
# A notification waits this long for others to share its transaction: a transaction of one costs ~15 ms of
# CPU (import and rule evaluation), of ten ~4 ms each, so under load a short wait lowers latency too.
GATHER_S = 0.02
IDLE_S = 30.0  # a receiving thread with nothing to do for this long ends (the next notification starts one)


async def feed_secret(request: Request, feed_id: str) -> str:
    """The secret the notification carries as a bearer token (or X-Feed-Secret header).

    It is checked against the feed's SHA-256 digest in the transaction that imports the notification;
    an unknown feed or a wrong secret is answered 401 before the body is looked at. Asynchronous, like
    the route: a notification costs no hop through the thread pool.
    """
    secret = _bearer(request) or request.headers.get("x-feed-secret")
    if not secret:
        raise Unauthenticated("unknown feed or wrong secret")
    return secret


feed_secret.__openmsk_policy__ = "fhir_feed_secret"


class Inbox:
    """A thread that receives waiting notifications in batches, one transaction per batch."""

    def __init__(self, db: Database) -> None:
        self._db = weakref.ref(db)  # the registry below is keyed weakly by the database: no strong reference back
        self._waiting: queue_module.Queue[tuple[Notification, Future]] = queue_module.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, note: Notification) -> Future:
        """Queue a notification; the future holds its `Received` once committed (or the error)."""
        future: Future = Future()
        with self._lock:
            self._waiting.put((note, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="openmsk-feed-inbox", daemon=True)
                self._thread.start()
        return future

    def _work(self) -> None:
        while True:
            try:
                first = self._waiting.get(timeout=IDLE_S)
            except queue_module.Empty:
                with self._lock:
                    if self._waiting.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            deadline = time.monotonic() + GATHER_S
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._waiting.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue_module.Empty:
                    break
            try:
                self._receive(batch)
            except Exception as exc:  # noqa: BLE001 - the thread must live on: later requests wait on it
                log.warning("notification batch failed", extra={"error_type": type(exc).__name__})
                for _, future in batch:
                    _settle(future, exc)

    def _receive(self, batch: list[tuple[Notification, Future]]) -> None:
        notes = [note for note, _ in batch]
        token = request_id_var.set(notes[0].request_id if len(notes) == 1 else None)
        try:
            db = self._db()
            if db is None:
                raise RuntimeError("the database of this inbox is gone")
            with db.transaction() as session:
                results = receive_batch(session, notes)
        except Exception as exc:  # noqa: BLE001 - answered per notification below
            if len(batch) > 1:  # one by one: only the notification at fault fails
                for item in batch:
                    self._receive([item])
                return
            results = [exc]
        finally:
            request_id_var.reset(token)
        for (note, future), result in zip(batch, results):
            if isinstance(result, Received):
                try:
                    for pull in result.pulls:
                        note.queue.enqueue(PULL_JOB, pull)
                except Exception as exc:  # noqa: BLE001 - the records are stored; a 5xx makes the provider retry
                    result = exc
            _settle(future, result)


def _settle(future: Future, result: Received | Exception) -> None:
    """Answer a waiting request, unless it was given up (the client left; its records are stored anyway)."""
    try:
        if isinstance(result, Received):
            future.set_result(result)
        else:
            future.set_exception(result)
    except InvalidStateError:
        pass  # cancelled by the request's task


_inboxes: weakref.WeakKeyDictionary[Database, Inbox] = weakref.WeakKeyDictionary()
_inboxes_lock = threading.Lock()


def inbox_for(db: Database) -> Inbox:
    """The process's inbox for a database (one receiving thread per database)."""
    with _inboxes_lock:
        inbox = _inboxes.get(db)
        if inbox is None:
            inbox = _inboxes[db] = Inbox(db)
        return inbox


@router.post("/notifications/{feed_id}")
async def notify(request: Request, feed_id: str, secret: str = Depends(feed_secret)) -> FhirResponse:
    """Import the resources a notification carries; queue a fetch-and-import for what it only names."""
    raw = await request.body()
    body, problem = None, None
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        problem = "notification body is not JSON"
    patients, focus = notification_targets(body)
    patients |= {p for p in request.query_params.getlist("patient") if p}
    queue = request.app.state.queue  # not QueueDep: a synchronous dependency would run in the thread pool
    note = Notification(feed_id, secret, body, raw, patients, focus, queue, problem, request_id_var.get())
    received: Received = await asyncio.wrap_future(inbox_for(request.app.state.db).submit(note))
    return FhirResponse({"resourceType": "OperationOutcome", "issue": [{
        "severity": "information", "code": "informational", "diagnostics": received.diagnostics}]})
