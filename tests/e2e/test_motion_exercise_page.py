"""The member's exercise page in headless Chromium: recorded landmarks replayed through the live socket."""

import pytest

from openmsk.motion import service
from tests.integration.clinic import PASSWORD, build_clinic

pytestmark = pytest.mark.browser


def test_member_replays_the_recorded_squat_video_landmarks_and_sees_two_reps(db, live_server, page,
                                                                                shared_data_dir, monkeypatch):
    monkeypatch.setattr(service, "plan_exercise_ids", lambda session, member_id: None)
    landmarks = next((shared_data_dir / "motion" / "video").glob("*.mediapipe0.10.21_full.csv.gz"))
    clinic = build_clinic(db)
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
    assert status.inner_text() == "Saved: 2 reps."
    assert float(page.locator("[data-testid=processing-ms]").inner_text()) >= 0  # the server reports its time

    pt = build_pt_session(page, live_server, clinic)
    pt.goto(f"{live_server}/console/members/{clinic.member_ids['ann']}/motion")
    assert pt.locator("[data-testid=motion-session]").count() == 1
    assert "2 reps" in pt.locator("[data-testid=motion-session]").inner_text()
    pt.context.close()


def build_pt_session(page, base: str, clinic):
    """A second browser context signed in as the member's physical therapist."""
    other = page.context.browser.new_context().new_page()
    other.goto(f"{base}/login")
    other.fill("#email", clinic.emails["pt_a"])
    other.fill("#password", PASSWORD)
    with other.expect_navigation():
        other.click("button[type=submit]")
    return other
