"""A member opens their progress charts and a program admin builds an outcomes report, in Chromium."""

import pytest

from tests.integration.clinic import build_clinic
from tests.integration.test_outcomes_data import add_members, record_history
from tests.e2e.browser import sign_in

pytestmark = pytest.mark.browser


def test_member_sees_progress_charts_and_program_admin_reads_a_suppressed_report(db, live_server, page):
    clinic = build_clinic(db)
    with db.transaction() as session:
        record_history(session, list(clinic.member_ids.values()) + add_members(session, clinic.org_id, 11))
    sign_in(page, live_server, clinic.emails["bob"])
    with page.expect_navigation():
        page.click("nav >> text=My progress")
    charts = page.locator("[data-testid=progress-charts] svg.outcomes-chart")
    assert charts.count() >= 3  # pain, PHQ-9, GAD-7 at least
    assert page.locator("[data-testid=chart-nrs] circle").count() >= 2
    assert charts.first.bounding_box()["width"] > 200
    page.context.clear_cookies()
    sign_in(page, live_server, clinic.emails["program_admin"])
    with page.expect_navigation():
        page.click("nav >> text=Outcomes")
    page.select_option("#organization", label="Test Employer")
    with page.expect_navigation():
        page.click("[data-testid=cohort-form] button[type=submit]")
    report = page.locator("[data-testid=outcomes-report]")
    key_numbers = report.locator("[data-testid=key-numbers]").inner_text()
    assert "enrolled\t14" in key_numbers and "suppressed" in key_numbers
    assert report.locator("img").count() == 3
    assert "Bartholomew" not in page.content() and "Personname" not in page.content()
    pdf_href = report.locator("text=Download PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server}{pdf_href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
