"""Measures and form judgement of one live rep: per-frame form measures kept as they arrive, so a
finished rep costs a slice of floats, never a recomputation over its frames.

The measures are those of `measures.form_features` and `signals.detect_view` (same definitions, in plain
Python on one frame at a time); a test checks that both give the same numbers.
"""

import math
from statistics import median

from openmsk.motion.measures import HOLD_FRACTION, RepResult, judge
from openmsk.motion.signals import SAGITTAL_WIDTH_RATIO
from openmsk.motion.specs import MotionSpec
from openmsk.motion.streaming import RepCounter, RepEvent, angle_deg

# MediaPipe Pose landmark indices (see live_signal.MP_POINTS); world y points down, so up = -y.
L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24
L_KNEE, R_KNEE, L_ANKLE, R_ANKLE, L_HEEL, R_HEEL, L_TOE, R_TOE = 25, 26, 27, 28, 29, 30, 31, 32
UP = (0.0, -1.0, 0.0)
NAN_ROW = (math.nan,) * 9


def _frame_row(f: list) -> tuple[float, ...]:
    """(trunk, pelvis, knee/ankle, heel-toe L, heel-toe R, shank L, shank R, width 2D, trunk 2D)."""
    ls, rs, lh, rh = f[L_SHOULDER], f[R_SHOULDER], f[L_HIP], f[R_HIP]
    lk, rk, la, ra = f[L_KNEE], f[R_KNEE], f[L_ANKLE], f[R_ANKLE]
    nx, ny, nz = (ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2, (ls[2] + rs[2]) / 2
    px, py, pz = (lh[0] + rh[0]) / 2, (lh[1] + rh[1]) / 2, (lh[2] + rh[2]) / 2
    gap = math.dist(la[:3], ra[:3])
    return (angle_deg((nx - px, ny - py, nz - pz), UP),
            abs(90.0 - angle_deg((rh[0] - lh[0], rh[1] - lh[1], rh[2] - lh[2]), UP)),
            math.dist(lk[:3], rk[:3]) / gap if gap else math.inf,
            f[L_TOE][1] - f[L_HEEL][1], f[R_TOE][1] - f[R_HEEL][1],  # (heel - toe) . up, with up = -y
            math.dist(lk[:3], la[:3]), math.dist(rk[:3], ra[:3]),
            math.hypot(ls[0] - rs[0], ls[1] - rs[1]), math.hypot(nx - px, ny - py))


def _finite(values) -> list[float]:
    return [v for v in values if v == v]


def _max_finite(values) -> float:
    kept = _finite(values)
    return max(kept) if kept else math.nan


class FormTrack:
    """Per-frame form measures of the recent frames."""

    def __init__(self, keep: int) -> None:
        self.keep, self.base = keep, 0
        self.rows: list[tuple[float, ...]] = []

    def append(self, landmarks: list | None) -> None:
        """Measure one frame (NaN when no person); trims the oldest frames in chunks."""
        self.rows.append(NAN_ROW if landmarks is None else _frame_row(landmarks))
        if len(self.rows) > 2 * self.keep:
            drop = len(self.rows) - self.keep
            del self.rows[:drop]
            self.base += drop

    def features(self, start: int, end: int) -> dict[str, float]:
        """`measures.form_features` of frames start..end (global indices) that are still kept."""
        lo = max(start, self.base)
        rows = self.rows[lo - self.base:end - self.base + 1] if end >= lo else []
        if len(rows) < 2:
            return {}
        trunk, pelvis, ratio, lift_l, lift_r, shank_l, shank_r, width, length = zip(*rows, strict=True)
        feats = {"trunk_lean_deg": _max_finite(trunk),
                 "trunk_change_deg": _max_finite(abs(v - trunk[0]) for v in trunk),
                 "hip_hike_deg": _max_finite(abs(v - pelvis[0]) for v in pelvis),
                 "heel_lift": self._heel_lift(lift_l, lift_r, shank_l, shank_r)}
        feats["knee_ankle_ratio"] = (min(_finite(ratio), default=math.nan)
                                     if _view(width, length) != "sagittal" else math.nan)
        return feats

    @staticmethod
    def _heel_lift(lift_l, lift_r, shank_l, shank_r) -> float:
        sl, sr = _finite(shank_l), _finite(shank_r)
        sl, sr = (median(sl) if sl else math.nan), (median(sr) if sr else math.nan)
        if not (sl and sr) or sl != sl or sr != sr:
            return math.nan
        height = [(a / sl + b / sr) / 2 for a, b in zip(lift_l, lift_r, strict=True)]
        return _max_finite(h - height[0] for h in height)


def _view(width, length) -> str:
    """`signals.detect_view` from per-frame apparent shoulder width and trunk length."""
    w, t = _finite(width), _finite(length)
    if not w or not t:
        return "unknown"
    w, t = median(w), median(t)
    if not math.isfinite(w) or not math.isfinite(t) or t == 0:
        return "unknown"
    return "sagittal" if w / t < SAGITTAL_WIDTH_RATIO else "frontal"


def _tempo(t: list[float], x: list[float], start: int, peak: int, end: int) -> tuple[float, float, float]:
    """`measures.tempo` on lists: down, hold and up durations (seconds)."""
    level = x[peak] - HOLD_FRACTION * abs(x[peak] - x[start])
    near = [i for i in range(start, end + 1) if x[i] >= level]
    hold_a, hold_b = (near[0], near[-1]) if near else (peak, peak)
    return t[hold_a] - t[start], t[hold_b] - t[hold_a], t[end] - t[hold_b]


def rep_measures(spec: MotionSpec, counter: RepCounter, event: RepEvent, form: FormTrack, side: str) -> dict:
    """The rep's JSON detail: times, range, peak, tempo, quality, correct, errors and cues."""
    t, x = counter.times, counter.values
    s, p, e = event.start_index, event.peak_index, max(event.end_index, event.peak_index)
    down, hold, up = _tempo(t, x, s, p, e)
    end_value = x[e] if math.isfinite(x[e]) else x[p]
    rep = RepResult(start_s=t[s], end_s=t[e], peak_s=t[p], start_value=x[s], peak_value=x[p],
                    end_value=end_value, rom=x[p] - x[s], down_s=down, hold_s=hold, up_s=up,
                    complete=event.kind == "rep_completed",
                    partial_reason="" if event.kind == "rep_completed" else "no_return", side=side)
    rep.features = form.features(s, e)
    judge(rep, spec, spec.target_range, spec.start_range[1])
    detail = {"start_s": rep.start_s, "end_s": rep.end_s, "rom_deg": rep.rom, "peak_deg": rep.peak_value,
              "down_s": down, "hold_s": hold, "up_s": up, "quality": rep.quality,
              "correct": rep.correct, "complete": rep.complete, "side": side}
    out = {k: round(v, 3) if isinstance(v, float) else v for k, v in detail.items()}
    out["errors"], out["cues"] = list(rep.errors), list(rep.cues)
    return out
