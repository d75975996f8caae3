"""Behaviour of the pure motion core on synthetic signals (no shared data needed)."""

import numpy as np
import pytest
from typer.testing import CliRunner

from openmsk.motion.cli import app
from openmsk.motion.filters import causal, fill_short_gaps, zero_phase
from openmsk.motion.geometry import joint_angle, quat_angle
from openmsk.motion.segmentation import segment
from openmsk.motion.specs import load_specs
from openmsk.motion.streaming import RepCounter

REQUIRED_IDS = (
    "deep_squat squat half_squat single_leg_squat sumo_squat split_squat bulgarian_split_squat "
    "spanish_squat decline_squat hurdle_step inline_lunge side_lunge lunge sit_to_stand heel_raise "
    "step_up step_down standing_active_straight_leg_raise standing_shoulder_abduction "
    "standing_shoulder_extension standing_shoulder_internal_external_rotation standing_shoulder_scaption "
    "shoulder_abduction shoulder_flexion shoulder_forward_elevation elbow_flexion side_tap"
).split()


def _reps(depths, rate=30.0, rest_s=1.0, rep_s=2.0):
    """Knee-flexion-like signal: rest, then one raised-cosine bump per depth."""
    parts = [np.full(int(rest_s * rate), 5.0)]
    for d in depths:
        n = int(rep_s * rate)
        parts.append(5.0 + d * 0.5 * (1 - np.cos(np.linspace(0, 2 * np.pi, n))))
        parts.append(np.full(int(rest_s * rate), 5.0))
    x = np.concatenate(parts)
    return np.arange(len(x)) / rate, x


def test_every_required_exercise_has_a_spec_with_cues():
    specs = load_specs()
    assert set(REQUIRED_IDS) <= set(specs)
    for spec in specs.values():
        assert spec.target_range[0] < spec.target_range[1]
        assert all(check.cue for check in spec.checks)


def test_right_angle_at_the_middle_joint_is_ninety_degrees():
    a, b, c = np.array([[1.0, 0, 0]]), np.zeros((1, 3)), np.array([[0, 1.0, 0]])
    assert joint_angle(a, b, c)[0] == pytest.approx(90.0)


def test_quaternion_of_half_turn_about_z_has_angle_180():
    assert quat_angle(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(180.0)


def test_three_full_reps_are_counted_and_a_small_dip_is_not():
    _, x = _reps([90, 20, 90, 90])
    windows = segment(x, min_excursion=35)
    assert sum(w.complete for w in windows) == 3
    assert not [w for w in windows if not w.complete]


def test_a_rep_that_never_returns_is_partial():
    _, x = _reps([90, 90])
    x = np.concatenate([x, 5 + 90 * np.linspace(0, 1, 30)])
    windows = segment(x, min_excursion=35)
    assert [w.complete for w in windows] == [True, True, False]
    assert windows[-1].reason == "no_return"


def test_short_gaps_are_filled_and_long_gaps_stay():
    t = np.arange(100) / 30.0
    x = np.sin(t)
    x[10:13] = np.nan
    x[40:80] = np.nan
    filled = fill_short_gaps(x, t, max_gap_s=0.5)
    assert np.isfinite(filled[10:13]).all()
    assert np.isnan(filled[40:80]).all()


def test_zero_phase_filter_has_no_lag_but_causal_filter_lags():
    t, x = _reps([90])
    peak = int(np.argmax(x))
    assert abs(int(np.argmax(zero_phase(x, 30.0))) - peak) <= 1
    assert int(np.argmax(causal(x, 30.0))) > peak


def test_streaming_counter_matches_offline_and_fires_soon_after_return():
    t, x = _reps([90, 70, 90, 85])
    spec = load_specs()["squat"]
    counter = RepCounter(spec, 30.0)
    events = [e for ti, v in zip(t, x, strict=True) if (e := counter.update(ti, v))]
    assert counter.count == sum(w.complete for w in segment(x, spec.min_excursion)) == 4
    for k, event in enumerate(events):
        rep_end = 1.0 + (k + 1) * 3.0 - 1.0  # each bump ends 1 s of rest before the next starts
        assert 0.0 <= event.t - rep_end + 0.5 < 0.5  # fires during the last half second of return


def test_cli_unknown_exercise_and_unreadable_file_exit_2(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(app, ["analyze", str(tmp_path / "x.csv"), "--format", "mediapipe-csv",
                              "--exercise", "no_such_exercise", "--json"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["analyze", str(tmp_path / "x.csv"), "--format", "mediapipe-csv",
                                  "--exercise", "squat", "--json"])
    assert missing.exit_code == 2
    unknown = runner.invoke(app, ["analyze", str(tmp_path / "x.csv"), "--format", "nope",
                                  "--exercise", "squat"])
    assert unknown.exit_code == 2
