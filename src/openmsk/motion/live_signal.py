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


class FrameSignal:
    """The spec's signal for one side, with its landmark indices resolved once per live session."""

    def __init__(self, sig: SignalDef, side: str, min_confidence: float) -> None:
        if sig.kind not in ("angle", "height", "lateral"):
            raise ValueError(f"signal kind {sig.kind!r} cannot be computed from landmarks")
        self.kind, self.min_confidence = sig.kind, min_confidence
        if sig.kind == "angle":
            self.a = _pair_ids(sig.a, side)
            self.b = _pair_ids(sig.b, side)
            return
        self.joint, self.ref = MP_POINTS[sided(sig.joint, side)], MP_POINTS[sided(sig.ref, side)]
        self.scale = (MP_POINTS[sided(sig.scale[0], side)], MP_POINTS[sided(sig.scale[1], side)])
        self.hips = (MP_POINTS["left_hip"], MP_POINTS["right_hip"])

    def __call__(self, frame: list) -> float:
        """The signal in one landmark frame; NaN when its joints are not visible enough."""
        if self.kind == "angle":
            u, cu = _vector(frame, self.a)
            v, cv = _vector(frame, self.b)
            return angle_deg(u, v) if (cu if cu < cv else cv) >= self.min_confidence else math.nan
        p, r = _at(frame, self.joint), _at(frame, self.ref)
        s0, s1 = _at(frame, self.scale[0]), _at(frame, self.scale[1])
        scale = math.sqrt((s1[0] - s0[0]) ** 2 + (s1[1] - s0[1]) ** 2 + (s1[2] - s0[2]) ** 2)
        if min(p[3], r[3]) < self.min_confidence or not scale:
            return math.nan
        d = (p[0] - r[0], p[1] - r[1], p[2] - r[2])
        if self.kind == "height":
            return (d[0] * UP[0] + d[1] * UP[1] + d[2] * UP[2]) / scale
        lh, rh = _at(frame, self.hips[0]), _at(frame, self.hips[1])
        axis = [rh[k] - lh[k] for k in range(3)]
        along = sum(axis[k] * UP[k] for k in range(3))
        axis = [axis[k] - along * UP[k] for k in range(3)]
        norm = math.sqrt(sum(a * a for a in axis))
        if min(lh[3], rh[3]) < self.min_confidence or not norm:
            return math.nan
        return abs(sum(d[k] * axis[k] for k in range(3))) / norm / scale


def _pair_ids(pair: tuple[str, ...], side: str) -> tuple | str:
    if pair[0] in ("up", "down"):
        return pair[0]
    return MP_POINTS[sided(pair[0], side)], MP_POINTS[sided(pair[1], side)]


def _at(frame: list, ids: tuple[int, ...]):
    """[x, y, z, visibility] of one landmark, or of the mid-point of several (minimum visibility)."""
    if len(ids) == 1:
        return frame[ids[0]]
    pts = [frame[i] for i in ids]
    n = len(pts)
    return (sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n, sum(p[2] for p in pts) / n,
            min(p[3] for p in pts))


def _vector(frame: list, pair) -> tuple[tuple[float, float, float], float]:
    if isinstance(pair, str):
        s = 1.0 if pair == "up" else -1.0
        return (s * UP[0], s * UP[1], s * UP[2]), 1.0
    p, q = _at(frame, pair[0]), _at(frame, pair[1])
    return (q[0] - p[0], q[1] - p[1], q[2] - p[2]), (p[3] if p[3] < q[3] else q[3])


def frame_signal(frame: list, sig: SignalDef, side: str, min_confidence: float) -> float:
    """The signal for one side of one frame; NaN when its joints are not visible enough."""
    return FrameSignal(sig, side, min_confidence)(frame)
