"""The spec's signal for a recording: per side, gated, gap-filled, filtered, and combined."""

from dataclasses import dataclass

import numpy as np

from openmsk.motion.filters import causal, finite_runs, zero_phase
from openmsk.motion.geometry import percentiles
from openmsk.motion.imu import imu_joint_angle
from openmsk.motion.recording import JointColumns, Recording, joint_columns
from openmsk.motion.segmentation import RepWindow, segment
from openmsk.motion.signals import SIDES, SignalDef, clean_signal, detect_side, median_step, raw_signal
from openmsk.motion.specs import MotionSpec


@dataclass
class Trace:
    """Filtered signal used for segmentation, the side(s) it came from, and per-side signals."""

    t: np.ndarray
    value: np.ndarray
    side: str
    per_side: dict[str, np.ndarray]
    gated_share: float
    long_gaps: int
    # The picked side's windows at the spec's minimum excursion, found while picking the side, so the
    # analysis does not segment the same signal again.
    windows: list[RepWindow] | None = None
    windows_min_excursion: float | None = None


def _imu_side_signal(rec: Recording, sig: SignalDef, side: str) -> np.ndarray:
    proximal, distal = (s if s == "pelvis" else f"{side}_{s}" for s in sig.segments)
    return imu_joint_angle(rec, proximal, distal)


def side_signals(rec: Recording, spec: MotionSpec, cols: JointColumns | None = None,
                 step: float | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Cleaned (gated, short gaps filled) signal and confidence for each side (`step`: rec.t's median step)."""
    values, confs = {}, {}
    step = median_step(rec.t) if step is None else step
    for side in SIDES:
        if rec.is_imu:
            if spec.imu_signal is None:
                raise ValueError(f"exercise {spec.id} has no IMU signal")
            x = _imu_side_signal(rec, spec.imu_signal, side)
            values[side], confs[side] = x, np.ones_like(x)
            continue
        x, conf = raw_signal(rec, spec.signal, side, cols)
        values[side] = clean_signal(x, conf, rec.t, spec.min_confidence, spec.max_gap_s, step)
        confs[side] = conf
    return values, confs


# An occluded limb that the tracker keeps re-guessing jumps between poses from frame to frame;
# jitter (raw minus smoothed, RMS) above ~2% of the signal's own range marks such a side (CONFIG,
# chosen on UI-PRMD m08, where Kinect flips the far arm by up to 70 degrees between frames).
JITTER_RATIO = 0.02


def jitter_weight(raw: np.ndarray, smooth: np.ndarray, span: float) -> float:
    """1 for a smooth signal, falling towards 0 as frame-to-frame jitter grows against its range."""
    resid = raw - smooth
    resid = resid[np.isfinite(resid)]
    if not len(resid) or span <= 0:
        return 1.0
    ratio = float(np.sqrt(np.mean(resid ** 2))) / span / JITTER_RATIO
    return 1.0 / (1.0 + ratio * ratio)


# Relative slack on the score bound in pick_side: float rounding moves score or bound by ~1e-12 at most.
BOUND_SLACK = 1e-6


def _rest_and_smoothness(x: np.ndarray,
                         raw: np.ndarray | None) -> tuple[np.ndarray, tuple[float, float] | None, float]:
    """A side's finite samples, their 2nd/98th percentiles (None under 3) and its score weight (<= 1)."""
    finite = x[np.isfinite(x)]
    if len(finite) < 3:
        return finite, None, 0.0
    low, high = percentiles(finite, [2, 98])
    # An exercise signal rests near its start level; a stuck, glitching joint does not.
    at_rest = float(np.mean(finite < low + 0.3 * (high - low)))
    smooth = jitter_weight(raw, x, high - low) if raw is not None else 1.0
    return finite, (low, high), at_rest * smooth


def rises(x: np.ndarray) -> float:
    """The sum of the signal's positive frame-to-frame steps (steps next to a gap are NaN: left out).

    It bounds a side's score: complete windows lie inside finite runs and their start-to-peak spans do
    not overlap, so their summed ranges are at most this, and the score weights them by at most 1.
    """
    steps = np.diff(x)
    return float(np.sum(steps[steps > 0]))


def pick_side(per_side: dict[str, np.ndarray], confs: dict[str, np.ndarray], spec: MotionSpec,
              raw: dict[str, np.ndarray] | None = None,
              found: dict[str, list[RepWindow]] | None = None) -> str:
    """The side whose signal holds the most rep-like movement (sum of complete rep ranges).

    A glitchy occluded joint can have a large raw range without clean reps, so range alone misleads:
    the score also weighs how much of the time the signal rests and how smooth it is. A side whose
    bound (`rises`, then weighted) is under a score already found cannot win and is not segmented
    (`found` then lacks it): the pick is the one scoring every side gives.
    """
    total = {side: rises(x) for side, x in per_side.items()}
    scores: dict[str, float] = {}
    for side in sorted(per_side, key=lambda s: -total[s]):  # the likely winner first
        x = per_side[side]
        if scores and max(scores.values()) > total[side] * (1 + BOUND_SLACK):
            continue
        finite, percentiles, weight = _rest_and_smoothness(x, raw[side] if raw else None)
        if scores and percentiles and max(scores.values()) > weight * total[side] * (1 + BOUND_SLACK):
            continue
        every = segment(x, spec.min_excursion, percentiles)
        if found is not None:
            found[side] = every
        windows = [w for w in every if w.complete]
        if not windows or not len(finite):
            scores[side] = 0.0
            continue
        peaks, starts = np.array([(w.peak, w.start) for w in windows], dtype=np.intp).T
        scores[side] = weight * sum((x[peaks] - x[starts]).tolist())  # summed in order, as floats
    if max(scores.values()) <= 0:
        return detect_side(per_side, confs)
    return max((s for s in per_side if s in scores), key=lambda s: scores[s])


def build_trace(rec: Recording, spec: MotionSpec, live: bool = False, cols: JointColumns | None = None) -> Trace:
    """Combine sides as the spec says and low-pass (zero-phase offline, causal when live)."""
    step = median_step(rec.t)
    values, confs = side_signals(rec, spec, joint_columns(rec, cols), step)
    smooth = causal if live else zero_phase
    rate = 1.0 / step if step else 30.0  # Recording.rate_hz, without taking the median again
    per_side = {s: smooth(v, rate) for s, v in values.items()}
    if spec.sides == "both":
        side = "both"
        # The mean of the finite sides per frame (np.nansum over the two rows, over their count).
        left, right = (per_side[s] for s in SIDES)
        count = np.isfinite(left).astype(np.intp) + np.isfinite(right)
        total = np.where(np.isnan(left), 0.0, left) + np.where(np.isnan(right), 0.0, right)
        value = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    else:
        found: dict[str, list[RepWindow]] = {}
        side = spec.sides if spec.sides in SIDES else pick_side(per_side, confs, spec, values, found)
        value = per_side[side]
    gated = float(np.mean(~np.isfinite(value))) if len(value) else 0.0
    runs = finite_runs(value)
    trace = Trace(rec.t, value, side, per_side, gated, max(0, len(runs) - 1))
    if spec.sides not in ("both", *SIDES):
        trace.windows, trace.windows_min_excursion = found[side], float(spec.min_excursion)
    return trace
