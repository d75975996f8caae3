"""Round-two speed paths give exactly the results of the definitions they replace (written out here):
segmentation over excursion columns, finite runs, same-length runs filtered together, and recordings
stored per joint column."""

import math

import numpy as np
import pytest

from openmsk.motion import filters, segmentation
from openmsk.motion.analysis import analyze
from openmsk.motion.recording import JointColumns, Recording, columnar, concatenate
from openmsk.motion.segmentation import (HELD_SHARE, REBOUND_FRACTION, REBOUND_REST_SHARE, REST_TOLERANCE,
                                         RETURN_SHARE, RepWindow, _Excursion, _joined, _turning_points,
                                         robust_baseline_amplitude, segment)
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.synthetic import squat_frames


def _reference_excursions(x, baseline, height):
    out = []
    for a, b in filters.finite_runs(x):
        seg = x[a:b]
        left_open = bool(seg[0] >= baseline + height)
        points = _turning_points(seg, height, rising=left_open)
        values = seg[points].tolist()
        for k in range(0 if left_open else 1, len(points), 2):
            p = points[k]
            right_open = k == len(points) - 1
            right = p + int(np.argmin(seg[p:])) if right_open else points[k + 1]
            first_open = left_open and k == 0
            left = 0 if first_open else points[k - 1]
            rise = values[k] - (baseline if first_open else values[k - 1])
            fall = values[k] - (float(seg[right]) if right_open else values[k + 1])
            out.append(_Excursion(a + left, a + p, a + right, rise, fall, first_open, right_open, b - 1,
                                  b == len(x)))
    return out


def _reference_merge(x, found):
    out = []
    for e in found:
        prev = out[-1] if out else None
        if prev is None or prev.right != e.left or e.left_open:
            out.append(e)
            continue
        dip, prev_rest = x[e.left], x[prev.peak] - prev.rise
        held = dip - prev_rest > HELD_SHARE * prev.rise and dip - x[e.right] > HELD_SHARE * e.fall
        rebound = False
        if e.height < REBOUND_FRACTION * prev.height:
            rest = np.count_nonzero(x[prev.peak:e.peak + 1] <= dip + REST_TOLERANCE * prev.height)
            rebound = rest < REBOUND_REST_SHARE * (prev.peak - prev.start(x) + 1)
        out[-1:] = [_joined(x, prev, e)] if held or rebound else [prev, e]
    return out


def _reference_segment(x, min_excursion):
    baseline, amplitude = robust_baseline_amplitude(x)
    if amplitude < min_excursion:
        return []
    first = _reference_excursions(x, baseline, max(0.25 * amplitude, min_excursion))
    typical = float(np.median([e.height for e in first])) if first else amplitude
    reps = _reference_merge(x, _reference_excursions(x, baseline, max(0.25 * typical, min_excursion)))
    count = max(0.3 * typical, min_excursion)
    out = []
    for e in reps:
        start = e.start(x)
        after = x[e.peak:e.right + 1] <= x[e.right] + REST_TOLERANCE * e.fall
        end = e.peak + int(np.flatnonzero(after)[0]) if after.any() else len(x)
        while end + 1 < len(x) and np.isfinite(x[end + 1]) and x[end + 1] < x[end]:
            end += 1  # moved on while the signal still falls
        if e.right_open and e.fall < RETURN_SHARE * e.rise:
            out.append(RepWindow(start, e.peak, e.run_end, False, "no_return" if e.stream_end else "gap"))
        else:
            out.append(RepWindow(start, e.peak, end, e.height >= count, "" if e.height >= count else "shallow"))
    return out


def _wandering_signal(rng, n):
    """Reps of random depth, rebounds, held dips, drift and gaps: every merge and window case."""
    t = np.arange(n)
    x = 40 * np.sin(t / rng.uniform(8, 30)) ** 2 + np.cumsum(rng.normal(0, 1.5, n))
    x += rng.uniform(0, 25) * np.sin(t / rng.uniform(2, 6)) ** 2  # bounces on top of the reps
    x[rng.random(n) < rng.uniform(0, 0.02)] = np.nan
    if rng.random() < 0.3:
        x[: int(rng.integers(1, 10))] += 80  # starts mid-rep
    return x


def test_segmenting_over_excursion_columns_equals_the_one_at_a_time_rules():
    rng = np.random.default_rng(7)
    joined = 0
    for _ in range(400):
        x = _wandering_signal(rng, int(rng.integers(5, 900)))
        min_excursion = float(rng.uniform(2, 30))
        got, expected = segment(x, min_excursion), _reference_segment(x, min_excursion)
        assert got == expected and all(type(v) is type(w) for g, e in zip(got, expected) for v, w in zip(g, e))
        baseline, amplitude = robust_baseline_amplitude(x)
        found = _reference_excursions(x, baseline, max(0.25 * amplitude, min_excursion))
        joined += len(_reference_merge(x, found)) < len(found)
    assert joined > 20  # the joining fallback was exercised, not only the all-at-once path


def test_candidate_heights_equal_those_of_the_excursions_found_one_at_a_time():
    rng = np.random.default_rng(3)
    for trial in range(300):
        x = np.cumsum(rng.normal(0, 3, int(rng.integers(5, 600)))) + 30 * math.sin(trial)
        x[rng.random(len(x)) < 0.02] = np.nan
        base, height = float(np.nanpercentile(x, 2)), float(rng.uniform(1, 20))
        expected = [e.height for e in _reference_excursions(x, base, height)]
        assert segmentation._excursions(x, base, height).height.tolist() == expected


def test_finite_runs_are_the_runs_of_finite_samples():
    rng = np.random.default_rng(5)
    for _ in range(500):
        x = rng.normal(size=int(rng.integers(0, 40)))
        x[rng.random(len(x)) < rng.uniform(0, 1)] = rng.choice([np.nan, np.inf, -np.inf])
        ok = np.isfinite(x).astype(np.int8)
        edges = np.diff(np.concatenate([[0], ok, [0]]))
        expected = list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))
        assert filters.finite_runs(x) == expected


@pytest.mark.parametrize("length", [12, 60, 250])  # whole-run solve, and bounded by the impulse response
def test_runs_of_one_length_filtered_together_equal_each_run_filtered_alone(length):
    rng = np.random.default_rng(length)
    gap = np.full(3, np.nan)
    runs = [np.cumsum(rng.normal(0, 2, length)) for _ in range(5)] + [rng.normal(0, 2, length + 7)]
    x = np.concatenate([np.concatenate([r, gap]) for r in runs])
    expected = np.full_like(x, np.nan)
    irlen = filters._impulse_length(30.0, 4.0)
    for a, b in filters.finite_runs(x):
        expected[a:b] = filters._gust(30.0, 4.0, x[a:b], irlen if b - a > 2 * irlen else None)
    got = filters.zero_phase(x, 30.0)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    # One matrix product for all rows, or one per run: the same to rounding.
    assert np.nanmax(np.abs(got - expected)) < 1e-12 * np.nanmax(np.abs(x))


def _squat_recording() -> Recording:
    """Noisy synthetic squats with a frame where nobody is in view."""
    rng = np.random.default_rng(11)
    frames = [f["landmarks"] for f in squat_frames([100, 45, 90, 20, 95], lean_deg=35)]
    points = np.array([[p[:3] for p in f] for f in frames]) + rng.normal(0, 0.01, (len(frames), 33, 3))
    points[70] = np.nan
    pos, conf = landmarks_to_common(points, np.full(points.shape[:2], 0.99))
    return Recording(t=np.arange(len(frames)) / 30.0, positions=pos, confidence=conf, coordinates="world",
                     up=(0.0, -1.0, 0.0))


def test_columnar_recordings_hold_the_same_values_and_joint_columns_are_views():
    rec = _squat_recording()
    col = columnar(rec)
    assert col.positions.shape == rec.positions.shape and np.array_equal(col.positions, rec.positions, equal_nan=True)
    assert np.array_equal(col.confidence, rec.confidence)
    knee = JointColumns(col)("left_knee")
    assert all(np.shares_memory(c, col.positions) for c in knee)
    joined = concatenate([rec, rec])
    assert np.array_equal(joined.positions, np.concatenate([rec.positions] * 2), equal_nan=True)
    assert np.array_equal(joined.confidence, np.concatenate([rec.confidence] * 2))


def test_analysing_a_columnar_recording_gives_the_same_result_and_leaves_it_unchanged():
    rec = _squat_recording()
    col = columnar(rec)
    before = col.positions.copy()
    assert repr(analyze(col, "squat")) == repr(analyze(rec, "squat"))
    assert np.array_equal(col.positions, before, equal_nan=True)
