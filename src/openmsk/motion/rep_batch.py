"""Per-rep measures and judgement of every window of a recording at once, as arrays over the rep index.

The same definitions as `measures.tempo`, `measures.form_features` and `measures.judge` (which the
live counter uses one rep at a time), computed with whole-array operations; the `RepResult` objects
are built once at the end. A test checks both give the same numbers.
"""

import warnings

import numpy as np

from openmsk.motion.form_measures import RepSamples, sampled_features
from openmsk.motion.form_model import FormModel, form_models
from openmsk.motion.frame_spans import spans
from openmsk.motion.measures import (ERROR_PENALTY, HOLD_FRACTION, RepResult, heel_height, knee_ankle_ratio,
                                     pelvic_obliquity, trunk_angles)
from openmsk.motion.recording import JointColumns, Recording, joint_columns
from openmsk.motion.segmentation import RepWindow
from openmsk.motion.signals import SIDES
from openmsk.motion.specs import FormCheck, MotionSpec
from openmsk.motion.trace import Trace

def bounds(windows: list[RepWindow]) -> np.ndarray:
    """Pairs (start, end + 1) of every window, flattened for `ufunc.reduceat`."""
    return np.array([(w.start, w.end + 1) for w in windows], dtype=np.intp).ravel()


def feature_columns(rec: Recording, view: str, pairs: np.ndarray,
                    cols: JointColumns | None = None) -> dict[str, np.ndarray]:
    """`measures.form_features` of every window: each per-frame measure computed once, reduced per window."""
    # A new form feature is one more per-window array here (and its rule in `check_hits`).
    n = len(pairs) // 2
    if rec.is_imu or not n:
        return {}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN on purpose
        cols = joint_columns(rec, cols)
        series = {"trunk": trunk_angles(rec, cols), "pelvis": pelvic_obliquity(rec, cols),
                  "heel": heel_height(rec, cols)}
        if view != "sagittal":
            series["ratio"] = knee_ankle_ratio(rec, cols)
    starts = pairs[::2]
    stats = {}
    for name, x in series.items():
        # One padding sample keeps end + 1 a valid index for reduceat.
        x = np.append(np.where(np.isfinite(x), x, np.nan), np.nan)
        hi, lo = np.fmax.reduceat(x, pairs)[::2], np.fmin.reduceat(x, pairs)[::2]
        stats[name] = (hi, lo, x[starts])
    trunk_hi, trunk_lo, trunk_0 = stats["trunk"]
    pelvis_hi, pelvis_lo, pelvis_0 = stats["pelvis"]
    with np.errstate(invalid="ignore"):
        return {
            "trunk_lean_deg": trunk_hi,
            "trunk_change_deg": np.fmax(trunk_hi - trunk_0, trunk_0 - trunk_lo),
            "hip_hike_deg": np.fmax(pelvis_hi - pelvis_0, pelvis_0 - pelvis_lo),
            "heel_lift": stats["heel"][0] - stats["heel"][2],
            "knee_ankle_ratio": stats["ratio"][1] if "ratio" in stats else np.full(n, np.nan),
        }


def peak_columns(trace: Trace, pairs: np.ndarray) -> list[np.ndarray]:
    """Each window's NaN-ignoring peak on each side (empty unless the trace combines both sides)."""
    if trace.side != "both" or not len(pairs):
        return []
    return [np.fmax.reduceat(np.append(trace.per_side[s], np.nan), pairs)[::2] for s in SIDES]


def tempo_columns(t: np.ndarray, x: np.ndarray, start: np.ndarray, peak: np.ndarray,
                  end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`measures.tempo` (down, hold, up seconds) of every window over one gathered frame index."""
    level = x[peak] - HOLD_FRACTION * np.abs(x[peak] - x[start])
    frames, begins = spans(start, end)
    with np.errstate(invalid="ignore"):
        near = x[frames] >= np.repeat(level, end - start + 1)
    first = np.minimum.reduceat(np.where(near, frames, len(x)), begins)
    last = np.maximum.reduceat(np.where(near, frames, -1), begins)
    none = last < 0
    hold_a, hold_b = np.where(none, peak, first), np.where(none, peak, last)
    return t[hold_a] - t[start], t[hold_b] - t[hold_a], t[end] - t[hold_b]


def check_hits(spec: MotionSpec, target: tuple[float, float], c: dict[str, np.ndarray],
               features: dict[str, np.ndarray]) -> list[tuple[FormCheck, list[bool]]]:
    """Each of the spec's checks with whether it fired on every rep (`measures.judge`'s rules)."""
    n = len(c["rom"])
    measure = c["rom"] if spec.target_measure == "excursion" else c["peak_value"]
    missing = np.full(n, np.nan)

    def above(name: str, limit: float) -> np.ndarray:
        return features.get(name, missing) > limit

    rules = {
        "insufficient_depth": lambda p: measure < target[0],
        "incomplete_return": lambda p: (~c["complete"] & c["no_return"])
        | (c["end_value"] - c["start_value"] > 0.5 * c["rom"]),
        "trunk_lean": lambda p: above("trunk_lean_deg", p.get("max_deg", np.inf)),
        "compensation": lambda p: above("trunk_change_deg", p.get("max_deg", np.inf)),
        "hip_hike": lambda p: above("hip_hike_deg", p.get("max_deg", np.inf)),
        "heel_lift": lambda p: above("heel_lift", p.get("max_height", np.inf)),
        "knee_valgus": lambda p: features.get("knee_ankle_ratio", missing) < p.get("min_ratio", -np.inf),
        "asymmetry": lambda p: above("side_gap", p.get("max_deg", np.inf)),
        "too_fast": lambda p: c["end_s"] - c["start_s"] < spec.min_rep_s,
    }
    out = []
    with np.errstate(invalid="ignore"):
        for check in spec.checks:
            rule = rules.get(check.code)
            out.append((check, rule(check.params).tolist() if rule else [False] * n))
    return out


def depth_share(spec: MotionSpec, target: tuple[float, float], start_high: float,
                c: dict[str, np.ndarray]) -> np.ndarray:
    """`measures.judge`'s depth: the measure's share of the way from the start level to the target."""
    if spec.target_measure == "excursion":
        measure, base = c["rom"], np.zeros(len(c["rom"]))
    else:  # min(start_high, start_value) as Python's min picks it
        measure, base = c["peak_value"], np.where(c["start_value"] < start_high, c["start_value"], start_high)
    span = target[0] - base
    with np.errstate(all="ignore"):
        return np.where(span > 0, np.clip((measure - base) / span, 0.0, 1.0), 1.0)


def _fired(hits: list[tuple[FormCheck, list[bool]]], reps: int) -> list[list[FormCheck]]:
    """Per rep, the checks that fired on it, in the spec's order."""
    found: list[list[FormCheck]] = [[] for _ in range(reps)]
    if hits:
        checks = [check for check, _ in hits]
        reps_hit, fired = np.nonzero(np.array([hit for _, hit in hits], dtype=bool).T)  # rep-major
        for rep, k in zip(reps_hit.tolist(), fired.tolist(), strict=True):
            found[rep].append(checks[k])
    return found


# RepResult's leading positional fields, in order.
_SCALARS = ("start_s", "end_s", "peak_s", "start_value", "peak_value", "end_value", "rom", "down_s", "hold_s",
            "up_s")


def _symmetry(roms: list[np.ndarray]) -> list[float | None]:
    """Smaller over larger side range per rep (None unless both are finite and the larger is positive)."""
    # min and max picked as Python's min and max pick them, so the result is that of `measures`' code.
    r0, r1 = roms
    lo, hi = np.where(r1 < r0, r1, r0), np.where(r1 > r0, r1, r0)
    ok = (hi > 0) & np.isfinite(r0) & np.isfinite(r1)
    with np.errstate(all="ignore"):
        share = round3(np.where(ok, np.where(lo > 0.0, lo, 0.0) / hi, 0.0))
    return [v if good else None for v, good in zip(share, ok.tolist(), strict=True)]


def round3(values: np.ndarray) -> list[float]:
    """Python's `round(v, 3)` of every value, as Python floats."""
    # Python rounds the exact binary value to 3 decimals and returns the double nearest to that
    # decimal; rint(v * 1000) / 1000 is the same number unless v * 1000, itself rounded, lands within
    # a hair of a half: those (and huge or non-finite values) are left to Python's round.
    scaled = values * 1000.0
    out = (np.rint(scaled) / 1000.0).tolist()
    with np.errstate(invalid="ignore"):
        unsure = ~(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) | ~(np.abs(values) < 1e6)
    for i in np.flatnonzero(unsure).tolist():
        out[i] = round(float(values[i]), 3)
    return out


def rep_results(rec: Recording, trace: Trace, windows: list[RepWindow], spec: MotionSpec, view: str,
                target: tuple[float, float], cols: JointColumns | None = None) -> list[RepResult]:
    """Measures and judgement of every window, in window order."""
    if not windows:
        return []
    t, x = trace.t, trace.value
    start, peak, end = np.array([(w.start, w.peak, w.end) for w in windows], dtype=np.intp).T
    end_value = np.where(np.isfinite(x[end]), x[end], x[peak])
    c = {"start_s": t[start], "end_s": t[end], "peak_s": t[peak], "start_value": x[start],
         "peak_value": x[peak], "end_value": end_value, "rom": x[peak] - x[start],
         **dict(zip(("complete", "no_return"),
                    np.array([(w.complete, w.reason == "no_return") for w in windows], dtype=bool).T))}
    c["down_s"], c["hold_s"], c["up_s"] = tempo_columns(t, x, start, peak, end)
    pairs = np.column_stack((start, end + 1)).ravel()  # `bounds(windows)`
    model = form_model_for(rec, spec)
    if model is None:
        features = feature_columns(rec, view, pairs, cols)
    else:  # the model was fitted on these measures read at its samples; the checks read them too
        samples = RepSamples(rec.positions, rec.joint_names, rec.up, start, end)
        features = sampled_features(samples, view)
    symmetry = [None] * len(windows)
    peaks = peak_columns(trace, pairs)
    if peaks:
        features["side_gap"] = np.abs(peaks[0] - peaks[1])
        symmetry = _symmetry([p - trace.per_side[s][start] for p, s in zip(peaks, SIDES, strict=True)])
    found = _fired(check_hits(spec, target, c, features), len(windows))
    if model is None:
        faulty = [bool(hit) for hit in found]
    else:
        # A fitted model judges correctness; its finding is reported as an error only when no check
        # already names what is wrong.
        faulty = model.incorrect({"peak_value": c["peak_value"], "rom": c["rom"], **features}, samples,
                                 trace.side).tolist()
        found = [hit or [PATTERN_CHECK] if wrong else hit for hit, wrong in zip(found, faulty, strict=True)]
    quality = depth_share(spec, target, spec.start_range[1], c) - ERROR_PENALTY * np.array([len(h) for h in found])
    quality = round3(np.where(quality > 0.0, quality, 0.0))  # max(0.0, q) as Python's max picks it
    keys = list(features)
    rows = zip(*(v.tolist() for v in features.values())) if keys else [()] * len(windows)
    scalars = zip(*(c[k].tolist() for k in _SCALARS))
    side = trace.side
    # Positional, in RepResult's field order (complete, partial_reason, side, symmetry, features, errors,
    # cues, quality, correct): keywords cost a third more per rep.
    return [RepResult(*values, w.complete, w.reason, side, sym, dict(zip(keys, row)), [check.code for check in hit],
                      [check.cue for check in hit], q, w.complete and not wrong)
            for w, values, row, sym, hit, q, wrong in zip(windows, scalars, rows, symmetry, found, quality, faulty,
                                                          strict=True)]


# The error a fitted form model reports when it reads a rep as incorrect and no check names why.
PATTERN_CHECK = FormCheck("form_pattern", "This rep moved differently from the reference pattern; "
                          "your physical therapist can review it with you", {})


def form_model_for(rec: Recording, spec: MotionSpec) -> FormModel | None:
    """The exercise's fitted form model (`form_model`) when it may judge this recording."""
    model = form_models().get(spec.id)
    return model if model is not None and model.applies_to(rec.source, rec.positions, rec.joint_names) else None
