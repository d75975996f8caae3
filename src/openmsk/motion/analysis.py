"""Analysis entry point: recording + exercise id -> reps, measures, form errors and warnings."""

import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from openmsk.motion.measures import (RepResult, heel_height, judge, knee_ankle_ratio, pelvic_obliquity, tempo,
                                     trunk_angles)
from openmsk.motion.recording import Recording
from openmsk.motion.segmentation import RepWindow, segment
from openmsk.motion.signals import SIDES, detect_view
from openmsk.motion.specs import MotionSpec, load_specs
from openmsk.motion.trace import Trace, build_trace


class UnknownExerciseError(KeyError):
    """The exercise id has no motion spec."""


@dataclass
class AnalysisResult:
    """Everything one analysis found in a recording."""

    exercise: str
    frames: int
    duration_s: float
    side: str
    view: str
    reps: list[RepResult] = field(default_factory=list)
    partial_reps: list[RepResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The CLI's JSON document."""
        return {
            "exercise": self.exercise, "frames": self.frames, "duration_s": round(self.duration_s, 3),
            "side": self.side, "view": self.view, "reps": len(self.reps), "partial_reps": len(self.partial_reps),
            "rep_details": [_rep_json(r) for r in self.reps + self.partial_reps],
            "warnings": self.warnings,
        }


def _rep_json(rep: RepResult) -> dict:
    keep = ("start_s", "end_s", "peak_value", "down_s", "hold_s", "up_s", "complete", "symmetry",
            "quality", "correct", "errors", "cues")
    out = {k: v for k, v in asdict(rep).items() if k in keep}
    out["rom_deg"] = rep.rom
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def spec_targets(spec: MotionSpec, rec: Recording) -> tuple[tuple[float, float], float]:
    """Target range and minimum excursion for this recording's kind (skeleton or IMU)."""
    if rec.is_imu and spec.imu_target_range:
        return spec.imu_target_range, float(spec.imu_min_excursion or spec.min_excursion)
    return spec.target_range, spec.min_excursion


def window_features(rec: Recording, view: str, windows: list[RepWindow]) -> list[dict[str, float]]:
    """`measures.form_features` of every window at once: each per-frame measure is computed once for
    the whole recording and reduced over all windows together (no per-rep pass over the frames)."""
    if rec.is_imu or not windows:
        return [{} for _ in windows]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN on purpose
        series = {"trunk": trunk_angles(rec), "pelvis": pelvic_obliquity(rec), "heel": heel_height(rec)}
        if view != "sagittal":
            series["ratio"] = knee_ankle_ratio(rec)
    # Pairs (start, end + 1) for reduceat; one padding sample keeps end + 1 a valid index.
    bounds = _bounds(windows)
    starts = bounds[::2]
    stats = {}
    for name, x in series.items():
        x = np.append(np.where(np.isfinite(x), x, np.nan), np.nan)
        hi, lo = np.fmax.reduceat(x, bounds)[::2], np.fmin.reduceat(x, bounds)[::2]
        stats[name] = (hi, lo, x[starts])
    trunk_hi, trunk_lo, trunk_0 = stats["trunk"]
    pelvis_hi, pelvis_lo, pelvis_0 = stats["pelvis"]
    with np.errstate(invalid="ignore"):
        columns = {
            "trunk_lean_deg": trunk_hi,
            "trunk_change_deg": np.fmax(trunk_hi - trunk_0, trunk_0 - trunk_lo),
            "hip_hike_deg": np.fmax(pelvis_hi - pelvis_0, pelvis_0 - pelvis_lo),
            "heel_lift": stats["heel"][0] - stats["heel"][2],
            "knee_ankle_ratio": stats["ratio"][1] if "ratio" in stats else np.full(len(windows), np.nan),
        }
    return [{k: float(v[i]) for k, v in columns.items()} for i in range(len(windows))]


def _bounds(windows: list[RepWindow]) -> np.ndarray:
    return np.array([(w.start, w.end + 1) for w in windows], dtype=np.intp).ravel()


def side_peaks(trace: Trace, windows: list[RepWindow]) -> list[list[float]]:
    """Each window's peak on each side (NaN-ignoring maximum), for every window at once."""
    if trace.side != "both" or not windows:
        return [[] for _ in windows]
    bounds = _bounds(windows)
    per = [np.fmax.reduceat(np.append(trace.per_side[s], np.nan), bounds)[::2] for s in SIDES]
    return [[float(p[i]) for p in per] for i in range(len(windows))]


def rep_result(rec: Recording, trace: Trace, w: RepWindow, spec: MotionSpec, view: str,
               features: dict[str, float] | None = None, peaks: list[float] | None = None) -> RepResult:
    """Measures and judgement of one segmented window (features and side peaks given, or computed)."""
    t, x = trace.t, trace.value
    down, hold, up = tempo(t, x, w.start, w.peak, w.end)
    rep = RepResult(
        start_s=float(t[w.start]), end_s=float(t[w.end]), peak_s=float(t[w.peak]),
        start_value=float(x[w.start]), peak_value=float(x[w.peak]),
        end_value=float(x[w.end]) if np.isfinite(x[w.end]) else float(x[w.peak]),
        rom=float(x[w.peak] - x[w.start]), down_s=down, hold_s=hold, up_s=up,
        complete=w.complete, partial_reason=w.reason, side=trace.side,
    )
    rep.features = dict(features) if features is not None else window_features(rec, view, [w])[0]
    if trace.side == "both":
        peaks = peaks or side_peaks(trace, [w])[0]
        roms = [p - trace.per_side[s][w.start] for p, s in zip(peaks, SIDES, strict=True)]
        rep.features["side_gap"] = float(abs(peaks[0] - peaks[1]))
        if max(roms) > 0 and np.isfinite(roms).all():
            rep.symmetry = round(float(max(0.0, min(roms)) / max(roms)), 3)
    target, _ = spec_targets(spec, rec)
    judge(rep, spec, target, spec.start_range[1])
    return rep


def analyze(recording: Recording, exercise_id: str, spec: MotionSpec | None = None) -> AnalysisResult:
    """Segment reps for one exercise and measure and judge each."""
    if spec is None:
        specs = load_specs()
        if exercise_id not in specs:
            raise UnknownExerciseError(exercise_id)
        spec = specs[exercise_id]
    view = detect_view(recording)
    trace = build_trace(recording, spec)
    _, min_exc = spec_targets(spec, recording)
    reuse = trace.windows is not None and trace.windows_min_excursion == float(min_exc)
    windows = trace.windows if reuse else segment(trace.value, min_exc)
    result = AnalysisResult(exercise_id, recording.frames, recording.duration_s, trace.side, view)
    batch = zip(windows, window_features(recording, view, windows), side_peaks(trace, windows), strict=True)
    for w, features, peaks in batch:
        rep = rep_result(recording, trace, w, spec, view, features, peaks)
        (result.reps if w.complete else result.partial_reps).append(rep)
    result.warnings = _warnings(trace, result, view, spec)
    return result


def _warnings(trace: Trace, result: AnalysisResult, view: str, spec: MotionSpec) -> list[str]:
    out = []
    if trace.gated_share > 0.2:
        out.append(f"low_visibility: {trace.gated_share:.0%} of frames had no usable signal")
    if trace.long_gaps:
        out.append(f"tracking_lost: {trace.long_gaps} long gap(s) split the recording")
    if view == "sagittal" and spec.check("knee_valgus"):
        out.append("side_view: knee_valgus cannot be assessed from the side")
    if not result.reps:
        out.append("no_reps: no complete repetition was found")
    return out
