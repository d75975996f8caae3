"""The live feedback WebSocket: who may stream, what comes back, and what is stored for the PT."""

import json

import pytest
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from openmsk.auth.models import AuditEvent
from openmsk.motion import service
from openmsk.motion.synthetic import squat_frames
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture(autouse=True)
def any_spec_exercise(monkeypatch):
    """As without an exercise capability: every exercise with a motion spec may be tracked."""
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: None)


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _token(client, email: str) -> str:
    return bearer(client, email)["Authorization"].split()[1]


def _url(member_id: str, token: str, exercise: str = "squat", extra: str = "") -> str:
    return f"/api/v1/members/{member_id}/motion/live?exercise={exercise}&token={token}&target_reps=2{extra}"


def _stream(client, url: str, frames: list) -> list[dict]:
    """Send frames, end the set, and collect every event until the server closes."""
    events = []
    with client.websocket_connect(url) as ws:
        first = ws.receive_json()
        events.append(first)
        if first["type"] == "error":
            with pytest.raises(WebSocketDisconnect):
                ws.receive_json()
            return events
        for frame in frames:
            ws.send_text(frame if isinstance(frame, str) else json.dumps(frame))
        ws.send_text(json.dumps({"type": "end"}))
        try:
            while True:
                events.append(ws.receive_json())
        except WebSocketDisconnect:
            pass
    return events


def test_member_streams_two_squats_and_gets_reps_a_finished_set_and_a_stored_session(client, db, clinic):
    ann = clinic.member_ids["ann"]
    frames = squat_frames([100, 100])
    events = _stream(client, _url(ann, _token(client, clinic.emails["ann"])), frames)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "ready" and kinds[-1] == "session_saved"
    reps = [e for e in events if e["type"] == "rep_completed"]
    assert [e["count"] for e in reps] == [1, 2]
    assert all(e["processing_ms"] >= 0 and e["rep"]["rom_deg"] > 60 for e in reps)
    assert any(e["type"] == "set_completed" for e in events)

    sessions = client.get(f"/api/v1/members/{ann}/motion/sessions",
                          headers=bearer(client, clinic.emails["pt_a"])).json()
    assert len(sessions) == 1 and sessions[0]["reps"] == 2 and sessions[0]["frames"] == len(frames)
    assert len(sessions[0]["rep_details"]) == 2
    with db.transaction() as session:
        created = session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "MotionSession",
                                                           AuditEvent.action == "create")).all()
        assert [(e.member_id, e.resource_id) for e in created] == [(ann, sessions[0]["id"])]


def test_only_the_member_may_stream_and_only_exercises_with_a_spec_in_their_plan(client, clinic, monkeypatch):
    ann, token = clinic.member_ids["ann"], _token(client, clinic.emails["ann"])
    refused = _stream(client, _url(ann, _token(client, clinic.emails["pt_a"])), [])
    assert refused[0]["type"] == "error" and refused[0]["status"] == 403
    assert _stream(client, _url(ann, _token(client, clinic.emails["bob"])), [])[0]["status"] == 403
    assert _stream(client, f"/api/v1/members/{ann}/motion/live?exercise=squat", [])[0]["status"] == 401
    missing = _stream(client, _url(ann, token, exercise="plank_to_moon"), [])
    assert missing[0]["status"] == 404 and "motion spec" in missing[0]["message"]
    assert _stream(client, _url(ann, token, extra="&fps=abc"), [])[0]["status"] == 422
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: ["lunge"])
    outside = _stream(client, _url(ann, token), [])
    assert outside[0]["status"] == 422 and "plan" in outside[0]["message"]


def test_bad_frames_are_rejected_one_by_one_and_no_person_gives_no_reps(client, clinic):
    ann, token = clinic.member_ids["ann"], _token(client, clinic.emails["ann"])
    bad = ["not json", {"t": "soon"}, {"t": 1.0, "landmarks": [[0, 0, 0, 1]] * 5}, {"t": 2.0, "landmarks": []},
           {"t": 1.5, "landmarks": []}]
    empty = [{"t": 3 + i / 30, "landmarks": None} for i in range(90)]
    events = _stream(client, _url(ann, token), bad + empty)
    reasons = [e["reason"] for e in events if e["type"] == "frame_rejected"]
    assert len(reasons) == 4 and any("time order" in r for r in reasons) and any("33" in r for r in reasons)
    assert not [e for e in events if e["type"] == "rep_completed"]
    assert any(e["type"] == "cue" and e["code"] == "not_in_view" for e in events)
    saved = events[-1]
    assert saved["type"] == "session_saved" and saved["reps"] == 0
