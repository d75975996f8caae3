"""Live feedback on generated landmark frames: reps, partial reps, cues, holds, sets, bad frames."""

from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pytest

from openmsk.motion.live import LiveSession
from openmsk.motion.progress import by_exercise
from openmsk.motion.specs import load_specs
from openmsk.motion.streaming import RepCounter
from openmsk.motion.synthetic import squat_frames


def _run(spec_id: str, frames: list[dict], **kwargs) -> tuple[LiveSession, list[dict]]:
    live = LiveSession(load_specs()[spec_id], **kwargs)
    events = [e for f in frames for e in live.feed(f)]
    return live, events + live.finish()


def test_each_squat_is_one_rep_and_a_small_dip_is_nothing():
    live, events = _run("squat", squat_frames([100, 25, 105, 95]))
    reps = [e for e in events if e["type"] == "rep_completed"]
    assert [e["count"] for e in reps] == [1, 2, 3]
    assert all(85 <= e["rep"]["peak_deg"] <= 115 and e["rep"]["correct"] for e in reps)
    assert live.summary()["partial_reps"] == 0


def test_a_shallow_squat_counts_but_gets_the_depth_cue_and_lower_quality():
    _, events = _run("squat", squat_frames([100, 100, 58]))
    last = [e for e in events if e["type"] == "rep_completed"][-1]
    assert "insufficient_depth" in last["rep"]["errors"] and last["rep"]["quality"] < 0.8
    cues = [e for e in events if e["type"] == "cue"]
    assert cues and cues[-1]["cue"] == load_specs()["squat"].check("insufficient_depth").cue


def test_a_rep_cut_off_by_the_end_of_the_stream_is_partial_not_counted():
    frames = squat_frames([100])
    frames += [{"t": frames[-1]["t"] + (i + 1) / 30, "landmarks": f["landmarks"]}
               for i, f in enumerate(squat_frames([100], rest_s=0.1)[:40])]
    live, events = _run("squat", frames)
    assert [e["type"] for e in events if e["type"].endswith("rep") or e["type"] == "rep_completed"] == [
        "rep_completed", "partial_rep"]
    assert live.summary()["reps"] == 1 and live.summary()["partial_reps"] == 1


def test_holding_at_depth_reports_progress_and_a_full_set_is_announced():
    _, events = _run("squat", squat_frames([100, 100], rep_s=5.0), target_reps=2, hold_s=1.0)
    holds = [e for e in events if e["type"] == "hold_progress"]
    assert holds and max(e["held_s"] for e in holds) >= 1.0 and any(e["done"] for e in holds)
    assert [e["set"] for e in events if e["type"] == "set_completed"] == [1]


def test_either_side_exercise_does_not_count_both_knees_twice():
    _, events = _run("lunge", squat_frames([90, 90, 90]))
    assert len([e for e in events if e["type"] == "rep_completed"]) == 3


def test_bad_frames_are_rejected_with_a_reason_and_never_crash():
    live = LiveSession(load_specs()["squat"])
    good = squat_frames([])[0]
    reasons = [live.feed(raw)[0]["reason"] for raw in (
        [1, 2], {"t": float("nan")}, {"t": True, "landmarks": None},
        {"t": 1, "landmarks": [[0, 0]] * 33}, {"t": 1, "landmarks": [["a", 0, 0, 1]] * 33})]
    assert len(reasons) == 5 and live.rejected == 5 and live.frames == 0
    assert live.feed({**good, "t": 2.0}) == [] and live.feed({**good, "t": 1.0})[0]["reason"].endswith("time order")
    nan_joint = {"t": 3.0, "landmarks": [[float("nan")] * 4] + good["landmarks"][1:]}
    assert live.feed(nan_joint) == [] and live.frames == 2


def test_summary_trace_is_downsampled_and_keeps_gaps_as_none():
    frames = squat_frames([100] * 12)
    frames[100]["landmarks"] = None
    live, _ = _run("squat", frames)
    trace = live.summary()["trace"]
    assert len(trace["t"]) <= 600 and len(trace["t"]) == len(trace["value"])
    assert live.summary()["reps"] == 12


def test_counter_gives_the_same_count_from_lists_and_from_arrays():
    from openmsk.motion.recording import JOINT_INDEX, JOINTS

    spec = load_specs()["squat"]
    t = np.arange(600) / 30
    flex = np.radians(5 + 90 * 0.5 * (1 - np.cos(2 * np.pi * t / 3)))
    pos = np.zeros((600, len(JOINTS), 3))
    pos[:, JOINT_INDEX["left_hip"], 1] = 1.0
    pos[:, JOINT_INDEX["left_knee"], 1] = 0.5
    pos[:, JOINT_INDEX["left_ankle"], 1] = 0.5 - 0.5 * np.cos(flex)
    pos[:, JOINT_INDEX["left_ankle"], 2] = -0.5 * np.sin(flex)
    conf = np.ones((600, len(JOINTS)))
    arrays, lists = RepCounter(spec), RepCounter(spec)
    for i in range(600):
        arrays.update_frame(t[i], pos[i], conf[i])
        lists.update_frame(float(t[i]), pos[i].tolist(), conf[i].tolist())
    assert arrays.count == lists.count == 6
    assert arrays.values == pytest.approx(lists.values)


def test_progress_groups_sessions_by_exercise_with_rom_trend_and_cue_counts():
    def s(day, reps, rom, cue=None):
        details = [{"quality": 0.5 + rom / 400, "rom_deg": rom, "complete": True}] * reps
        return SimpleNamespace(exercise_id="squat", started_at=datetime(2026, 11, day, tzinfo=UTC), reps=reps,
                               partial_reps=0, rep_details=details, cues=[{"cue": cue}] if cue else [])
    [p] = by_exercise([s(20, 5, 90), s(6, 4, 60, "deeper"), s(13, 5, 75, "deeper")])
    assert p.sessions == 3 and p.reps == 14
    assert [rom for _, rom in p.rom_trend] == [60, 75, 90]
    assert p.cue_counts == [("deeper", 2)]
