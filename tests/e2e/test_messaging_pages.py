"""A member writes to the care team in Chromium, the assigned physical therapist answers, the member sees who."""

import pytest

from tests.integration.clinic import build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def test_member_asks_the_assigned_pt_answers_and_the_member_sees_the_pts_name(db, live_server, page):
    clinic = build_clinic(db)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    sign_in(page, live_server, clinic.emails["ann"])
    with page.expect_navigation():
        page.click("header nav >> text=Messages")
    page.fill("#subject", "Knee after step-ups")
    page.select_option("#care_role", "physical_therapist")
    page.fill("#body", "My knee aches for a few hours after the step-ups.")
    with page.expect_navigation():
        page.click("[data-testid=new-thread] button[type=submit]")
    assert page.locator("[data-testid=thread-subject]").inner_text() == "Knee after step-ups"

    sign_in(page, live_server, clinic.emails["pt_a"])
    page.goto(f"{live_server}/console/messages")
    row = page.locator("[data-testid=inbox] tbody tr").first
    assert "Annabel Quixotic" in row.inner_text() and "1 unread" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("link", name="Knee after step-ups").click()
    page.fill("#body", "Lower the step height this week and keep pain at 3 out of 10 or less.")
    with page.expect_navigation():
        page.click("[data-testid=reply] button[type=submit]")
    assert "Lower the step height" in page.locator("[data-testid=messages]").inner_text()

    sign_in(page, live_server, clinic.emails["ann"])
    page.goto(f"{live_server}/me/messages")
    assert page.locator("[data-testid=unread]").inner_text() == "1 new"
    with page.expect_navigation():
        page.click("text=Knee after step-ups")
    answer = page.locator("[data-testid=message]").last
    assert answer.locator("[data-testid=sender]").inner_text() == "PT_A"
    assert answer.locator("[data-testid=sender-role]").inner_text() == "physical therapist"
    assert "Lower the step height" in answer.inner_text()
    mine = page.locator("[data-testid=message]").first
    assert "read by PT_A" in mine.inner_text()
