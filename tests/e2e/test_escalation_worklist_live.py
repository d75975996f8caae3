"""A clinician's open worklist shows a new alert live (Server-Sent Events) and they resolve it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from openmsk.escalation.models import EscalationAlert
from openmsk.jobs import emit
from tests.integration.clinic import PASSWORD, build_clinic

pytestmark = pytest.mark.browser


def test_new_alert_appears_live_and_the_clinician_resolves_it(db, services, live_server, page):
    clinic = build_clinic(db)
    page.goto(f"{live_server}/login?next=/console/escalations")
    page.fill("#email", clinic.emails["pt_a"])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/console/escalations")
    page.wait_for_selector("[data-testid=live-state]:text('live')", timeout=5000)
    assert page.locator("tr.esc-row").count() == 0

    emit(services.queue, "signal.reported", {
        "member_id": clinic.member_ids["bob"], "kind": "red_flag_reported", "signal_id": "intake-42",
        "occurred_at": datetime.now(UTC).isoformat(), "text": "new bladder symptoms reported at intake"})
    row = page.locator("tr.esc-row")
    row.wait_for(timeout=5000)  # no reload: the row arrives over the open EventSource
    assert "red flag reported" in row.inner_text() and "Zanzibar, Bartholomew" in row.inner_text()
    assert page.locator("[data-testid=alert-count]").inner_text() == "(1)"

    row.locator("select[name=outcome]").select_option("called_member")
    row.locator("input[name=note]").fill("advised urgent assessment today")
    with page.expect_navigation():
        row.locator("form.resolve button").click()
    assert page.locator("tr.esc-row").count() == 0
    assert page.locator("#worklist-empty").is_visible()
    with db.transaction() as session:
        alert = session.scalar(select(EscalationAlert))
    assert (alert.status, alert.outcome, alert.category) == ("resolved", "called_member", "red_flag_reported")
