"""Validation of incoming landmark frames, in plain Python (it runs for every frame of every stream)."""

import math

from openmsk.motion.live_signal import LANDMARKS


class FrameError(ValueError):
    """A frame that cannot be used; the message names the problem, never the values."""


def _checked(raw: list) -> list[list[float]]:
    """Row by row: numbers only, visibility 1 when absent, a non-finite joint made invisible."""
    out = []
    for row in raw:
        if not isinstance(row, list) or len(row) not in (3, 4):
            raise FrameError("each landmark must be [x, y, z, visibility]")
        try:
            values = [math.nan if v is None else float(v) for v in row]
        except (TypeError, ValueError, OverflowError):
            raise FrameError("each landmark must be [x, y, z, visibility] numbers") from None
        if len(values) == 3:
            values.append(1.0)
        # A missing joint becomes invisible, never an invented position.
        out.append(values if all(math.isfinite(v) for v in values) else [0.0, 0.0, 0.0, 0.0])
    return out


def _landmarks(raw: list) -> list[list[float]]:
    # Fast path: four finite numbers per row (what the page sends). JSON rows that are objects or
    # strings make `sum` fail, and the total is finite only when every number is.
    try:
        if set(map(len, raw)) == {4}:
            total = sum(map(sum, raw))
            if (type(total) is float or type(total) is int) and math.isfinite(total):
                return raw
    except (TypeError, OverflowError):
        pass
    return _checked(raw)


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
