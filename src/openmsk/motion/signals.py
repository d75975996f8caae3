"""Per-frame movement signals from a Recording: joint angles, heights, displacements, side and view."""

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from openmsk.motion.filters import fill_short_gaps, finite_runs, gate
from openmsk.motion.geometry import angle_between, project_out
from openmsk.motion.recording import JOINTS, Recording

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


def _columns(rec: Recording, pair: tuple[str, ...], side: str, dims: int) -> tuple[list[np.ndarray], np.ndarray]:
    """`_vector` as one array per coordinate (whole-column arithmetic is several times faster)."""
    if pair[0] in ("up", "down"):
        v, conf = _vector(rec, pair, side, dims)
        return [np.ascontiguousarray(v[:, c]) for c in range(dims)], conf
    i, j = (rec.joint_names.index(sided(name, side)) for name in pair[:2])
    pos, conf = rec.positions, rec.confidence
    return [pos[:, j, c] - pos[:, i, c] for c in range(dims)], np.minimum(conf[:, i], conf[:, j])


def _column_angle(u: list[np.ndarray], v: list[np.ndarray]) -> np.ndarray:
    """`angle_between` over per-coordinate columns, summed in the same order (identical result)."""
    uu, vv, uv = u[0] * u[0], v[0] * v[0], u[0] * v[0]
    for a, b in zip(u[1:], v[1:], strict=True):
        uu, vv, uv = uu + a * a, vv + b * b, uv + a * b
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = uv / (np.sqrt(uu) * np.sqrt(vv))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _length(rec: Recording, pair: tuple[str, ...], side: str, dims: int) -> float:
    v, _ = _vector(rec, pair, side, dims)
    n = np.linalg.norm(v, axis=1)
    return float(np.nanmedian(n)) if np.isfinite(n).any() else np.nan


def raw_signal(rec: Recording, sig: SignalDef, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Unfiltered signal and its per-frame confidence for one side."""
    dims = rec.positions.shape[2] if sig.plane == "3d" else 2
    if sig.kind == "angle":
        if sig.axis and dims == 3:
            u, cu = _vector(rec, sig.a, side, dims)
            v, cv = _vector(rec, sig.b, side, dims)
            w, cw = _vector(rec, sig.axis, side, dims)
            return twist_angle(u, v, w), np.minimum.reduce([cu, cv, cw])
        u, cu = _columns(rec, sig.a, side, dims)
        v, cv = _columns(rec, sig.b, side, dims)
        return _column_angle(u, v), np.minimum(cu, cv)
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


def despike(x: np.ndarray, t: np.ndarray, window_s: float = DESPIKE_S) -> np.ndarray:
    """Running median over about window_s per finite run (NaN gaps stay gaps)."""
    dt = np.diff(t)
    dt = dt[dt > 0]
    size = int(round(window_s / float(np.median(dt)))) if len(dt) else 1
    size += 1 - size % 2  # odd, centred
    out = x.astype(float).copy()
    if size < 3:
        return out
    runs = [(start, stop) for start, stop in finite_runs(x) if stop - start >= size]
    if not runs:
        return out
    # All runs in one filter call: each run padded with its own edge values (what mode="nearest"
    # does at its ends), so no window reaches into a neighbouring run.
    half = size // 2
    padded = np.concatenate([np.clip(np.arange(a - half, b + half), a, b - 1) for a, b in runs])
    inner = np.concatenate([np.arange(a, b) for a, b in runs])
    parts = np.array([(half, b - a, half) for a, b in runs]).ravel()
    keep = np.repeat(np.tile([False, True, False], len(runs)), parts)  # the runs without their padding
    out[inner] = median_filter(x[padded], size=size, mode="nearest")[keep]
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
        low, high = np.percentile(finite, [2, 98])
        if rest - low > high - rest:  # the movement goes to negative angles: flip it
            angle = -angle
    return angle


def clean_signal(x: np.ndarray, conf: np.ndarray, t: np.ndarray, min_confidence: float,
                 max_gap_s: float) -> np.ndarray:
    """Gate low-confidence frames to gaps, interpolate gaps up to max_gap_s, remove tracking spikes."""
    return despike(fill_short_gaps(gate(x, conf, min_confidence), t, max_gap_s), t)


def observed_range(x: np.ndarray) -> float:
    """Robust range (2nd to 98th percentile) of the finite samples."""
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 98) - np.percentile(x, 2)) if len(x) > 2 else 0.0


def detect_side(per_side: dict[str, np.ndarray], conf: dict[str, np.ndarray]) -> str:
    """The side that moves more, weighted by how visible it is."""
    score = {s: observed_range(per_side[s]) * float(np.nanmean(conf[s]) if len(conf[s]) else 0.0)
             for s in per_side}
    return max(score, key=lambda s: score[s])


# Shoulder width over trunk length is ~0.8 facing the camera and ~0 side on (adult anthropometry,
# Winter 2009, segment lengths as fractions of height: shoulder width 0.259 H, trunk ~0.30 H).
SAGITTAL_WIDTH_RATIO = 0.35


def detect_view(rec: Recording) -> str:
    """"frontal" or "sagittal" from the apparent shoulder width relative to trunk length."""
    if rec.is_imu:
        return "unknown"
    ls, rs = rec.joint("left_shoulder")[:, :2], rec.joint("right_shoulder")[:, :2]
    neck, pelvis = rec.joint("neck")[:, :2], rec.joint("pelvis")[:, :2]
    width = np.nanmedian(np.linalg.norm(ls - rs, axis=1))
    trunk = np.nanmedian(np.linalg.norm(neck - pelvis, axis=1))
    if not np.isfinite(width) or not np.isfinite(trunk) or trunk == 0:
        return "unknown"
    return "sagittal" if width / trunk < SAGITTAL_WIDTH_RATIO else "frontal"
