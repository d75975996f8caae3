"""The spec's tracked signal from one MediaPipe Pose frame, in plain Python (per-frame cost matters)."""

import math

from openmsk.motion.signals import SignalDef, sided
from openmsk.motion.streaming import angle_deg

# MediaPipe Pose landmark indices (https://ai.google.dev/edge/mediapipe/solutions/vision/pose_landmarker);
# midline joints are mid-points of the shoulders and hips, as in loaders/mediapipe_csv.py.
MP_POINTS: dict[str, tuple[int, ...]] = {
    "head": (0,), "left_shoulder": (11,), "right_shoulder": (12,), "left_elbow": (13,),
    "right_elbow": (14,), "left_wrist": (15,), "right_wrist": (16,), "left_hip": (23,),
    "right_hip": (24,), "left_knee": (25,), "right_knee": (26,), "left_ankle": (27,),
    "right_ankle": (28,), "left_heel": (29,), "right_heel": (30,), "left_toe": (31,),
    "right_toe": (32,), "pelvis": (23, 24), "neck": (11, 12), "chest": (11, 12),
    "spine": (11, 12, 23, 24),
}
LANDMARKS = 33
# MediaPipe's world and image coordinates both have y pointing down.
UP = (0.0, -1.0, 0.0)


def point(frame: list, name: str, side: str) -> tuple[tuple[float, float, float], float]:
    """Position and visibility of a named (possibly sided) joint in one landmark frame."""
    ids = MP_POINTS[sided(name, side)]
    if len(ids) == 1:
        x, y, z, v = frame[ids[0]]
        return (x, y, z), v
    pts = [frame[i] for i in ids]
    n = len(pts)
    return ((sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n, sum(p[2] for p in pts) / n),
            min(p[3] for p in pts))


def _vec(frame: list, pair: tuple[str, ...], side: str) -> tuple[tuple[float, ...], float]:
    if pair[0] in ("up", "down"):
        s = 1.0 if pair[0] == "up" else -1.0
        return (s * UP[0], s * UP[1], s * UP[2]), 1.0
    (p, cp), (q, cq) = point(frame, pair[0], side), point(frame, pair[1], side)
    return (q[0] - p[0], q[1] - p[1], q[2] - p[2]), min(cp, cq)


def _length(frame: list, pair: tuple[str, ...], side: str) -> float:
    v, _ = _vec(frame, pair, side)
    return math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


def frame_signal(frame: list, sig: SignalDef, side: str, min_confidence: float) -> float:
    """The signal for one side of one frame; NaN when its joints are not visible enough."""
    if sig.kind == "angle":
        u, cu = _vec(frame, sig.a, side)
        v, cv = _vec(frame, sig.b, side)
        return angle_deg(u, v) if min(cu, cv) >= min_confidence else math.nan
    (p, cp), (r, cr) = point(frame, sig.joint, side), point(frame, sig.ref, side)
    scale = _length(frame, sig.scale, side)
    if min(cp, cr) < min_confidence or not scale:
        return math.nan
    d = (p[0] - r[0], p[1] - r[1], p[2] - r[2])
    if sig.kind == "height":
        return (d[0] * UP[0] + d[1] * UP[1] + d[2] * UP[2]) / scale
    if sig.kind == "lateral":
        (lh, cl), (rh, cr2) = point(frame, "left_hip", side), point(frame, "right_hip", side)
        axis = [rh[k] - lh[k] for k in range(3)]
        along = sum(axis[k] * UP[k] for k in range(3))
        axis = [axis[k] - along * UP[k] for k in range(3)]
        norm = math.sqrt(sum(a * a for a in axis))
        if min(cl, cr2) < min_confidence or not norm:
            return math.nan
        return abs(sum(d[k] * axis[k] for k in range(3))) / norm / scale
    raise ValueError(f"signal kind {sig.kind!r} cannot be computed from landmarks")
