"""Per-frame movement signals from a Recording: joint angles, heights, displacements, side and view."""

from dataclasses import dataclass

import numpy as np

from openmsk.motion.filters import fill_short_gaps, finite_runs, gate, running_median
from openmsk.motion.geometry import (angle_between, column_angle, column_norm, column_sub, nanmedian, percentiles,
                                     project_out)
from openmsk.motion.recording import JOINTS, JointColumns, Recording, joint_columns

SIDES = ("left", "right")


@dataclass(frozen=True)
class SignalDef:
    """How to compute one scalar signal; joint names without a side get the side prefix."""

    kind: str  # angle | height | lateral | imu_angle
    a: tuple[str, ...] = ()  # first vector (from, to) or a pseudo vector: "up", "down"
    b: tuple[str, ...] = ()  # second vector
    joint: str = ""  # height/lateral: the moving joint
    ref: str = ""  # height/lateral: the reference joint
    scale: tuple[str, ...] = ()  # height/lateral: segment whose length normalises the displacement
    plane: str = "3d"  # 3d | image (drop depth)
    segments: tuple[str, ...] = ()  # imu_angle: (proximal, distal) segment names without side
    axis: tuple[str, ...] = ()  # angle: turn of b about this segment from a (signed, offline only)


def sided(name: str, side: str) -> str:
    """Prefix a joint name with the side unless it is a midline joint."""
    return name if name in JOINTS or name in ("up", "down") else f"{side}_{name}"


def _point(rec: Recording, name: str, side: str, dims: int) -> tuple[np.ndarray, np.ndarray]:
    joint = sided(name, side)
    return rec.joint(joint)[:, :dims], rec.joint_confidence(joint)


def _vector(rec: Recording, pair: tuple[str, ...], side: str, dims: int) -> tuple[np.ndarray, np.ndarray]:
    if pair[0] in ("up", "down"):
        sign = 1.0 if pair[0] == "up" else -1.0
        v = sign * np.asarray(rec.up, dtype=float)[:dims]
        return np.broadcast_to(v, (rec.frames, dims)), np.ones(rec.frames)
    p, cp = _point(rec, pair[0], side, dims)
    q, cq = _point(rec, pair[1], side, dims)
    return q - p, np.minimum(cp, cq)


def _columns(rec: Recording, pair: tuple[str, ...], side: str, dims: int,
             cols: JointColumns) -> tuple[list[np.ndarray], np.ndarray]:
    """`_vector` as one array per coordinate (whole-column arithmetic is several times faster)."""
    if pair[0] in ("up", "down"):
        v, conf = _vector(rec, pair, side, dims)
        return [np.ascontiguousarray(v[:, c]) for c in range(dims)], conf
    p, q = (sided(name, side) for name in pair[:2])
    return column_sub(cols(q, dims), cols(p, dims)), np.minimum(cols.confidence(p), cols.confidence(q))


def _length(rec: Recording, pair: tuple[str, ...], side: str, dims: int) -> float:
    v, _ = _vector(rec, pair, side, dims)
    n = np.linalg.norm(v, axis=1)
    return float(np.nanmedian(n)) if np.isfinite(n).any() else np.nan


def raw_signal(rec: Recording, sig: SignalDef, side: str,
               cols: JointColumns | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Unfiltered signal and its per-frame confidence for one side."""
    dims = rec.positions.shape[2] if sig.plane == "3d" else 2
    if sig.kind == "angle":
        if sig.axis and dims == 3:
            u, cu = _vector(rec, sig.a, side, dims)
            v, cv = _vector(rec, sig.b, side, dims)
            w, cw = _vector(rec, sig.axis, side, dims)
            return twist_angle(u, v, w), np.minimum.reduce([cu, cv, cw])
        cols = joint_columns(rec, cols)
        u, cu = _columns(rec, sig.a, side, dims, cols)
        v, cv = _columns(rec, sig.b, side, dims, cols)
        return column_angle(u, v), np.minimum(cu, cv)
    p, cp = _point(rec, sig.joint, side, dims)
    r, cr = _point(rec, sig.ref, side, dims)
    scale = _length(rec, sig.scale, side, dims)
    if sig.kind == "height":
        up = np.asarray(rec.up, dtype=float)[:dims]
        return (p - r) @ up / scale, np.minimum(cp, cr)
    if sig.kind == "lateral":
        left, cl = _point(rec, "left_hip", side, dims)
        right, cr2 = _point(rec, "right_hip", side, dims)
        axis = project_out(right - left, rec.up)
        axis /= np.linalg.norm(axis, axis=1, keepdims=True)
        return np.abs(np.sum((p - r) * axis, axis=1)) / scale, np.minimum.reduce([cp, cr, cl, cr2])
    raise ValueError(f"unknown signal kind {sig.kind!r}")


# A joint the tracker loses for a few frames (self-occlusion) jumps to a wrong pose and back. A
# running median over 0.25 s removes jumps shorter than ~0.12 s and barely touches slower movement
# (voluntary movement is mostly below 6 Hz: Winter 2009, ch. 3; the shortest rep in specs.yaml lasts
# 0.5 s; a 2 s rep's peak loses under 2%), so it cleans occlusion glitches without touching reps.
DESPIKE_S = 0.25
# Up to this many finite runs, one median filter call per run is cheaper than building the padded
# index for one call over all of them (speed only: both give the same values).
FEW_RUNS = 4


def median_step(t: np.ndarray) -> float | None:
    """Median positive time step in seconds (None when time never advances); 1 / it is the frame rate."""
    dt = np.diff(t)
    dt = dt[dt > 0]
    return nanmedian(dt) if len(dt) else None


def despike(x: np.ndarray, t: np.ndarray, window_s: float = DESPIKE_S, step: float | None = None) -> np.ndarray:
    """Running median over about window_s per finite run (NaN gaps stay gaps); `step`: t's median step."""
    step = median_step(t) if step is None else step
    size = int(round(window_s / step)) if step else 1
    size += 1 - size % 2  # odd, centred
    out = np.array(x, dtype=float)
    if size < 3:
        return out
    runs = [(start, stop) for start, stop in finite_runs(x) if stop - start >= size]
    if len(runs) <= FEW_RUNS:
        for a, b in runs:
            out[a:b] = running_median(x[a:b], size)
        return out
    # All runs in one filter call: each run padded with its own edge values (what mode="nearest"
    # does at its ends), so no window reaches into a neighbouring run.
    half = size // 2
    a, b = np.array(runs, dtype=np.intp).T
    lengths = b - a + 2 * half
    begins = np.cumsum(lengths) - lengths
    frames = np.arange(int(lengths.sum())) - np.repeat(begins - (a - half), lengths)
    lo, hi = np.repeat(a, lengths), np.repeat(b, lengths)
    padded = np.clip(frames, lo, hi - 1)
    keep = (frames >= lo) & (frames < hi)  # the runs without their padding
    out[frames[keep]] = running_median(x[padded], size)[keep]
    return out


def twist_angle(ref: np.ndarray, moving: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Signed turn (degrees) of `moving` about `axis` away from `ref`, both seen along the axis.

    An unsigned angle folds a turn past the reference back onto the positive side (a forearm that
    rotates back past vertical reads like a small forward rotation), so the sign is kept; it is
    oriented so that the movement away from rest is positive, whatever the handedness of the coordinates.
    """
    n = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    u = ref - np.sum(ref * n, axis=1, keepdims=True) * n
    v = moving - np.sum(moving * n, axis=1, keepdims=True) * n
    sign = np.sign(np.sum(np.cross(u, v) * n, axis=1))
    angle = angle_between(u, v) * np.where(sign == 0, 1.0, sign)
    for start, stop in finite_runs(angle):  # a turn through +-180 continues instead of wrapping
        angle[start:stop] = np.unwrap(angle[start:stop], period=360.0)
    finite = angle[np.isfinite(angle)]
    if len(finite) > 10:
        # Rest is where the limb is still: the level of the slowest quarter of the samples.
        speed = np.abs(np.gradient(finite))
        rest = float(np.median(finite[speed <= np.percentile(speed, 25)]))
        low, high = percentiles(finite, [2, 98])
        if rest - low > high - rest:  # the movement goes to negative angles: flip it
            angle = -angle
    return angle


def clean_signal(x: np.ndarray, conf: np.ndarray, t: np.ndarray, min_confidence: float,
                 max_gap_s: float, step: float | None = None) -> np.ndarray:
    """Gate low-confidence frames to gaps, interpolate gaps up to max_gap_s, remove tracking spikes."""
    return despike(fill_short_gaps(gate(x, conf, min_confidence), t, max_gap_s), t, step=step)


def observed_range(x: np.ndarray) -> float:
    """Robust range (2nd to 98th percentile) of the finite samples."""
    x = x[np.isfinite(x)]
    if len(x) <= 2:
        return 0.0
    low, high = percentiles(x, [2, 98])
    return high - low


def detect_side(per_side: dict[str, np.ndarray], conf: dict[str, np.ndarray]) -> str:
    """The side that moves more, weighted by how visible it is."""
    score = {s: observed_range(per_side[s]) * float(np.nanmean(conf[s]) if len(conf[s]) else 0.0)
             for s in per_side}
    return max(score, key=lambda s: score[s])


# Shoulder width over trunk length is ~0.8 facing the camera and ~0 side on (adult anthropometry,
# Winter 2009, segment lengths as fractions of height: shoulder width 0.259 H, trunk ~0.30 H).
SAGITTAL_WIDTH_RATIO = 0.35


def detect_view(rec: Recording, cols: JointColumns | None = None) -> str:
    """"frontal" or "sagittal" from the apparent shoulder width relative to trunk length."""
    if rec.is_imu:
        return "unknown"
    cols = joint_columns(rec, cols)
    ls, rs, neck, pelvis = (cols(name, 2) for name in ("left_shoulder", "right_shoulder", "neck", "pelvis"))
    width = nanmedian(column_norm(column_sub(ls, rs)))
    trunk = nanmedian(column_norm(column_sub(neck, pelvis)))
    if not np.isfinite(width) or not np.isfinite(trunk) or trunk == 0:
        return "unknown"
    return "sagittal" if width / trunk < SAGITTAL_WIDTH_RATIO else "frontal"
