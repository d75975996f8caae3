"""Runs jobs on a background thread of the serving process: the default, needing nothing else."""

import logging
import queue
import threading
import time
from typing import Any

from openmsk.jobs.registry import JobContext, check_payload, run_job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


class InProcessQueue:
    """A FIFO of jobs worked by one daemon thread, with a few retries and backoff."""

    def __init__(self, ctx: JobContext, *, backoff_s: float = 0.5) -> None:
        self.ctx = ctx
        self.backoff_s = backoff_s
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="openmsk-jobs", daemon=True)
        self._thread.start()

    def enqueue(self, name: str, payload: dict[str, Any]) -> None:
        """Add a job to the queue."""
        self._queue.put((name, check_payload(name, payload)))

    def join(self, timeout_s: float = 10.0) -> None:
        """Wait until every queued job has finished (tests and shutdown)."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._queue.unfinished_tasks:
            raise TimeoutError("jobs still running")

    def close(self) -> None:
        """Finish queued work, then stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            name, payload = item
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    run_job(self.ctx, name, payload)
                    break
                except Exception as exc:  # noqa: BLE001 - a failing job must not kill the worker
                    log.warning("job failed", extra={"job": name, "attempt": attempt,
                                                     "error_type": type(exc).__name__})
                    time.sleep(self.backoff_s * 2 ** (attempt - 1))
            self._queue.task_done()
        self._queue.task_done()
