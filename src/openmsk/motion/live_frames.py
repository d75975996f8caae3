"""Validation of incoming landmark frames and a bounded buffer of recent frames for form checks."""

import math

import numpy as np

from openmsk.motion.live_signal import LANDMARKS, UP
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.recording import Recording


_NO_PERSON = [[np.nan] * 4] * LANDMARKS


class FrameError(ValueError):
    """A frame that cannot be used; the message names the problem, never the values."""


def _landmarks(raw: list) -> list[list[float]]:
    try:
        points = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise FrameError("each landmark must be [x, y, z, visibility] numbers") from None
    if points.ndim != 2 or points.shape[1] not in (3, 4):
        raise FrameError("each landmark must be [x, y, z, visibility]")
    if points.shape[1] == 3:
        points = np.hstack([points, np.ones((len(points), 1))])
    # A missing joint becomes invisible, never an invented position.
    points[~np.isfinite(points).all(axis=1)] = 0.0
    return points.tolist()


def parse_frame(raw: object, last_t: float) -> tuple[float, list | None]:
    """(t, landmarks or None when no person was detected) from one client frame."""
    if not isinstance(raw, dict):
        raise FrameError("a frame must be a JSON object")
    t = raw.get("t")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        raise FrameError("t must be a number of seconds")
    if t <= last_t:
        raise FrameError("frames must arrive in time order")
    landmarks = raw.get("landmarks")
    if landmarks is None or landmarks == []:
        return float(t), None
    if not isinstance(landmarks, list) or len(landmarks) != LANDMARKS:
        raise FrameError(f"landmarks must list {LANDMARKS} MediaPipe Pose points")
    return float(t), _landmarks(landmarks)


class FrameBuffer:
    """The most recent frames by global index, as float32 arrays (NaN when no person)."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.base = 0
        self.frames: list[np.ndarray | None] = []
        self.times: list[float] = []

    def append(self, landmarks: list | None, t: float | None = None) -> None:
        """Add one frame (trimming the oldest in chunks so appends stay cheap)."""
        self.frames.append(None if landmarks is None else landmarks)
        if len(self.frames) > 2 * self.keep:
            drop = len(self.frames) - self.keep
            del self.frames[:drop]
            self.base += drop

    def recording(self, times: list[float], start: int, end: int) -> Recording | None:
        """Frames start..end (global indices) as a Recording on the common skeleton."""
        lo, hi = max(start, self.base), end
        if hi < lo:
            return None
        rows = self.frames[lo - self.base:hi - self.base + 1]
        points = np.array([_NO_PERSON if row is None else row for row in rows], dtype=float)
        vis = np.nan_to_num(points[:, :, 3])
        pos, conf = landmarks_to_common(points[:, :, :3], vis)
        t = np.asarray(times[lo:hi + 1], dtype=float)
        return Recording(t=t, positions=pos, confidence=conf, coordinates="world", up=UP,
                         source="live")
