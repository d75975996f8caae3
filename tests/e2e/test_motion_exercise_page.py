"""The member's exercise page in headless Chromium: recorded landmarks replayed through the live socket."""

import httpx
import pytest

from openmsk.motion import service
from tests.integration.clinic import PASSWORD, build_clinic

pytestmark = pytest.mark.browser


def test_member_replays_the_recorded_squat_video_landmarks_and_sees_two_reps(db, live_server, page,
                                                                                shared_data_dir, monkeypatch):
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: None)
    landmarks = next((shared_data_dir / "motion" / "video").glob("*.mediapipe0.10.21_full.csv.gz"))
    clinic = build_clinic(db)
    logged_id = _log_todays_squats(live_server, clinic)
    page.goto(f"{live_server}/login")
    page.fill("#email", clinic.emails["ann"])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server}/me/motion")
    with page.expect_navigation():
        page.click("a[href='/me/motion/squat']")
    assert page.url.endswith("/me/motion/squat")
    page.click("text=Replay recorded landmarks")
    page.select_option("#motion-replay-speed", "10")
    page.set_input_files("[data-testid=replay-file]", str(landmarks))
    status = page.locator("[data-testid=motion-status]")
    status.filter(has_text="Saved").wait_for(timeout=60_000)
    assert page.locator("[data-testid=rep-count]").inner_text() == "2"
    assert page.locator("[data-testid=rep-list] li").count() == 2
    assert status.inner_text().startswith("Saved: 2 reps.")
    assert page.locator("[data-testid=exercise-log]").is_visible()  # stored with today's logged session
    assert float(page.locator("[data-testid=processing-ms]").inner_text()) >= 0  # the server reports its time

    pt = build_pt_session(page, live_server, clinic)
    pt.goto(f"{live_server}/console/members/{clinic.member_ids['ann']}/motion")
    assert pt.locator("[data-testid=motion-session]").count() == 1
    assert "2 reps" in pt.locator("[data-testid=motion-session]").inner_text()
    assert pt.locator("[data-testid=motion-logged]").count() == 1
    token = _token(live_server, clinic.emails["pt_a"])
    logs = httpx.get(f"{live_server}/api/v1/members/{clinic.member_ids['ann']}/exercise-sessions",
                     headers={"Authorization": f"Bearer {token}"}).json()
    squat = next(e for s in logs if s["id"] == logged_id for e in s["entries"] if e["exercise_id"] == "squat")
    assert squat["motion_summary"]["reps"] == 2 and squat["motion_summary"]["sets"][0]["mean_rom_deg"] > 60
    pt.context.close()


def _token(base: str, email: str) -> str:
    response = httpx.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _log_todays_squats(base: str, clinic) -> str:
    """The PT plans squats and the member logs today's session (the camera set then joins it)."""
    member_id = clinic.member_ids["ann"]
    pt = {"Authorization": f"Bearer {_token(base, clinic.emails['pt_a'])}"}
    plan = httpx.post(f"{base}/api/v1/members/{member_id}/exercise-plans", headers=pt, json={
        "items": [{"exercise_id": "squat", "dose": {"sets": 1, "reps": 2}}], "note": "Camera squats"})
    assert plan.status_code == 201, plan.text
    approved = httpx.post(f"{base}/api/v1/members/{member_id}/exercise-plans/{plan.json()['version']}/approve",
                          headers=pt, json={"note": "ok"})
    assert approved.status_code == 200, approved.text
    member = {"Authorization": f"Bearer {_token(base, clinic.emails['ann'])}"}
    logged = httpx.post(f"{base}/api/v1/members/{member_id}/exercise-sessions", headers=member, json={
        "plan_version": plan.json()["version"], "idempotency_key": "e2e-today", "entries": [
            {"exercise_id": "squat", "sets_done": 1, "reps_done": 2, "difficulty": "right", "pain_before": 1,
             "pain_after": 1}]})
    assert logged.status_code == 201, logged.text
    return logged.json()["id"]


def build_pt_session(page, base: str, clinic):
    """A second browser context signed in as the member's physical therapist."""
    other = page.context.browser.new_context().new_page()
    other.goto(f"{base}/login")
    other.fill("#email", clinic.emails["pt_a"])
    other.fill("#password", PASSWORD)
    with other.expect_navigation():
        other.click("button[type=submit]")
    return other
