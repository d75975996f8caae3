"""Analysis entry point: recording + exercise id -> reps, measures, form errors and warnings."""

from dataclasses import asdict, dataclass, field

import numpy as np

from openmsk.motion.measures import RepResult, form_features, judge, tempo
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


def rep_result(rec: Recording, trace: Trace, w: RepWindow, spec: MotionSpec, view: str) -> RepResult:
    """Measures and judgement of one segmented window."""
    t, x = trace.t, trace.value
    down, hold, up = tempo(t, x, w.start, w.peak, w.end)
    rep = RepResult(
        start_s=float(t[w.start]), end_s=float(t[w.end]), peak_s=float(t[w.peak]),
        start_value=float(x[w.start]), peak_value=float(x[w.peak]),
        end_value=float(x[w.end]) if np.isfinite(x[w.end]) else float(x[w.peak]),
        rom=float(x[w.peak] - x[w.start]), down_s=down, hold_s=hold, up_s=up,
        complete=w.complete, partial_reason=w.reason, side=trace.side,
    )
    rep.features = form_features(rec, view, w.start, w.end)
    if trace.side == "both":
        peaks = [np.nanmax(trace.per_side[s][w.start:w.end + 1]) for s in SIDES]
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
    windows = segment(trace.value, min_exc)
    result = AnalysisResult(exercise_id, recording.frames, recording.duration_s, trace.side, view)
    for w in windows:
        rep = rep_result(recording, trace, w, spec, view)
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
