"""Per-rep measures: range, peak, tempo, symmetry, form errors, quality and correctness."""

from dataclasses import dataclass, field

import numpy as np

from openmsk.motion.geometry import column_angle, column_dot, column_norm, column_sub, nanmedian
from openmsk.motion.recording import JointColumns, Recording, joint_columns
from openmsk.motion.specs import MotionSpec

# Quality: depth share of the target, minus a fixed penalty per form error (CONFIG, not clinical).
ERROR_PENALTY = 0.2
HOLD_FRACTION = 0.1  # within 10% of the rep's range of its peak counts as the hold phase


@dataclass
class RepResult:
    """One repetition (complete or partial) with its measures."""

    start_s: float
    end_s: float
    peak_s: float
    start_value: float
    peak_value: float
    end_value: float
    rom: float
    down_s: float
    hold_s: float
    up_s: float
    complete: bool
    partial_reason: str = ""
    side: str = ""
    symmetry: float | None = None  # smaller/larger side range, 1 = even
    features: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    quality: float = 0.0
    correct: bool = False


def tempo(t: np.ndarray, x: np.ndarray, start: int, peak: int, end: int) -> tuple[float, float, float]:
    """Down, hold and up durations (seconds) of one rep."""
    rom = x[peak] - x[start]
    near = np.flatnonzero(x[start:end + 1] >= x[peak] - HOLD_FRACTION * abs(rom)) + start
    hold_a, hold_b = (int(near[0]), int(near[-1])) if len(near) else (peak, peak)
    return float(t[hold_a] - t[start]), float(t[hold_b] - t[hold_a]), float(t[end] - t[hold_b])


def _up(rec: Recording, dims: int) -> list[float]:
    return [float(c) for c in np.asarray(rec.up, dtype=float)[:dims]]


def trunk_angles(rec: Recording, cols: JointColumns | None = None) -> np.ndarray:
    """Trunk inclination from vertical (degrees) per frame."""
    cols = joint_columns(rec, cols)
    neck = cols("neck")
    return column_angle(column_sub(neck, cols("pelvis")), _up(rec, len(neck)))


def pelvic_obliquity(rec: Recording, cols: JointColumns | None = None) -> np.ndarray:
    """Angle of the hip line from horizontal (degrees) per frame."""
    cols = joint_columns(rec, cols)
    line = column_sub(cols("right_hip"), cols("left_hip"))
    return np.abs(90.0 - column_angle(line, _up(rec, len(line))))


def knee_ankle_ratio(rec: Recording, cols: JointColumns | None = None) -> np.ndarray:
    """Knee gap over ankle gap per frame (knees closer than ankles = valgus pattern)."""
    cols = joint_columns(rec, cols)
    knees = column_norm(column_sub(cols("left_knee"), cols("right_knee")))
    ankles = column_norm(column_sub(cols("left_ankle"), cols("right_ankle")))
    with np.errstate(invalid="ignore", divide="ignore"):
        return knees / ankles


def _height(rec: Recording, point: list[np.ndarray], ref: list[np.ndarray]) -> np.ndarray:
    """(point - ref) @ up per frame."""
    # By columns when up is one axis: the other products are exactly 0, so any summation order agrees.
    up = np.asarray(rec.up, dtype=float)
    if np.count_nonzero(up) != 1 or len(up) != len(point):
        return (np.stack(point, axis=1) - np.stack(ref, axis=1)) @ up
    return column_dot(column_sub(point, ref), [float(c) for c in up])


def heel_height(rec: Recording, cols: JointColumns | None = None) -> np.ndarray:
    """Mean heel (or ankle) height above the toes over shank length, per frame."""
    cols = joint_columns(rec, cols)
    out = []
    for side in ("left", "right"):
        heel = cols(f"{side}_heel")
        if all(np.isnan(c).all() for c in heel):
            heel = cols(f"{side}_ankle")
        shank = nanmedian(column_norm(column_sub(cols(f"{side}_knee"), cols(f"{side}_ankle"))))
        out.append(_height(rec, heel, cols(f"{side}_toe")) / shank)
    # np.nanmean over the two sides: the sum of the non-NaN values over their count.
    left, right = out
    count = (~np.isnan(left)).astype(float) + ~np.isnan(right)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(np.isnan(left), 0.0, left) + np.where(np.isnan(right), 0.0, right)) / count


def _window_stat(values: np.ndarray, a: int, b: int, fn) -> float:
    seg = values[a:b + 1]
    return float(fn(seg[np.isfinite(seg)])) if np.isfinite(seg).any() else np.nan


def form_features(rec: Recording, view: str, start: int, end: int) -> dict[str, float]:
    """Form measures over one rep window (NaN where the recording cannot show them)."""
    if rec.is_imu:
        return {}
    trunk, pelvis, heel = trunk_angles(rec), pelvic_obliquity(rec), heel_height(rec)
    feats = {
        "trunk_lean_deg": _window_stat(trunk, start, end, np.max),
        "trunk_change_deg": _window_stat(np.abs(trunk - trunk[start]), start, end, np.max),
        "hip_hike_deg": _window_stat(np.abs(pelvis - pelvis[start]), start, end, np.max),
        "heel_lift": _window_stat(heel - heel[start], start, end, np.max),
    }
    feats["knee_ankle_ratio"] = (_window_stat(knee_ankle_ratio(rec), start, end, np.min)
                                 if view != "sagittal" else np.nan)
    return feats


def judge(rep: RepResult, spec: MotionSpec, target: tuple[float, float], start_high: float) -> None:
    """Fill errors, cues, quality and correct for one rep from the spec's checks."""
    measure = rep.rom if spec.target_measure == "excursion" else rep.peak_value
    f = rep.features
    found = []
    for check in spec.checks:
        p, code = check.params, check.code
        hit = {
            "insufficient_depth": measure < target[0],
            "incomplete_return": not rep.complete and rep.partial_reason == "no_return"
            or rep.end_value - rep.start_value > 0.5 * rep.rom,
            "trunk_lean": f.get("trunk_lean_deg", np.nan) > p.get("max_deg", np.inf),
            "compensation": f.get("trunk_change_deg", np.nan) > p.get("max_deg", np.inf),
            "hip_hike": f.get("hip_hike_deg", np.nan) > p.get("max_deg", np.inf),
            "heel_lift": f.get("heel_lift", np.nan) > p.get("max_height", np.inf),
            "knee_valgus": f.get("knee_ankle_ratio", np.nan) < p.get("min_ratio", -np.inf),
            "asymmetry": f.get("side_gap", np.nan) > p.get("max_deg", np.inf),
            "too_fast": rep.end_s - rep.start_s < spec.min_rep_s,
        }.get(code, False)
        if hit:
            found.append(check)
    rep.errors = [c.code for c in found]
    rep.cues = [c.cue for c in found]
    base = 0.0 if spec.target_measure == "excursion" else min(start_high, rep.start_value)
    span = target[0] - base
    depth = float(np.clip((measure - base) / span, 0.0, 1.0)) if span > 0 else 1.0
    rep.quality = round(max(0.0, depth - ERROR_PENALTY * len(found)), 3)
    rep.correct = rep.complete and not found
