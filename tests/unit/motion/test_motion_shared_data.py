"""Key results on the real shared datasets (tolerances from the task targets and dataset README)."""

import csv
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from openmsk.motion.analysis import analyze
from openmsk.motion.cli import app
from openmsk.motion.geometry import angle_between, joint_angle
from openmsk.motion.imu import agreement, imu_joint_angle
from openmsk.motion.loaders import load, load_cmu_joint_angles
from openmsk.motion.specs import load_specs

pytestmark = pytest.mark.shared_data
VIDEO = "video/rohanx01_barbell_back_squat_side.mediapipe0.10.21_full.csv.gz"
SCRIPT = Path(__file__).resolve().parents[3] / "scripts/motion_accuracy.py"
FPS = 29.97  # video/labels.csv


def _uiprmd(motion, move, subject, correct=True, episodes=range(1, 11)):
    folder, suffix = ("correct", "") if correct else ("incorrect", "_inc")
    return load([motion / f"uiprmd_kinect/{folder}/positions/m{move:02d}_s{subject:02d}_e{e:02d}_positions{suffix}.txt.gz"
                 for e in episodes], "uiprmd")


@pytest.fixture(scope="module")
def motion(shared_data_dir):
    return shared_data_dir / "motion"


def test_uiprmd_forward_kinematics_reproduces_readme_check_values(motion):
    rec = _uiprmd(motion, 1, 1, episodes=[1])
    knee = joint_angle(rec.joint("left_hip"), rec.joint("left_knee"), rec.joint("left_ankle"))
    assert knee.min() == pytest.approx(56, abs=1.5) and knee.max() == pytest.approx(171, abs=1.5)
    inc = _uiprmd(motion, 1, 1, correct=False, episodes=[1])
    assert joint_angle(inc.joint("left_hip"), inc.joint("left_knee"), inc.joint("left_ankle")).min() == pytest.approx(69, abs=1.5)
    arm = _uiprmd(motion, 7, 1, episodes=[1])
    down = arm.joint("pelvis") - arm.joint("chest")
    right = angle_between(down, arm.joint("right_elbow") - arm.joint("right_shoulder"))
    left = angle_between(down, arm.joint("left_elbow") - arm.joint("left_shoulder"))
    assert right[0] == pytest.approx(9, abs=2) and right.max() == pytest.approx(149, abs=2)
    assert left.max() <= 17


def test_squat_video_gives_two_reps_and_none_in_the_stance_adjustment(motion):
    result = analyze(load(motion / VIDEO, "mediapipe-csv"), "squat")
    assert len(result.reps) == 2
    for rep in result.reps + result.partial_reps:
        assert rep.start_s * FPS > 100 or rep.end_s * FPS < 60
    bottoms = sorted(rep.peak_s * FPS for rep in result.reps)
    assert bottoms == pytest.approx([315, 520], abs=15)  # labels.csv, counted by eye


@pytest.mark.parametrize(("move", "exercise", "correct"), [
    (1, "deep_squat", True), (1, "deep_squat", False), (5, "sit_to_stand", True),
    (7, "standing_shoulder_abduction", True), (10, "standing_shoulder_scaption", False),
])
def test_uiprmd_ten_episode_stream_counts_ten_reps(motion, move, exercise, correct):
    assert len(analyze(_uiprmd(motion, move, 2, correct), exercise).reps) == 10


def test_irds_patient_files_give_one_rep_on_at_least_95_percent(motion):
    names = {0: "elbow_flexion", 1: "elbow_flexion", 2: "shoulder_flexion", 3: "shoulder_flexion",
             4: "shoulder_abduction", 5: "shoulder_abduction", 6: "shoulder_forward_elevation",
             7: "side_tap", 8: "side_tap"}
    rows = list(csv.DictReader(open(motion / "intellirehabds_raw/labels.csv")))
    one = [len(analyze(load(motion / "intellirehabds_raw" / r["file"], "kinect-irds"),
                       names[int(r["gesture_id"])]).reps) == 1 for r in rows]
    assert np.mean(one) >= 0.95


def _cmu(motion, exercise):
    rows = [r for r in csv.DictReader(open(motion / "cmu_imu_exercise/labels.csv")) if r["exercise"] == exercise]
    rows.sort(key=lambda r: int(r["rep"]))
    return rows, load([motion / "cmu_imu_exercise" / r["imu_file"] for r in rows], "cmu-imu")


def test_cmu_imu_squat_reps_equal_file_count_and_knee_angle_tracks_reference(motion):
    rows, rec = _cmu(motion, "SqDL")
    assert len(analyze(rec, "deep_squat").reps) == len(rows)
    ref = np.concatenate([load_cmu_joint_angles(motion / "cmu_imu_exercise" / r["joint_angles_file"])[1]["LeftKneeAngle_X"]
                          for r in rows])
    agree = agreement(imu_joint_angle(rec, "left_thigh", "left_shank"), -ref)
    assert agree.pearson_r > 0.95 and agree.rmse_offset_removed_deg <= 5.0


def test_cmu_heel_raise_counts_ten_reps_from_imu_alone(motion):
    rows, rec = _cmu(motion, "HeelRaise")
    assert len(analyze(rec, "heel_raise").reps) == len(rows) == 10


def test_other_loaders_map_onto_common_joints(motion):
    kimore = load(motion / "kimore_sample/JointPositionExercise5.csv.gz", "kimore")
    assert kimore.frames == 517  # kimore_sample/labels.csv
    bp = load(motion / "keraal_sample/G3-BP-CTK-P1T1-Unknown-C-0.json.gz", "keraal-bp")
    kinect = load(motion / "keraal_sample/G3-Kinect-CTK-P1T1-Unknown-C-0.txt.gz", "keraal-kinect")
    vicon = load(motion / "keraal_sample/G3-Vicon-CTK-P1T1-Unknown-C-0.txt.gz", "keraal-vicon")
    assert bp.frames == 196 and kinect.frames == 197 and vicon.frames == 390
    for rec in (kimore, bp, kinect):
        assert np.isfinite(rec.joint("left_knee")).all()


def test_cli_prints_one_json_document_for_the_video(motion):
    out = CliRunner().invoke(app, ["analyze", str(motion / VIDEO), "--format", "mediapipe-csv",
                                   "--exercise", "squat", "--json"])
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert doc["reps"] == 2 and doc["frames"] == 614
    assert {"start_s", "end_s", "rom_deg", "quality", "correct", "errors"} <= set(doc["rep_details"][0])


def _accuracy_script():
    spec = importlib.util.spec_from_file_location("motion_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def accuracy():
    return _accuracy_script()


@pytest.fixture(scope="module")
def uiprmd_streams(motion, accuracy):
    """(movement, subject, correct, recording, analysis) for every 10-episode stream of the shared UI-PRMD subjects."""
    out = []
    for move, exercise in accuracy.UIPRMD_EXERCISES.items():
        for subject in range(1, 8):
            for correct in (True, False):
                rec = _uiprmd(motion, move, subject, correct)
                out.append((move, subject, int(correct), rec, analyze(rec, exercise)))
    return out


def test_uiprmd_ten_rep_streams_are_counted_exactly_on_at_least_95_percent(uiprmd_streams):
    exact = [len(result.reps) == 10 for *_, result in uiprmd_streams]
    assert len(exact) == 140
    assert np.mean(exact) >= 0.95
    for move in range(1, 11):  # no movement is left behind: at least 13 of its 14 streams
        assert sum(e for (m, *_), e in zip(uiprmd_streams, exact, strict=True) if m == move) >= 13


def test_uiprmd_form_model_leaving_subjects_out_reaches_balanced_accuracy_0_85(uiprmd_streams, accuracy):
    reps, trajectories = [], []
    for m, s, c, rec, result in uiprmd_streams:
        reps += [(m, s, c, rep) for rep in accuracy.with_form_measures(rec, result)]
        trajectories += accuracy.with_trajectories(rec, result)
    overall, per_move = accuracy.loso_linear(reps, np.stack(trajectories))
    assert overall >= 0.85  # measured 0.861 (docs/motion-accuracy.md)
    assert min(per_move.values()) >= 0.70
    # The shipped models are these models fitted on all seven subjects: `analyze` judges every rep as they do.
    models = accuracy.fitted_models(reps, np.stack(trajectories))
    for move, exercise in accuracy.UIPRMD_EXERCISES.items():
        rows = [i for i, r in enumerate(reps) if r[0] == move]
        model = models[exercise]
        k = [accuracy.TRAJECTORIES.index(n) for n in model.trajectories]
        dist = accuracy.mean_distance(np.stack(trajectories)[rows][:, k], model.template_mean, model.template_spread)
        expected = model.linear.score(accuracy._linear_x(reps, rows, accuracy.FORM_POOLS[accuracy.UIPRMD_FAMILY[move]],
                                                         dist)) <= 0
        assert [reps[i][3].correct for i in rows] == expected.tolist(), exercise


def test_cmu_imu_reps_equal_the_file_count_for_every_exercise(motion, accuracy):
    for exercise, spec_id in accuracy.CMU_EXERCISES.items():
        rows, rec = _cmu(motion, exercise)
        assert len(analyze(rec, spec_id).reps) == len(rows), exercise


def test_keraal_blazepose_is_unmirrored_and_agrees_with_kinect_and_vicon(motion, accuracy):
    def elevation(system, exercise, fmt, side):
        rec = load(motion / f"keraal_sample/G3-{system}-{exercise}-P1T1-Unknown-C-0.{fmt}", f"keraal-{system.lower()}")
        return np.interp(np.linspace(0, 1, 200), np.linspace(0, 1, rec.frames), accuracy.arm_elevation(rec, side))

    for side in ("left", "right"):
        # ELK raises one arm at a time: the mirrored BlazePose would put the lift on the other side.
        bp, vicon = elevation("BP", "ELK", "json.gz", side), elevation("Vicon", "ELK", "txt.gz", side)
        assert agreement(bp, vicon).rmse_raw_deg <= 12.0
        bp, kinect = elevation("BP", "CTK", "json.gz", side), elevation("Kinect", "CTK", "txt.gz", side)
        assert agreement(bp, kinect).rmse_raw_deg <= 10.0
