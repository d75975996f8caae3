"""A member completes onboarding in Chromium, one question per screen; the assigned PT then sees it."""

import pytest
from playwright.sync_api import expect

from openmsk.intake.questions import screens
from tests.integration.clinic import build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def _answer_current_screen(page) -> None:
    """Pick an answer where one is needed (item 9 of the PHQ-9 positive), then go on."""
    counter = page.locator("#progress-text").inner_text()
    question = page.locator("#question").inner_text()
    choices = page.locator("#intake-app .choices input[type=radio], #intake-app .choices input[type=checkbox]")
    if "better off dead" in question:
        choices.nth(1).check()
    elif choices.count() and "Smoking" not in question and "Goals" not in question:
        choices.first.check()
    page.click("[data-testid=next]")
    expect(page.locator("#progress-text")).not_to_have_text(counter)


def test_member_completes_onboarding_and_the_assigned_pt_sees_the_intake_and_tasks(db, live_server, page):
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["ann"])
    assert page.url.endswith("/me/intake")  # a new member is sent to the questionnaire first
    expect(page.locator("[data-testid=team-intro]")).to_contain_text("PT_A")
    total = len(screens())
    expect(page.locator("#progress-text")).to_have_text(f"Question 1 of {total}")
    for _ in range(5):
        _answer_current_screen(page)
    page.reload()  # resume from the server-side draft
    expect(page.locator("#progress-text")).to_have_text(f"Question 6 of {total}")
    assert page.locator("#progress-bar").evaluate("e => parseFloat(e.style.width)") > 0
    while not page.locator("[data-testid=submit-intake]").is_visible():
        _answer_current_screen(page)
    with page.expect_navigation():
        page.click("[data-testid=submit-intake]")
    assert page.url.endswith("/me/intake/results")
    expect(page.locator("[data-testid=crisis-resources]")).to_contain_text("988")
    expect(page.locator("[data-testid=care-team]")).to_contain_text("PT_A")

    page.context.clear_cookies()
    sign_in(page, live_server, clinic.emails["pt_a"])
    page.goto(f"{live_server}/console/tasks")
    tasks = page.locator("[data-testid=task-list]")
    expect(tasks).to_contain_text("Review intake")
    expect(tasks).to_contain_text("PHQ-9 item 9 positive")
    with page.expect_navigation():
        page.click("[data-testid=task-list] >> text=Quixotic, Annabel >> nth=0")
    expect(page.locator("[data-testid=risk-level]")).to_have_text("high")
    expect(page.locator("[data-testid=routing]")).to_contain_text("behavioral health")
