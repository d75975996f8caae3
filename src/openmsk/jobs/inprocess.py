"""Runs jobs on a background thread of the serving process: the default, needing nothing else."""

import logging
import queue
import threading
import time
from typing import Any

from openmsk.jobs.registry import JobContext, batchable, check_payload, run_batch, run_job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Queued runs of a job with a batch handler are taken together, up to this many at once.
MAX_BATCH = 500


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
            if not batchable(name):
                self._run(name, payload)
                self._queue.task_done()
                continue
            batch, others, closing = self._take_more(name, payload)
            self._run_batch(name, batch)
            for other_name, other_payload in others:
                self._run(other_name, other_payload)
            for _ in range(len(batch) + len(others)):
                self._queue.task_done()
            if closing:
                break
        self._queue.task_done()

    def _take_more(self, name: str, payload: dict[str, Any]) -> tuple[list[dict[str, Any]], list, bool]:
        """The runs of `name` already waiting (after this one), the other jobs taken meanwhile, and a stop."""
        batch, others = [payload], []
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, others, True
            if item[0] == name:
                batch.append(item[1])
            else:
                others.append(item)
        return batch, others, False

    def _run_batch(self, name: str, payloads: list[dict[str, Any]]) -> None:
        try:
            run_batch(self.ctx, name, payloads)
        except Exception as exc:  # noqa: BLE001 - retried one by one, so one bad payload holds up no other
            log.warning("job batch failed", extra={"job": name, "runs": len(payloads),
                                                    "error_type": type(exc).__name__})
            for payload in payloads:
                self._run(name, payload)

    def _run(self, name: str, payload: dict[str, Any]) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                run_job(self.ctx, name, payload)
                return
            except Exception as exc:  # noqa: BLE001 - a failing job must not kill the worker
                log.warning("job failed", extra={"job": name, "attempt": attempt,
                                                 "error_type": type(exc).__name__})
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
