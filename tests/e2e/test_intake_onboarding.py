"""A member completes onboarding and a reassessment in Chromium, one question per screen; the assigned PT then
sees the intake with its pain, function and task details."""

import pytest
from playwright.sync_api import expect

from openmsk.intake.questions import flow
from openmsk.intake.scoring import get_instrument
from openmsk.intake.submit import submit_intake
from tests.integration.clinic import build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser
ACTIVITIES = ["climbing stairs", "kneeling in the garden", "running 5 km"]


def _answer_current_screen(page, seen: dict) -> None:
    """Answer the screen (knee pain, named activities, item 9 of the PHQ-9 positive), then go on."""
    counter = page.locator("#progress-text").inner_text()
    question = page.locator("#question").inner_text()
    assert page.locator("#question").count() == 1  # one question per screen
    choices = page.locator("#intake-app .choices input[type=radio], #intake-app .choices input[type=checkbox]")
    if page.locator("#activity").count():
        index = len(seen.setdefault("activities", []))
        page.fill("#activity", ACTIVITIES[index])
        seen["activities"].append(page.locator("[data-testid=item-counter]").inner_text())
        choices.nth(4).check()
    elif question == "Where is your pain?":
        page.check("[data-testid=option-knee]")
    elif "better off dead" in question:
        choices.nth(1).check()
    elif choices.count() and "Smoking" not in question and "Goals" not in question:
        choices.first.check()
    if page.locator("[data-testid=licensed-note]").count():
        expect(page.locator("[data-testid=licensed-note]")).to_contain_text("licensed")
        seen.setdefault("licensed", []).append((question, page.locator("[data-testid=item-counter]").inner_text()))
    page.click("[data-testid=next]")
    expect(page.locator("#progress-text")).not_to_have_text(counter)


def test_member_completes_onboarding_and_the_assigned_pt_sees_the_intake_and_tasks(db, live_server, page):
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["ann"])
    assert page.url.endswith("/me/intake")  # a new member is sent to the questionnaire first
    expect(page.locator("[data-testid=team-intro]")).to_contain_text("PT_A")
    expect(page.locator("#progress-text")).to_have_text(f"Question 1 of {len(flow({}))}")
    seen: dict = {}
    for _ in range(5):  # pain, the three PEG items, then the region: the knee adds the KOOS JR screens
        _answer_current_screen(page, seen)
    knee = flow({"lifestyle": {"body_regions": ["knee"]}})
    page.reload()  # resume from the server-side draft
    expect(page.locator("#progress-text")).to_have_text(f"Question 6 of {len(knee)}")
    expect(page.locator("[data-testid=item-counter]")).to_have_text("Item 1 of 7")
    assert page.locator("#progress-bar").evaluate("e => parseFloat(e.style.width)") > 0
    while not page.locator("[data-testid=submit-intake]").is_visible():
        _answer_current_screen(page, seen)
    koos = get_instrument("koos_jr").items
    assert seen["licensed"] == [(item.label, f"Item {n} of 7") for n, item in enumerate(koos, 1)]
    assert seen["activities"] == ["Activity 1 of 3", "Activity 2 of 3", "Activity 3 of 3"]
    with page.expect_navigation():
        page.click("[data-testid=submit-intake]")
    assert page.url.endswith("/me/intake/results")
    results = page.locator("[data-testid=results]")
    expect(results).to_contain_text("Pain and how it gets in the way (PEG)")
    expect(results).to_contain_text("climbing stairs, kneeling in the garden, running 5 km")
    expect(results).to_contain_text("Knee function (KOOS JR)")
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
    function = page.locator("[data-testid=function-scores]")
    expect(function).to_contain_text("Pain and how it gets in the way (PEG)")
    expect(function).to_contain_text("climbing stairs: 4/10; kneeling in the garden: 4/10; running 5 km: 4/10")
    expect(function).to_contain_text("Knee function (KOOS JR)")
    expect(page.locator("[data-testid=intake-tasks]")).to_contain_text("Review intake")


def test_member_answers_a_reassessment_one_question_per_screen_and_resumes_it(db, live_server, page):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    with db.transaction() as session:
        submit_intake(session, member_id=ann, psfs_activities=ACTIVITIES, idempotency_key="e2e-reassess-1",
                      actor=None, answers={"nrs": [5], "phq9": [0] * 9, "gad7": [0] * 7, "red_flags": [0] * 9,
                                           "psfs": [4, 5, 6], "lifestyle": {"body_regions": ["knee"]}})
    sign_in(page, live_server, clinic.emails["ann"])
    page.goto(f"{live_server}/me/reassessments/gad7")
    seen: dict = {}
    expect(page.locator("#progress-text")).to_have_text("Question 1 of 7")
    for _ in range(3):
        _answer_current_screen(page, seen)
    page.reload()  # the draft is on the server
    expect(page.locator("#progress-text")).to_have_text("Question 4 of 7")
    page.click("#intake-app button.secondary")
    expect(page.locator("#intake-app input[type=radio]:checked")).to_have_count(1)  # the saved answer is kept
    while not page.locator("[data-testid=submit-intake]").is_visible():
        _answer_current_screen(page, seen)
    with page.expect_navigation():
        page.click("[data-testid=submit-intake]")
    assert "/me/reassessments?done=gad7" in page.url
    expect(page.locator("[role=status]")).to_contain_text("your answers are saved")

    page.goto(f"{live_server}/me/reassessments/psfs")  # the activities named at intake are rated again
    expect(page.locator("[data-testid=activity-name]")).to_have_text("climbing stairs")
    expect(page.locator("#progress-text")).to_have_text("Question 1 of 3")
