"""Scale-free form measures on synthetic skeletons with known geometry."""

import numpy as np
import pytest

from openmsk.motion.form_measures import FEATURES, TRAJECTORIES, rep_features, rep_trajectories, sample_frames
from openmsk.motion.form_model import balanced_weights, fit_linear_form_model, fit_template, template_distance
from openmsk.motion.recording import JOINTS, Recording
from openmsk.motion.rep_batch import feature_columns

UP = (0.0, 1.0, 0.0)


def _rot_z(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])


def _rot_y(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])


def _pose(side_tilt: float = 0.0, fwd_tilt: float = 0.0, turn: float = 0.0, thigh: float = 0.0) -> np.ndarray:
    """One standing frame (x right, y up, z towards the camera), trunk tilted about the pelvis."""
    p = {name: np.zeros(3) for name in JOINTS}
    trunk = {"spine": [0, 0.2, 0], "chest": [0, 0.4, 0], "neck": [0, 0.55, 0], "head": [0, 0.7, 0],
             "left_shoulder": [-0.2, 0.5, 0], "right_shoulder": [0.2, 0.5, 0]}
    # Sideways tilt turns the trunk about the forward (z) axis; forward tilt about the lateral (x) axis.
    tilt = _rot_z(-side_tilt) @ np.array([[1, 0, 0], [0, np.cos(np.radians(fwd_tilt)), -np.sin(np.radians(fwd_tilt))],
                                          [0, np.sin(np.radians(fwd_tilt)), np.cos(np.radians(fwd_tilt))]])
    for name, v in trunk.items():
        p[name] = tilt @ np.array(v, dtype=float)
    for sign, side in ((-1, "left"), (1, "right")):
        hip = np.array([0.1 * sign, 0.0, 0.0])
        a = np.radians(thigh)
        knee = hip + 0.45 * np.array([0.0, -np.cos(a), np.sin(a)])
        p[f"{side}_hip"], p[f"{side}_knee"] = hip, knee
        p[f"{side}_ankle"] = knee + np.array([0.0, -0.45, 0.0])
        p[f"{side}_toe"] = p[f"{side}_ankle"] + np.array([0.0, 0.0, 0.15])
        p[f"{side}_heel"] = p[f"{side}_ankle"]
        p[f"{side}_elbow"] = p[f"{side}_shoulder"] + np.array([0.0, -0.3, 0.0])
        p[f"{side}_wrist"] = p[f"{side}_elbow"] + np.array([0.0, -0.25, 0.0])
    turn_m = _rot_y(turn)
    return np.array([turn_m @ p[name] for name in JOINTS])


def _recording(frames: list[dict]) -> np.ndarray:
    return np.stack([_pose(**f) for f in frames])


def _measure(frames: list[dict], side: str = "both", scale: float = 1.0, shift=(0.0, 0.0, 0.0)) -> dict:
    positions = _recording(frames) * scale + np.asarray(shift)
    return rep_features(positions, JOINTS, UP, side, "frontal", [(0, len(frames) - 1)])[0]


def test_sideways_trunk_lean_is_measured_as_change_from_the_rep_start():
    out = _measure([{}, {"side_tilt": 10.0}, {"side_tilt": 20.0}, {"side_tilt": 5.0}])
    assert out["trunk_side_change_deg"] == pytest.approx(20.0, abs=1e-6)


def test_forward_lean_is_not_counted_as_sideways_lean():
    out = _measure([{}, {"fwd_tilt": 40.0}, {}])
    assert out["trunk_side_change_deg"] == pytest.approx(0.0, abs=1e-6)


def test_a_habitual_sideways_posture_held_through_the_rep_is_not_a_lean():
    out = _measure([{"side_tilt": 15.0}] * 4)
    assert out["trunk_side_change_deg"] == pytest.approx(0.0, abs=1e-6)


def test_thigh_angle_reads_ninety_when_the_thigh_is_horizontal():
    out = _measure([{"thigh": 0.0}, {"thigh": 45.0}, {"thigh": 90.0}, {"thigh": 30.0}])
    assert out["thigh_angle_deg"] == pytest.approx(90.0, abs=1e-6)


def test_hip_line_turning_about_the_vertical_is_pelvis_rotation():
    out = _measure([{}, {"turn": 12.0}, {"turn": 25.0}])
    assert out["pelvis_rotation_deg"] == pytest.approx(25.0, abs=1e-6)


def test_head_shift_is_in_leg_lengths_so_it_does_not_depend_on_body_size_or_units():
    frames = [{}, {"fwd_tilt": 30.0}, {}]
    small, large = _measure(frames), _measure(frames, scale=180.0, shift=(5.0, -3.0, 200.0))
    for name in FEATURES:
        assert large[name] == pytest.approx(small[name], rel=1e-9, abs=1e-9)
    # Head 0.7 above the pelvis tilted 30 deg moves 2 * 0.7 * sin(15 deg); leg = 0.9.
    assert small["head_shift"] == pytest.approx(2 * 0.7 * np.sin(np.radians(15.0)) / 0.9, rel=1e-6)


def test_each_window_is_measured_from_its_own_start():
    positions = _recording([{}, {"side_tilt": 10.0}, {"side_tilt": 10.0}, {"side_tilt": 30.0}])
    first, second = rep_features(positions, JOINTS, UP, "left", "frontal", [(0, 1), (2, 3)])
    assert first["trunk_side_change_deg"] == pytest.approx(10.0, abs=1e-6)
    assert second["trunk_side_change_deg"] == pytest.approx(20.0, abs=1e-6)


def test_missing_frames_are_ignored_not_propagated():
    positions = _recording([{}, {"side_tilt": 8.0}, {}])
    positions[1, JOINTS.index("head")] = np.nan
    out = rep_features(positions, JOINTS, UP, "both", "frontal", [(0, 2)])[0]
    assert out["trunk_side_change_deg"] == pytest.approx(8.0, abs=1e-6)
    assert np.isfinite(out["head_shift"])


def test_two_dimensional_image_recordings_get_no_form_measures():
    positions = _recording([{}, {"side_tilt": 10.0}])[:, :, :2]
    assert rep_features(positions, JOINTS, (0.0, -1.0), "both", "frontal", [(0, 1)]) == [{}]
    assert np.isnan(rep_trajectories(positions, JOINTS, (0.0, -1.0), "both", [(0, 1)])).all()


def test_sampled_checks_measures_equal_the_per_frame_ones_when_every_frame_is_a_sample():
    frames = [{}, {"fwd_tilt": 20.0, "side_tilt": 5.0, "thigh": 40.0}, {"fwd_tilt": 35.0, "side_tilt": 12.0, "thigh": 80.0},
              {"fwd_tilt": 10.0, "thigh": 20.0}, {}, {"fwd_tilt": 25.0, "side_tilt": -8.0, "thigh": 60.0}, {}]
    positions = _recording(frames)
    rec = Recording(t=np.arange(len(frames)) / 30.0, positions=positions,
                    confidence=np.ones(positions.shape[:2]), up=UP)
    windows = [(0, 4), (4, 6)]  # shorter than SAMPLES: every frame is read
    sampled = rep_features(positions, JOINTS, UP, "both", "frontal", windows)
    per_frame = feature_columns(rec, "frontal", np.array([(a, b + 1) for a, b in windows]).ravel())
    for name, values in per_frame.items():
        assert [rep[name] for rep in sampled] == pytest.approx(values.tolist(), abs=1e-9, nan_ok=True), name


def _trajectories(frames: list[dict], side: str = "both", relative: bool = False, samples: int = 5) -> np.ndarray:
    return rep_trajectories(_recording(frames), JOINTS, UP, side, [(0, len(frames) - 1)], samples, relative)[0]


def test_rep_trajectories_are_joint_angles_at_time_normalised_samples():
    frames = [{"thigh": 0.0}, {"thigh": 30.0}, {"thigh": 60.0}, {"thigh": 90.0}, {"thigh": 60.0}, {"thigh": 30.0},
              {"thigh": 0.0}, {"thigh": 0.0}, {"thigh": 0.0}]
    out = _trajectories(frames, samples=5)
    knee = out[TRAJECTORIES.index("knee_deg")]
    # Shin stays vertical, so the knee's inner angle is 180 minus the thigh angle; the 5 samples of 9
    # frames are frames 0, 2, 4, 6 and 8.
    assert knee == pytest.approx([180.0, 120.0, 120.0, 180.0, 180.0], abs=1e-6)
    assert out[TRAJECTORIES.index("trunk_deg")] == pytest.approx([0.0] * 5, abs=1e-6)


def test_samples_are_the_nearest_frames_to_evenly_spaced_times_and_cover_short_reps_whole():
    frames = sample_frames(np.array([0, 10]), np.array([3, 30]), samples=5)
    assert frames.tolist() == [[0, 1, 2, 2, 3], [10, 15, 20, 25, 30]]


def test_relative_trajectories_start_at_zero_so_a_habitual_posture_is_no_deviation():
    bent = _trajectories([{"fwd_tilt": 10.0}, {"fwd_tilt": 30.0}], relative=True)
    upright = _trajectories([{}, {"fwd_tilt": 20.0}], relative=True)
    assert bent[TRAJECTORIES.index("trunk_deg")] == pytest.approx(upright[TRAJECTORIES.index("trunk_deg")], abs=1e-6)


def test_the_working_side_is_read_from_the_side_that_moves():
    frames = [{}, {"side_tilt": 10.0}]
    left, right = _trajectories(frames, side="left"), _trajectories(frames, side="right")
    row = TRAJECTORIES.index("trunk_side_deg")
    # The same lean is towards one working side and away from the other.
    assert left[row][-1] == pytest.approx(-right[row][-1], abs=1e-6)
    assert abs(left[row][-1]) == pytest.approx(10.0, abs=1e-6)


def test_template_distance_is_zero_at_the_template_and_counts_in_spreads():
    reps = np.array([[[0.0, 0.0, 0.0]], [[4.0, 4.0, 4.0]]])  # 2 reps, 1 trajectory, 3 samples
    mean, spread = fit_template(reps)
    assert mean[0] == pytest.approx([2.0, 2.0, 2.0])
    assert spread[0] == pytest.approx([2.0, 2.0, 2.0])
    assert template_distance(mean, mean, spread) == pytest.approx([0.0])
    assert template_distance(mean + 6.0, mean, spread) == pytest.approx([3.0])
    # A spread under the floor does not turn a tiny deviation into a large one.
    assert template_distance(mean + 0.5, mean, spread * 0.01, floor=1.0) == pytest.approx([0.5])


def test_balanced_weights_give_each_subject_and_label_the_same_total():
    groups = np.array([1, 1, 1, 1, 2, 2])
    incorrect = np.array([True, False, False, False, True, False])
    w = balanced_weights(incorrect, groups)
    for g in (1, 2):
        for label in (False, True):
            assert w[(groups == g) & (incorrect == label)].sum() == pytest.approx(len(w) / 4)


def test_linear_form_model_separates_reps_on_the_feature_that_differs_and_fills_missing_values():
    rng = np.random.default_rng(1)
    incorrect = np.repeat([False, True], 40)
    x = np.column_stack([np.where(incorrect, 3.0, 0.0) + rng.normal(0, 1, 80), rng.normal(0, 1, 80)])
    model = fit_linear_form_model(x, incorrect, np.tile([1, 2], 40), ("lean", "noise"))
    assert np.mean((model.score(x) > 0) == incorrect) > 0.9
    assert abs(model.coef[0]) > 3 * abs(model.coef[1])
    assert np.isfinite(model.score(np.array([[np.nan, 0.0]]))).all()
