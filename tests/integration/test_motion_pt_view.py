"""The PT's movement view: sessions, quality, range-of-motion trend, cues and the angle plot."""

from datetime import UTC, datetime, timedelta

import pytest

from openmsk.motion import service
from openmsk.motion.live import LiveSession
from openmsk.motion.specs import load_specs
from openmsk.motion.synthetic import squat_frames
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture(autouse=True)
def any_spec_exercise(monkeypatch):
    """As without an exercise capability: every exercise with a motion spec may be tracked."""
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: None)


def _store(db, member_id: str, depths: list[float], days_ago: int) -> str:
    live = LiveSession(load_specs()["squat"])
    for frame in squat_frames(depths):
        live.feed(frame)
    started = datetime(2026, 11, 20, 17, tzinfo=UTC) - timedelta(days=days_ago)
    with db.transaction() as session:
        return service.record_session(session, member_id=member_id, exercise_id="squat", started_at=started,
                                      ended_at=started + timedelta(minutes=1), summary=live.summary(),
                                      actor=None).id


def test_pt_sees_reps_rom_trend_cues_and_a_plot_for_their_member_only(client, db):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    _store(db, ann, [60, 62], days_ago=7)
    latest = _store(db, ann, [100, 104, 98], days_ago=0)
    pt = bearer(client, clinic.emails["pt_a"])
    page = client.get(f"/console/members/{ann}/motion", headers=pt)
    assert page.status_code == 200
    html = page.text
    assert html.count('data-testid="motion-session"') == 2
    assert "Try to go a little deeper" in html  # the shallow week's cue
    trend = html.split('data-testid="motion-progress"')[1].split("</table>")[0]
    assert "→" in trend and "<td>5</td>" in trend  # two sessions, 2 + 3 reps
    plot = client.get(f"/console/members/{ann}/motion/{latest}/plot.png", headers=pt)
    assert plot.status_code == 200 and plot.headers["content-type"] == "image/png"
    assert plot.content[:8] == b"\x89PNG\r\n\x1a\n" and len(plot.content) > 5000
    other_pt = bearer(client, clinic.emails["pt_b"])
    assert client.get(f"/console/members/{ann}/motion", headers=other_pt).status_code == 403
    assert client.get(f"/console/members/{ann}/motion/{latest}/plot.png", headers=other_pt).status_code == 403
    wrong = client.get(f"/console/members/{clinic.member_ids['bob']}/motion/{latest}/plot.png", headers=pt)
    assert wrong.status_code == 404


def test_member_page_lists_trackable_exercises_and_refuses_unknown_ones(client, db):
    clinic = build_clinic(db)
    member = bearer(client, clinic.emails["ann"])
    home = client.get("/me/motion", headers=member)
    assert home.status_code == 200 and 'href="/me/motion/squat"' in home.text
    page = client.get("/me/motion/squat", headers=member)
    assert page.status_code == 200 and "/static/motion/motion_live.js" in page.text
    assert f"/api/v1/members/{clinic.member_ids['ann']}/motion/live?exercise=squat" in page.text
    assert client.get("/me/motion/plank_to_moon", headers=member).status_code == 404
    assert client.get("/me/motion", headers=bearer(client, clinic.emails["pt_a"])).status_code == 403


def test_with_plans_the_member_sees_only_their_plans_tracked_exercises(client, db, monkeypatch):
    clinic = build_clinic(db)
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: ["glute_bridge", "lunge"])
    member = bearer(client, clinic.emails["ann"])
    home = client.get("/me/motion", headers=member).text
    assert 'href="/me/motion/lunge"' in home and "/me/motion/squat" not in home and "glute_bridge" not in home
    assert client.get("/me/motion/squat", headers=member).status_code == 422
