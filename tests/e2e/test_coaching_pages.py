"""A member logs a TENS session, and a coach answers a hand-off from the panel, in headless Chromium."""

from datetime import UTC, datetime, timedelta

import pytest

from openmsk.careteam.tasks import create_task
from openmsk.coaching.models import Nudge
from tests.integration.clinic import build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def test_member_logs_a_device_session_and_sees_the_relief(db, live_server, page):
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["ann"])
    page.click("nav >> text=Coaching")
    page.click("text=Pain-relief device")
    # Two days back: the form reads the time in the member's zone, so "yesterday evening" can still be
    # in the future just after midnight UTC.
    earlier = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT19:30")
    page.fill("#start", earlier)
    page.fill("#duration_min", "30")
    page.select_option("#mode", "burst")
    page.fill("#intensity", "22")
    page.select_option("#body_site", "knee")
    page.fill("#pain_before", "7")
    page.fill("#pain_after", "3")
    with page.expect_navigation():
        page.click("[data-testid=device-form] button[type=submit]")
    assert page.locator("[role=status]").inner_text() == "Saved."
    row = page.locator("[data-testid=device-sessions] tbody tr").first.inner_text()
    assert "burst" in row and "knee" in row and "7 → 3" in row and "+4" in row
    assert page.locator("[data-testid=average-relief]").inner_text() == "4.0"
    page.fill("#start", earlier)  # the same start again is refused with a plain message
    for field, value in (("#duration_min", "30"), ("#intensity", "22"), ("#pain_before", "7"), ("#pain_after", "3")):
        page.fill(field, value)
    with page.expect_navigation():
        page.click("[data-testid=device-form] button[type=submit]")
    assert "already logged" in page.locator("[role=alert]").inner_text()
    assert page.locator("[data-testid=device-sessions] tbody tr").count() == 1


def test_coach_answers_a_hand_off_from_the_panel_and_the_member_reads_it(db, live_server, page):
    clinic = build_clinic(db)
    bob = clinic.member_ids["bob"]
    with db.transaction() as session:  # what the nudge job records after three ignored nudges
        now = datetime.now(UTC)
        task = create_task(session, member_id=bob, assignee_role="health_coach", kind="coach_handoff",
                           title="Member is not responding to nudges", dedup_key=f"{bob}:coach_handoff:x")
        session.add(Nudge(key=f"{bob}:coach_handoff:x", member_id=bob, kind="coach_handoff", episode="x",
                          channel="coach_task", reason="ignored", message="", status="sent", sent_at=now,
                          created_at=now, task_id=task.id))
    sign_in(page, live_server, clinic.emails["coach"])
    page.click("nav >> text=Coaching panel")
    first = page.locator("[data-testid=coaching-panel] tbody tr").first
    assert "Zanzibar, Bartholomew" in first.inner_text() and "not responding to nudges" in first.inner_text()
    first.locator("text=Answer").click()
    page.select_option("#template", "quiet_spell")
    with page.expect_navigation():
        page.click("[data-testid=message-form] button[type=submit]")
    assert page.locator("[role=status]").inner_text() == "Saved."
    assert "Hi Bartholomew, I haven't seen you log anything" in page.locator("[data-testid=notes]").inner_text()
    page.click("text=← Panel")
    assert "Answer" not in page.locator("[data-testid=coaching-panel]").inner_text()
    page.context.clear_cookies()
    sign_in(page, live_server, clinic.emails["bob"])
    page.goto(f"{live_server}/me/coaching")
    assert "Hi Bartholomew, I haven't seen you log anything" in page.locator("[data-testid=messages]").inner_text()
