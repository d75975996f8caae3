"""A camera set is stored with the member's logged exercise session, and the PT sees it there."""

import json

import pytest
from starlette.websockets import WebSocketDisconnect

from openmsk.motion.synthetic import squat_frames
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _plan_with_squats(client, clinic) -> int:
    pt = bearer(client, clinic.emails["pt_a"])
    url = f"/api/v1/members/{clinic.member_ids['ann']}/exercise-plans"
    written = client.post(url, headers=pt, json={"items": [
        {"exercise_id": "heel_slide"}, {"exercise_id": "squat", "dose": {"sets": 1, "reps": 3}}],
        "note": "Camera squats this week"})
    assert written.status_code == 201, written.text
    version = written.json()["version"]
    assert client.post(f"{url}/{version}/approve", json={"note": "ok"}, headers=pt).status_code == 200
    return version


def _log(client, clinic, version: int, key: str, squat_skipped: bool = False) -> str:
    member = bearer(client, clinic.emails["ann"])
    squat = ({"exercise_id": "squat", "skipped": True, "skip_reason": "knee sore"} if squat_skipped else
             {"exercise_id": "squat", "sets_done": 1, "reps_done": 3, "difficulty": "right",
              "pain_before": 2, "pain_after": 2})
    heel = {"exercise_id": "heel_slide", "sets_done": 1, "reps_done": 10, "difficulty": "right",
            "pain_before": 2, "pain_after": 2}
    logged = client.post(f"/api/v1/members/{clinic.member_ids['ann']}/exercise-sessions", headers=member,
                         json={"plan_version": version, "idempotency_key": key, "entries": [heel, squat]})
    assert logged.status_code == 201, logged.text
    return logged.json()["id"]


def _stream(client, clinic, depths: list[float], extra: str = "") -> list[dict]:
    token = bearer(client, clinic.emails["ann"])["Authorization"].split()[1]
    url = f"/api/v1/members/{clinic.member_ids['ann']}/motion/live?exercise=squat&token={token}&target_reps=3{extra}"
    events = []
    with client.websocket_connect(url) as ws:
        events.append(ws.receive_json())
        if events[0]["type"] == "error":
            return events
        for frame in squat_frames(depths):
            ws.send_text(json.dumps(frame))
        ws.send_text(json.dumps({"type": "end"}))
        try:
            while True:
                events.append(ws.receive_json())
        except WebSocketDisconnect:
            pass
    return events


def _squat_entry(client, clinic, session_id: str) -> dict:
    pt = bearer(client, clinic.emails["pt_a"])
    logs = client.get(f"/api/v1/members/{clinic.member_ids['ann']}/exercise-sessions", headers=pt).json()
    entries = next(s["entries"] for s in logs if s["id"] == session_id)
    return next(e for e in entries if e["exercise_id"] == "squat")


def test_a_camera_set_after_logging_is_stored_with_that_session_and_shown_to_the_pt(client, clinic):
    version = _plan_with_squats(client, clinic)
    logged_id = _log(client, clinic, version, "today")
    first = _stream(client, clinic, [100, 100, 58])
    saved = first[-1]
    assert saved["type"] == "session_saved" and saved["exercise_session_id"] == logged_id
    timing = saved["server_ms"]
    assert timing["frames"] == len(squat_frames([100, 100, 58]))
    for clock in ("wall", "cpu"):
        assert timing[clock]["max"] >= timing[clock]["p99"] >= timing[clock]["p50"] > 0
        assert sum(timing[clock]["histogram"]) == timing["frames"]
    summary = _squat_entry(client, clinic, logged_id)["motion_summary"]
    assert summary["reps"] == 3 and summary["partial_reps"] == 0 and len(summary["sets"]) == 1
    one = summary["sets"][0]
    assert one["motion_session_id"] == saved["session_id"] and one["reps"] == 3
    assert 60 < one["mean_rom_deg"] <= one["max_rom_deg"] < 130 and 0 < one["mean_quality"] <= 1
    assert one["correct_reps"] == 2 and "Try to go a little deeper, as far as is comfortable" in summary["cues"]

    second = _stream(client, clinic, [100, 100])[-1]
    summary = _squat_entry(client, clinic, logged_id)["motion_summary"]
    assert [s["motion_session_id"] for s in summary["sets"]] == [saved["session_id"], second["session_id"]]
    assert summary["reps"] == 5

    pt = bearer(client, clinic.emails["pt_a"])
    page = client.get(f"/console/members/{clinic.member_ids['ann']}/motion", headers=pt).text
    assert page.count('data-testid="motion-logged"') == 2
    plan_page = client.get(f"/console/members/{clinic.member_ids['ann']}/plan", headers=pt).text
    assert "squat: right, pain 2→2, motion" in plan_page


def test_without_a_log_today_the_set_is_kept_for_the_pt_only_and_a_named_session_must_be_the_members(
        client, clinic):
    version = _plan_with_squats(client, clinic)
    saved = _stream(client, clinic, [100])[-1]
    assert saved["type"] == "session_saved" and saved["exercise_session_id"] is None
    skipped_id = _log(client, clinic, version, "skipped", squat_skipped=True)
    assert _stream(client, clinic, [100])[-1]["exercise_session_id"] is None
    assert _squat_entry(client, clinic, skipped_id)["motion_summary"] is None
    refused = _stream(client, clinic, [100], extra=f"&exercise_session={skipped_id}")
    assert refused[0]["type"] == "error" and refused[0]["status"] == 404
    assert "exercise_session" in refused[0]["message"]
    logged_id = _log(client, clinic, version, "done")
    named = _stream(client, clinic, [100], extra=f"&exercise_session={logged_id}")[-1]
    assert named["exercise_session_id"] == logged_id
    member = bearer(client, clinic.emails["ann"])
    page = client.get(f"/me/motion/squat?exercise_session={logged_id}", headers=member).text
    assert f"exercise_session={logged_id}" in page
