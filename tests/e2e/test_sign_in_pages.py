"""People sign in through the real pages in headless Chromium and see only what is theirs."""

import pytest

from openmsk.demo.seed import seed
from tests.integration.clinic import PASSWORD, build_clinic
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def test_demo_clinician_signs_in_and_sees_only_their_own_members(db, live_server, page):
    logins = {login["role"]: login for login in seed(db)}
    pt = logins["physical_therapist (team A)"]
    sign_in(page, live_server, pt["email"], pt["password"])
    assert page.url.endswith("/console")
    rows = page.locator("[data-testid=member-list] tbody tr")
    shown = rows.count()
    api = page.request.get(f"{live_server}/api/v1/members?limit=500").json()
    assert 0 < shown == len(api) < 50
    other = logins["physical_therapist (team B)"]
    page.context.clear_cookies()
    sign_in(page, live_server, other["email"], other["password"])
    theirs = {a.get_attribute("href") for a in page.locator("[data-testid=member-list] a").all()}
    assert len(theirs) == 50 - shown


def test_clinician_opens_a_chart_but_not_another_teams_member(db, live_server, page):
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["pt_a"], PASSWORD)
    page.click("text=Quixotic, Annabel")
    assert page.locator("h1").inner_text().startswith("Annabel Quixotic")
    response = page.goto(f"{live_server}/console/members/{clinic.member_ids['cat']}")
    assert response.status == 403 and "not in your care" in page.content()


def test_wrong_password_shows_an_error_and_signed_out_pages_redirect_tosign_in(db, live_server, page):
    clinic = build_clinic(db)
    page.goto(f"{live_server}/console")
    assert "/login" in page.url
    sign_in(page, live_server, clinic.emails["pt_a"], "not the password")
    assert page.locator("[role=alert]").inner_text() == "email or password is incorrect"


def test_new_member_starts_with_the_questionnaire_sees_their_team_and_can_sign_out(db, live_server, page):
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["ann"], PASSWORD)
    assert page.url.endswith("/me/intake")
    assert "PT_A" in page.content() and "PT_B" not in page.content()
    with page.expect_navigation():
        page.click("text=Sign out")
    assert page.url.endswith("/login")
    assert page.goto(f"{live_server}/me").url.endswith("/login?next=/me")


def test_program_admin_sees_suppressed_small_cells(db, live_server, page):
    seed(db, n_members=15)
    clinic = build_clinic(db)
    sign_in(page, live_server, clinic.emails["program_admin"], PASSWORD)
    assert page.url.endswith("/reports")
    table = page.locator("table").inner_text()
    assert "Test Employer" in table and "suppressed" in table
