"""Background jobs: in-process by default, on Dramatiq workers through a real Redis when configured."""

import os
import threading
import time
import uuid

import pytest

from openmsk.jobs import emit, every, job, subscribe
from openmsk.jobs.inprocess import InProcessQueue
from openmsk.jobs.registry import JobContext
from openmsk.jobs.scheduler import Scheduler, redis_claim
from tests.conftest import REDIS_TEST_URL, require_service

RESULTS: dict[str, list] = {}
_lock = threading.Lock()


@job("test.record")
def record_job(ctx: JobContext, *, key: str, value: int, event: str | None = None) -> None:
    with _lock:
        RESULTS.setdefault(key, []).append((value, event))


_flaky_calls: dict[str, int] = {}


@job("test.flaky")
def flaky_job(ctx: JobContext, *, key: str) -> None:
    _flaky_calls[key] = _flaky_calls.get(key, 0) + 1
    if _flaky_calls[key] < 2:
        raise RuntimeError("transient")
    RESULTS.setdefault(key, []).append(("done", None))


subscribe("test.happened", "test.record")


def _wait_for(key: str, n: int, timeout_s: float = 15.0) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(RESULTS.get(key, [])) >= n:
            return RESULTS[key]
        time.sleep(0.02)
    raise AssertionError(f"only {RESULTS.get(key)} after {timeout_s}s")


@pytest.fixture
def context(app_settings):
    from openmsk.db import Database
    from openmsk.notify import FakeNotifier

    return JobContext(db=Database("sqlite://"), notifier=FakeNotifier(), settings=app_settings)


def test_in_process_queue_runs_jobs_and_fans_out_events(context):
    queue = InProcessQueue(context)
    key = uuid.uuid4().hex
    queue.enqueue("test.record", {"key": key, "value": 1})
    assert emit(queue, "test.happened", {"key": key, "value": 2}) == 1
    queue.join()
    assert sorted(RESULTS[key], key=str) == [(1, None), (2, "test.happened")]
    queue.close()


def test_in_process_queue_retries_a_failing_job(context):
    queue = InProcessQueue(context, backoff_s=0.01)
    key = uuid.uuid4().hex
    queue.enqueue("test.flaky", {"key": key})
    queue.join()
    assert RESULTS[key] == [("done", None)] and _flaky_calls[key] == 2
    queue.close()


def test_unknown_jobs_and_unserializable_payloads_are_refused(context):
    queue = InProcessQueue(context)
    with pytest.raises(KeyError):
        queue.enqueue("test.nope", {})
    with pytest.raises(TypeError):
        queue.enqueue("test.record", {"key": "k", "value": object()})
    queue.close()


def test_scheduler_enqueues_each_periodic_job_once_per_period(context):
    every(60, "test.record")
    sent = []

    class Recorder:
        def enqueue(self, name, payload):
            sent.append(name)

    scheduler = Scheduler(Recorder())
    assert "test.record" in scheduler.tick(now=600.0)
    assert scheduler.tick(now=630.0) == []
    assert "test.record" in scheduler.tick(now=661.0)


@pytest.fixture
def redis_url() -> str:
    if not REDIS_TEST_URL:
        require_service("Redis (OPENMSK_TEST_REDIS_URL)")
    return REDIS_TEST_URL


@pytest.mark.redis
def test_redis_queue_delivers_jobs_to_a_dramatiq_worker(context, redis_url):
    from openmsk.jobs.redisqueue import RedisQueue

    queue = RedisQueue(redis_url, context, namespace=f"openmsk-test-{os.getpid()}")
    key = uuid.uuid4().hex
    queue.enqueue("test.record", {"key": key, "value": 7})
    emit(queue, "test.happened", {"key": key, "value": 8})
    worker = queue.worker(threads=2)
    try:
        assert sorted(_wait_for(key, 2), key=str) == [(7, None), (8, "test.happened")]
    finally:
        worker.stop()
        queue.close()


@pytest.mark.redis
def test_redis_claim_lets_only_one_replica_enqueue_a_slot(redis_url):
    claim = redis_claim(redis_url)
    name = f"test.claim.{uuid.uuid4().hex}"
    assert claim(name, 42, 60) is True
    assert claim(name, 42, 60) is False
    assert claim(name, 43, 60) is True


@pytest.mark.redis
def test_app_configured_with_redis_sends_reset_links_through_a_queue_worker(settings, redis_url, notifier):
    import re

    from fastapi.testclient import TestClient

    from openmsk.app import build_services, create_app
    from tests.integration.clinic import build_clinic

    settings.redis_url = redis_url
    settings.redis_namespace = f"openmsk-test-{uuid.uuid4().hex}"
    services = build_services(settings, notifier=notifier)
    assert type(services.queue).__name__ == "RedisQueue"
    clinic = build_clinic(services.db)
    worker = services.queue.worker(threads=1)
    try:
        with TestClient(create_app(services=services)) as client:
            assert client.post("/api/v1/auth/password-reset", json={"email": clinic.emails["ann"]}).status_code == 202
        deadline = time.monotonic() + 15
        while not notifier.outbox and time.monotonic() < deadline:
            time.sleep(0.05)
        assert re.search(r"/password-reset/\S+", notifier.last_to(clinic.emails["ann"]).body)
    finally:
        worker.stop()
        services.queue.close()
        services.db.dispose()


def test_events_emitted_after_commit_wait_for_the_commit_and_vanish_on_rollback(db):
    from openmsk.jobs import emit_after_commit

    class Recorder:
        def __init__(self):
            self.sent = []

        def enqueue(self, name, payload):
            self.sent.append(payload["value"])

    queue = Recorder()
    with db.transaction() as session:
        emit_after_commit(session, queue, "test.happened", {"key": "k", "value": 1})
        assert queue.sent == []
    assert queue.sent == [1]
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            emit_after_commit(session, queue, "test.happened", {"key": "k", "value": 2})
            raise RuntimeError("the request failed")
    with db.transaction() as session:
        pass
    assert queue.sent == [1]
