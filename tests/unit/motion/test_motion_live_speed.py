"""The fast paths (per-frame live form measures, batched offline features, bounded zero-phase filter,
frame validation) give the same numbers as the definitions they replace."""

import math
import random
import warnings

import numpy as np
import pytest
from scipy.signal import filtfilt

from openmsk.motion import filters
from openmsk.motion.analysis import side_peaks, window_features
from openmsk.motion.live_frames import FrameError, parse_frame
from openmsk.motion.live_reps import FormTrack
from openmsk.motion.live_signal import UP
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.measures import form_features
from openmsk.motion.recording import Recording
from openmsk.motion.segmentation import RepWindow
from openmsk.motion.signals import detect_view
from openmsk.motion.synthetic import squat_frames
from openmsk.motion.trace import Trace


def _jittered(seed: int, turn: float = 0.0) -> list[list | None]:
    """Squat landmarks with per-joint noise (so every measure varies), optionally turned about y."""
    rng = random.Random(seed)
    frames = []
    for f in squat_frames([100, 60, 90], lean_deg=35):
        rows = []
        for x, y, z, v in f["landmarks"]:
            x, z = x * math.cos(turn) - z * math.sin(turn), x * math.sin(turn) + z * math.cos(turn)
            rows.append([x + rng.gauss(0, 0.01), y + rng.gauss(0, 0.01), z + rng.gauss(0, 0.01), v])
        frames.append(rows)
    frames[70] = None  # nobody in view for one frame inside the first rep
    return frames


def _recording(frames: list[list | None]) -> Recording:
    points = np.array([[[np.nan] * 4] * 33 if f is None else f for f in frames], dtype=float)
    pos, conf = landmarks_to_common(points[:, :, :3], np.nan_to_num(points[:, :, 3]))
    return Recording(t=np.arange(len(frames)) / 30.0, positions=pos, confidence=conf, coordinates="world", up=UP)


WINDOWS = [(30, 110), (60, 140), (125, 200), (0, 1), (205, 290)]


@pytest.mark.parametrize("turn", [0.0, 1.4])  # facing the camera, then nearly side on
def test_live_form_measures_equal_the_offline_definitions(turn):
    frames = _jittered(7, turn)
    track = FormTrack(keep=10_000)
    for f in frames:
        track.append(f)
    for start, end in WINDOWS:
        window = _recording(frames[start:end + 1])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = form_features(window, detect_view(window), 0, window.frames - 1)
        got = track.features(start, end)
        assert got.keys() == expected.keys()
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9, nan_ok=True), key


def test_live_form_track_keeps_only_recent_frames_and_measures_what_is_left():
    track = FormTrack(keep=50)
    frames = _jittered(3)
    for f in frames:
        track.append(f)
    assert len(track.rows) <= 100 and track.base + len(track.rows) == len(frames)
    assert track.features(0, track.base - 5) == {}
    assert track.features(track.base - 10, len(frames) - 1) == track.features(track.base, len(frames) - 1)


def test_batched_offline_features_and_side_peaks_equal_per_window_ones():
    frames = _jittered(11)
    rec = _recording(frames)
    windows = [RepWindow(s, (s + e) // 2, e, True) for s, e in WINDOWS]
    for view in ("frontal", "sagittal"):
        batched = window_features(rec, view, windows)
        for w, got in zip(windows, batched, strict=True):
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = form_features(rec, view, w.start, w.end)
            for key, value in expected.items():
                assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True), key
    left = np.sin(np.arange(rec.frames) / 9.0)
    right = np.cos(np.arange(rec.frames) / 7.0)
    right[100:120] = np.nan
    trace = Trace(rec.t, (left + right) / 2, "both", {"left": left, "right": right}, 0.0, 0)
    for w, peaks in zip(windows, side_peaks(trace, windows), strict=True):
        expected = [np.nanmax(x[w.start:w.end + 1]) for x in (left, right)]
        assert peaks == pytest.approx(expected)


@pytest.mark.parametrize("rate", [25.0, 30.0, 100.0])
def test_bounded_zero_phase_filter_equals_the_full_gustafsson_solve(rate):
    rng = np.random.default_rng(int(rate))
    x = np.cumsum(rng.normal(0, 1, 3000)) + 40 * np.sin(np.arange(3000) / 15)
    x[500:520] = np.nan  # two runs, each filtered on its own
    x[2990:] = np.nan
    b, a = filters._coefficients(rate, filters.DEFAULT_CUTOFF_HZ)
    got = filters.zero_phase(x, rate)
    for start, stop in filters.finite_runs(x):
        expected = filtfilt(b, a, x[start:stop], method="gust")
        assert np.max(np.abs(got[start:stop] - expected)) < 1e-9
    assert np.isnan(got[500:520]).all() and np.isnan(got[2990:]).all()


def test_frame_validation_fast_and_checked_paths_agree():
    good = squat_frames([])[0]["landmarks"]
    t, rows = parse_frame({"t": 1, "landmarks": good}, 0.0)
    assert t == 1.0 and rows == good
    three = [row[:3] for row in good]
    assert parse_frame({"t": 1, "landmarks": three}, 0.0)[1] == [row[:3] + [1.0] for row in good]
    holes = [list(row) for row in good]
    holes[5] = [None, 0.1, 0.2, 0.9]
    holes[6] = [float("inf"), 0.1, 0.2, 0.9]
    _, rows = parse_frame({"t": 1, "landmarks": holes}, 0.0)
    assert rows[5] == rows[6] == [0.0, 0.0, 0.0, 0.0] and rows[7] == good[7]
    for bad, message in (([["1", "a", 0, 1]] * 33, "numbers"), ([{"x": 1, "y": 2, "z": 3, "v": 1}] * 33, "[x, y"),
                         ([[0, 0]] * 33, "[x, y"), ([[10 ** 400, 0, 0, 1]] * 33, "numbers")):
        with pytest.raises(FrameError, match=message.replace("[", r"\[")):
            parse_frame({"t": 1, "landmarks": bad}, 0.0)
