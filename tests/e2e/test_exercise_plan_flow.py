"""A PT approves a drafted plan, the member walks through and logs a session, the PT sees the result."""

import pytest

from tests.integration.clinic import build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def test_pt_approves_a_draft_member_logs_a_session_and_pt_sees_adherence_and_a_proposal(db, live_server, page):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    sign_in(page, live_server, clinic.emails["pt_a"])
    page.goto(f"{live_server}/console/members/{ann}/plan")
    page.fill("#regions", "knee")
    page.fill("#pain", "4")
    with page.expect_navigation():
        page.click("[data-testid=draft]")
    assert "waiting for approval" in page.locator("[data-testid=draft-plan]").inner_text()
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    assert "version 1" in page.locator("[data-testid=current-plan]").inner_text()

    sign_in(page, live_server, clinic.emails["ann"])
    with page.expect_navigation():
        page.click("text=My exercises")
    cards = page.locator("[data-testid=exercise-card]")
    count = cards.count()
    assert 5 <= count <= 8 and page.locator("[data-player-progress]").inner_text() == f"Exercise 1 of {count}"
    for i in range(count):
        card = cards.nth(i)
        assert card.is_visible() and card.locator("ol li").count() >= 2
        card.locator(f"#pain_before_{i}").fill("3")
        card.locator(f"#pain_after_{i}").fill("6" if i == 0 else "3")  # a flare on the first exercise
        card.get_by_label("About right").check()
        if i < count - 1:
            page.click("[data-player-next]")
    with page.expect_navigation():
        page.click("[data-testid=log-submit]")
    assert page.locator("[data-testid=logged]").is_visible()
    assert "1 of 3" in page.locator("[data-testid=adherence]").inner_text()

    sign_in(page, live_server, clinic.emails["pt_a"])
    page.goto(f"{live_server}/console/exercise")
    row = page.locator("[data-testid=exercise-overview] tr", has_text="Quixotic")
    assert "1 / 3" in row.inner_text() and "1 pending" in row.inner_text()
    with page.expect_navigation():
        row.locator("a").click()
    assert "this week 1 / 3" in page.locator("[data-testid=adherence]").inner_text()
    proposal = page.locator("[data-testid=proposal]")
    assert proposal.count() == 1 and "regression" in proposal.inner_text()
    with page.expect_navigation():
        proposal.locator("button[value=approve]").click()
    assert "version 2" in page.locator("[data-testid=current-plan]").inner_text()
