"""Runs jobs on Dramatiq workers through a Redis broker, for scale-out deployments."""

import logging
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from openmsk.jobs.registry import JobContext, check_payload, run_job

log = logging.getLogger(__name__)
QUEUE_NAME = "openmsk"
ACTOR_NAME = "openmsk_job"


class RedisQueue:
    """Sends jobs to Redis; `worker()` consumes them in this or another process."""

    def __init__(self, redis_url: str, ctx: JobContext, *, namespace: str = "openmsk") -> None:
        self.ctx = ctx
        self.broker = RedisBroker(url=redis_url, namespace=namespace)
        self._actor = dramatiq.actor(
            self._run, broker=self.broker, actor_name=ACTOR_NAME, queue_name=QUEUE_NAME,
            max_retries=3, min_backoff=500, max_backoff=30_000,
        )

    def _run(self, name: str, payload: dict[str, Any]) -> None:
        run_job(self.ctx, name, payload)

    def enqueue(self, name: str, payload: dict[str, Any]) -> None:
        """Publish a job message to Redis."""
        self._actor.send(name, check_payload(name, payload))

    def worker(self, threads: int = 4) -> dramatiq.Worker:
        """A started Dramatiq worker consuming this queue; call `.stop()` to end it."""
        worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=200)
        worker.start()
        log.info("queue worker started", extra={"queue": QUEUE_NAME, "backend": "redis"})
        return worker

    def close(self) -> None:
        """Close the broker's connections."""
        self.broker.close()
