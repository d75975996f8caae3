"""The batched offline paths (per-coordinate geometry, all reps judged at once, vectorised gap filling,
running median and percentiles) give exactly the numbers of the straightforward definitions they
replace, which are written out here as the reference; the direct Gustafsson filter gives SciPy's to
rounding."""

import math
import random
import warnings

import numpy as np
import pytest
from scipy.ndimage import median_filter
from scipy.signal import filtfilt

from openmsk.motion import filters
from openmsk.motion.geometry import angle_between, column_angle, column_norm, columns, nanmedian, percentiles
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.measures import (RepResult, form_features, heel_height, judge, knee_ankle_ratio,
                                     pelvic_obliquity, tempo, trunk_angles)
from openmsk.motion.recording import Recording
from openmsk.motion.rep_batch import rep_results, round3
from openmsk.motion.segmentation import RepWindow, segment
from openmsk.motion.signals import SIDES, despike
from openmsk.motion.specs import FormCheck, load_specs
from openmsk.motion.synthetic import squat_frames
from openmsk.motion.trace import Trace

RATE = 30.0


def _noisy_vectors(rng: np.random.Generator, n: int = 2000, dims: int = 3) -> np.ndarray:
    v = rng.normal(size=(n, dims)) * rng.uniform(0.001, 100, size=(n, 1))
    v[rng.random(n) < 0.05] = np.nan
    v[:3] = 0.0  # zero-length vectors: NaN angles either way
    return v


@pytest.mark.parametrize("dims", [2, 3])
def test_column_geometry_is_bit_identical_to_row_reductions(dims):
    rng = np.random.default_rng(dims)
    u, v = _noisy_vectors(rng, dims=dims), _noisy_vectors(rng, dims=dims)
    assert np.array_equal(column_norm(columns(u)), np.linalg.norm(u, axis=1), equal_nan=True)
    assert np.array_equal(column_angle(columns(u), columns(v)), angle_between(u, v), equal_nan=True)
    up = [0.0, -1.0, 0.0][:dims]
    assert np.array_equal(column_angle(columns(u), up), angle_between(u, np.asarray(up)), equal_nan=True)


def test_nanmedian_equals_numpys_on_odd_even_tied_and_empty_inputs():
    rng = np.random.default_rng(2)
    for trial in range(2000):
        n = int(rng.integers(0, 40))
        x = rng.normal(size=n) if trial % 2 else rng.integers(-3, 3, n).astype(float)
        x[rng.random(n) < 0.2] = np.nan
        expected = np.nanmedian(x) if (~np.isnan(x)).any() else np.nan
        assert repr(nanmedian(x)) == repr(float(expected))


def test_round3_equals_pythons_round_even_on_decimal_ties():
    rng = np.random.default_rng(6)
    values = np.concatenate([rng.uniform(-1, 2, 20000), rng.integers(0, 4001, 4001) / 4000.0,
                             [0.0005, 0.0015, 2.675, 0.1235, -0.0004, 1e7 + 0.0005, np.nan, np.inf, -0.0]])
    assert [repr(v) for v in round3(values)] == [repr(round(float(v), 3)) for v in values]


def _recording(seed: int, up=(0.0, -1.0, 0.0)) -> Recording:
    """Noisy synthetic squats (every form measure varies), with a frame where nobody is in view."""
    rng = random.Random(seed)
    frames = [f["landmarks"] for f in squat_frames([100, 45, 90, 20, 95], lean_deg=35)]
    points = np.array([[[x + rng.gauss(0, 0.01), y + rng.gauss(0, 0.01), z + rng.gauss(0, 0.01)]
                        for x, y, z, _ in f] for f in frames])
    points[70] = np.nan
    pos, conf = landmarks_to_common(points, np.full(points.shape[:2], 0.99))
    if up != (0.0, -1.0, 0.0):  # the same scene in coordinates whose up is +z
        pos = np.stack([pos[..., 0], pos[..., 2], -pos[..., 1]], axis=-1)
    return Recording(t=np.arange(len(frames)) / RATE, positions=pos, confidence=conf, coordinates="world", up=up)


def _reference_series(rec: Recording) -> dict[str, np.ndarray]:
    """The per-frame form measures as first written: row reductions, matmul, nanmedian, nanmean."""
    up = np.asarray(rec.up, dtype=float)
    line = rec.joint("right_hip") - rec.joint("left_hip")
    heights = []
    for side in ("left", "right"):
        heel = rec.joint(f"{side}_heel")
        if np.isnan(heel).all():
            heel = rec.joint(f"{side}_ankle")
        shank = np.nanmedian(np.linalg.norm(rec.joint(f"{side}_knee") - rec.joint(f"{side}_ankle"), axis=1))
        heights.append((heel - rec.joint(f"{side}_toe")) @ up / shank)
    knees = np.linalg.norm(rec.joint("left_knee") - rec.joint("right_knee"), axis=1)
    ankles = np.linalg.norm(rec.joint("left_ankle") - rec.joint("right_ankle"), axis=1)
    return {
        "trunk": angle_between(rec.joint("neck") - rec.joint("pelvis"), up),
        "pelvis": np.abs(90.0 - angle_between(line, np.broadcast_to(up, line.shape))),
        "ratio": knees / ankles,
        "heel": np.nanmean(np.vstack(heights), axis=0),
    }


@pytest.mark.parametrize("up", [(0.0, -1.0, 0.0), (0.0, 0.0, 1.0)])
def test_form_measure_series_are_bit_identical_to_the_first_definitions(up):
    rec = _recording(5, up)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = _reference_series(rec)
        got = {"trunk": trunk_angles(rec), "pelvis": pelvic_obliquity(rec), "ratio": knee_ankle_ratio(rec),
               "heel": heel_height(rec)}
    for name, series in expected.items():
        assert np.array_equal(got[name], series, equal_nan=True), name


def _every_check_spec():
    """The squat spec with every form check the judge knows, at thresholds some reps cross."""
    spec = load_specs()["squat"]
    checks = (FormCheck("insufficient_depth", "deeper"), FormCheck("incomplete_return", "stand up"),
              FormCheck("trunk_lean", "chest up", {"max_deg": 30.0}),
              FormCheck("compensation", "steady trunk", {"max_deg": 12.0}),
              FormCheck("hip_hike", "level hips", {"max_deg": 1.0}),
              FormCheck("heel_lift", "heels down", {"max_height": 0.02}),
              FormCheck("knee_valgus", "knees out", {"min_ratio": 0.99}),
              FormCheck("asymmetry", "even", {"max_deg": 1.0}), FormCheck("too_fast", "slower"),
              FormCheck("not_a_check", "ignored"))
    return spec.__class__(**{**spec.__dict__, "checks": checks, "min_rep_s": 2.4})


def _reference_rep(rec, trace, w, spec, view, target) -> RepResult:
    """One rep measured and judged with the per-rep definitions (`tempo`, `form_features`, `judge`)."""
    t, x = trace.t, trace.value
    down, hold, up = tempo(t, x, w.start, w.peak, w.end)
    rep = RepResult(start_s=float(t[w.start]), end_s=float(t[w.end]), peak_s=float(t[w.peak]),
                    start_value=float(x[w.start]), peak_value=float(x[w.peak]),
                    end_value=float(x[w.end]) if np.isfinite(x[w.end]) else float(x[w.peak]),
                    rom=float(x[w.peak] - x[w.start]), down_s=down, hold_s=hold, up_s=up,
                    complete=w.complete, partial_reason=w.reason, side=trace.side)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rep.features = form_features(rec, view, w.start, w.end)
    peaks = [float(np.nanmax(trace.per_side[s][w.start:w.end + 1])) for s in SIDES]
    roms = [p - trace.per_side[s][w.start] for p, s in zip(peaks, SIDES, strict=True)]
    rep.features["side_gap"] = float(abs(peaks[0] - peaks[1]))
    if max(roms) > 0 and np.isfinite(roms).all():
        rep.symmetry = round(float(max(0.0, min(roms)) / max(roms)), 3)
    judge(rep, spec, target, spec.start_range[1])
    return rep


@pytest.mark.parametrize("view", ["frontal", "sagittal"])
@pytest.mark.parametrize("measure", ["peak", "excursion"])
def test_all_reps_at_once_equal_each_rep_measured_and_judged_alone(view, measure):
    rec = _recording(9)
    spec = _every_check_spec()
    spec = spec.__class__(**{**spec.__dict__, "target_measure": measure})
    n = rec.frames
    left = 40 + 50 * np.sin(np.arange(n) / 11.0) ** 2
    right = left + 4 * np.sin(np.arange(n) / 5.0)
    right[150:160] = np.nan
    value = (left + right) / 2
    value[400:420] = np.nan  # a gap: the rep across it ends there, partial
    trace = Trace(rec.t, value, "both", {"left": left, "right": right}, 0.0, 1)
    windows = segment(value, 20.0) + [RepWindow(5, 5, 5, False, "no_return"), RepWindow(30, 60, 90, True)]
    target = (70.0, 120.0) if measure == "peak" else (45.0, 120.0)
    got = rep_results(rec, trace, windows, spec, view, target)
    assert len(windows) > 8 and {e for r in got for e in r.errors} >= {"too_fast", "asymmetry", "trunk_lean"}
    for w, rep in zip(windows, got, strict=True):
        assert repr(rep) == repr(_reference_rep(rec, trace, w, spec, view, target))  # exact; NaN equal to NaN


def test_vectorised_gap_filling_equals_interpolating_each_gap():
    rng = np.random.default_rng(4)
    for _ in range(500):
        n = int(rng.integers(1, 200))
        t = np.cumsum(rng.choice([0.0, 1 / 30, 1 / 29.97, 0.2], size=n, p=[0.05, 0.6, 0.3, 0.05]))
        x = rng.normal(0, 40, n)
        x[rng.random(n) < rng.uniform(0, 0.7)] = np.nan
        expected = x.copy()
        for start, stop in filters.finite_runs(np.where(np.isfinite(x), np.nan, 0.0)):
            if start and stop < n and t[stop] - t[start - 1] <= 0.5:
                expected[start:stop] = np.interp(t[start:stop], [t[start - 1], t[stop]], [x[start - 1], x[stop]])
        assert np.array_equal(filters.fill_short_gaps(x, t, 0.5), expected, equal_nan=True)


@pytest.mark.parametrize("size", range(3, filters.NETWORK_MAX_SIZE + 1, 2))
def test_median_network_picks_the_median_of_every_zero_one_input(size):
    # A comparator network that selects correctly on every 0/1 input selects correctly on every input
    # (the 0-1 principle, Knuth vol. 3, 5.3.4), so these 2**size cases prove it for real-valued windows.
    wires = [((np.arange(2 ** size) >> k) & 1).astype(float) for k in range(size)]
    expected = np.sort(np.stack(wires), axis=0)[size // 2]
    for low, high, keep_min, keep_max in filters.median_network(size):
        a, b = wires[low], wires[high]
        if keep_min:
            wires[low] = np.minimum(a, b)
        if keep_max:
            wires[high] = np.maximum(a, b)
    assert np.array_equal(wires[size // 2], expected)


@pytest.mark.parametrize("size", [1, 3, 5, 7, 9, 11, 13, 15, 25])  # up to 13 the network, then SciPy's
def test_running_median_equals_scipy_median_filter(size):
    rng = np.random.default_rng(size)
    for n in (1, 2, size, 500):
        x = np.round(np.cumsum(rng.normal(0, 2, n)), 1)  # rounded: ties as well
        assert np.array_equal(filters.running_median(x, size), median_filter(x, size=size, mode="nearest"))


def test_percentiles_equal_numpy_percentile():
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 4, 10, 777, 11_235):
        x = np.round(rng.normal(0, 30, n), int(rng.integers(0, 4)))
        for qs in ([2, 98], [25], [0, 50, 100]):
            assert percentiles(x, qs) == np.percentile(x, qs).tolist()


@pytest.mark.parametrize("gaps", [1, 12])  # one filter call per run, and all runs in one padded call
def test_running_median_equals_a_median_filter_over_each_run(gaps):
    rng = np.random.default_rng(gaps)
    x = np.cumsum(rng.normal(0, 2, 3000))
    for start in rng.choice(np.arange(10, 2990), gaps - 1, replace=False):
        x[start:start + int(rng.integers(1, 6))] = np.nan
    t = np.arange(len(x)) / RATE
    expected = x.copy()
    for start, stop in filters.finite_runs(x):
        if stop - start >= 9:
            expected[start:stop] = median_filter(x[start:stop], size=9, mode="nearest")
    assert np.array_equal(despike(x, t), expected, equal_nan=True)


@pytest.mark.parametrize("rate", [25.0, 29.97, 30.0, 100.0])
def test_direct_gustafsson_filter_equals_scipy_filtfilt(rate):
    rng = np.random.default_rng(int(rate))
    b, a = filters._coefficients(rate, filters.DEFAULT_CUTOFF_HZ)
    irlen = filters._impulse_length(rate, filters.DEFAULT_CUTOFF_HZ)
    for n in (10, 14, 95, 2 * irlen, 2 * irlen + 1, 179, 1500, 12_000):
        x = np.cumsum(rng.normal(size=n)) + 40 * np.sin(np.arange(n) / 15)
        bounded = irlen if n > 2 * irlen else None
        got = filters._gust(rate, filters.DEFAULT_CUTOFF_HZ, x, bounded)
        scale = np.max(np.abs(x))
        # The solve as one cached matrix, and the end passes cut to irlen when bounded: rounding-level
        # differences from SciPy's own, far under any angle that matters.
        assert np.max(np.abs(got - filtfilt(b, a, x, method="gust", irlen=bounded))) < 1e-10 * scale
        assert np.max(np.abs(got - filtfilt(b, a, x, method="gust"))) < 1e-10 * scale
        rows = filters._gust(rate, filters.DEFAULT_CUTOFF_HZ, np.stack([x, x[::-1]]), bounded)
        assert np.max(np.abs(rows[0] - got)) < 1e-12 * scale
        reverse = filters._gust(rate, filters.DEFAULT_CUTOFF_HZ, x[::-1].copy(), bounded)
        assert np.max(np.abs(rows[1] - reverse)) < 1e-12 * scale
    assert math.isfinite(float(filters.zero_phase(x, rate)[0]))
