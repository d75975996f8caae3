"""A per-client sliding-window limit on sign-in attempts, before any password is checked."""

import threading
import time
from collections import deque


class AttemptThrottle:
    """Allows at most `limit` attempts per key in `window_s` seconds (per process)."""

    def __init__(self, limit: int = 20, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one attempt for the key; False when the key is over its limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            window = self._attempts.setdefault(key, deque())
            while window and window[0] <= now - self.window_s:
                window.popleft()
            if len(window) >= self.limit:
                return False
            window.append(now)
            return True
