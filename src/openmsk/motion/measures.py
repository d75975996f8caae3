"""Per-rep measures: range, peak, tempo, symmetry, form errors, quality and correctness."""

from dataclasses import dataclass, field

import numpy as np

from openmsk.motion.geometry import angle_between, segment_to_vertical
from openmsk.motion.recording import Recording
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


def trunk_angles(rec: Recording) -> np.ndarray:
    """Trunk inclination from vertical (degrees) per frame."""
    return segment_to_vertical(rec.joint("neck"), rec.joint("pelvis"), rec.up)


def pelvic_obliquity(rec: Recording) -> np.ndarray:
    """Angle of the hip line from horizontal (degrees) per frame."""
    line = rec.joint("right_hip") - rec.joint("left_hip")
    return np.abs(90.0 - angle_between(line, np.broadcast_to(np.asarray(rec.up), line.shape)))


def knee_ankle_ratio(rec: Recording) -> np.ndarray:
    """Knee gap over ankle gap per frame (knees closer than ankles = valgus pattern)."""
    knees = np.linalg.norm(rec.joint("left_knee") - rec.joint("right_knee"), axis=1)
    ankles = np.linalg.norm(rec.joint("left_ankle") - rec.joint("right_ankle"), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return knees / ankles


def heel_height(rec: Recording) -> np.ndarray:
    """Mean heel (or ankle) height above the toes over shank length, per frame."""
    out = []
    for side in ("left", "right"):
        heel = rec.joint(f"{side}_heel")
        if np.isnan(heel).all():
            heel = rec.joint(f"{side}_ankle")
        shank = np.nanmedian(np.linalg.norm(rec.joint(f"{side}_knee") - rec.joint(f"{side}_ankle"), axis=1))
        out.append((heel - rec.joint(f"{side}_toe")) @ np.asarray(rec.up) / shank)
    return np.nanmean(np.vstack(out), axis=0)


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
