"""Enqueues periodic jobs; with Redis, one slot per period is claimed so replicas do not repeat."""

import logging
import threading
import time
from collections.abc import Callable

from openmsk.jobs.registry import JobQueue, periodic_jobs

log = logging.getLogger(__name__)


class Scheduler:
    """A thread that enqueues each periodic job once per period."""

    def __init__(self, queue: JobQueue, *, claim: Callable[[str, int, float], bool] | None = None,
                 tick_s: float = 1.0) -> None:
        self.queue = queue
        self.claim = claim or (lambda _name, _slot, _period: True)
        self.tick_s = tick_s
        self._last_slot: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="openmsk-scheduler", daemon=True)

    def start(self) -> "Scheduler":
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()
        self._thread.join(timeout=5)

    def tick(self, now: float | None = None) -> list[str]:
        """Enqueue every job whose period slot has changed since the last tick."""
        now = time.time() if now is None else now
        fired = []
        for name, period in periodic_jobs().items():
            slot = int(now // period)
            if self._last_slot.get(name) == slot:
                continue
            self._last_slot[name] = slot
            if self.claim(name, slot, period):
                self.queue.enqueue(name, {})
                fired.append(name)
        return fired

    def _loop(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - keep scheduling after a transient failure
                log.warning("scheduler tick failed", extra={"error_type": type(exc).__name__})


def redis_claim(redis_url: str) -> Callable[[str, int, float], bool]:
    """A claim function that lets exactly one process enqueue a given job slot."""
    import redis

    client = redis.Redis.from_url(redis_url)

    def claim(name: str, slot: int, period: float) -> bool:
        key = f"openmsk:periodic:{name}:{slot}"
        return bool(client.set(key, "1", nx=True, ex=max(int(period * 2), 2)))

    return claim
