"""Analysis entry point: recording + exercise id -> reps, measures, form errors and warnings."""

from dataclasses import asdict, dataclass, field

from openmsk.motion.measures import RepResult
from openmsk.motion.recording import JointColumns, Recording
from openmsk.motion.rep_batch import bounds, feature_columns, peak_columns, rep_results
from openmsk.motion.segmentation import RepWindow, segment
from openmsk.motion.signals import detect_view
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
    """`measures.form_features` of every window, computed for all windows at once."""
    columns = feature_columns(rec, view, bounds(windows))
    return [{k: float(v[i]) for k, v in columns.items()} for i in range(len(windows))]


def side_peaks(trace: Trace, windows: list[RepWindow]) -> list[list[float]]:
    """Each window's peak on each side (NaN-ignoring maximum), for every window at once."""
    peaks = peak_columns(trace, bounds(windows))
    return [[float(p[i]) for p in peaks] for i in range(len(windows))]


def rep_result(rec: Recording, trace: Trace, w: RepWindow, spec: MotionSpec, view: str) -> RepResult:
    """Measures and judgement of one segmented window."""
    return rep_results(rec, trace, [w], spec, view, spec_targets(spec, rec)[0])[0]


def analyze(recording: Recording, exercise_id: str, spec: MotionSpec | None = None) -> AnalysisResult:
    """Segment reps for one exercise and measure and judge each."""
    if spec is None:
        specs = load_specs()
        if exercise_id not in specs:
            raise UnknownExerciseError(exercise_id)
        spec = specs[exercise_id]
    cols = JointColumns(recording)  # joints copied out once, shared by the view, signal and form measures
    view = detect_view(recording, cols)
    trace = build_trace(recording, spec, cols=cols)
    target, min_exc = spec_targets(spec, recording)
    reuse = trace.windows is not None and trace.windows_min_excursion == float(min_exc)
    windows = trace.windows if reuse else segment(trace.value, min_exc)
    result = AnalysisResult(exercise_id, recording.frames, recording.duration_s, trace.side, view)
    for rep in rep_results(recording, trace, windows, spec, view, target, cols):
        (result.reps if rep.complete else result.partial_reps).append(rep)
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
