"""The clinician sees a member's imported provider records on the Records page of the chart."""

import json
from datetime import UTC, date, datetime

import pytest

from openmsk.interop import synthetic
from openmsk.interop.service import import_paths
from tests.integration.clinic import PASSWORD, build_clinic

pytestmark = pytest.mark.browser


def test_clinician_sees_imported_er_visit_prescription_and_mri_but_other_team_cannot(db, live_server, page, tmp_path):
    clinic = build_clinic(db)
    bundle = synthetic.transaction([
        synthetic.patient("ann-ehr", given="Annabel", family="Quixotic", birth_date=date(1971, 3, 14), sex="female"),
        *synthetic.er_visit("ann-ehr", datetime(2026, 10, 20, 22, tzinfo=UTC)),
        synthetic.opioid_prescription("ann-ehr", datetime(2026, 10, 20, 23, tzinfo=UTC)),
        synthetic.mri_study("ann-ehr", datetime(2026, 10, 27, 14, tzinfo=UTC))])
    (tmp_path / "ann.json").write_text(json.dumps(bundle))
    import_paths(db, [tmp_path / "ann.json"])
    page.goto(f"{live_server}/login")
    page.fill("#email", clinic.emails["pt_a"])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server}/console/members/{clinic.member_ids['ann']}/records")
    table = page.locator("[data-testid=imported-records]").inner_text()
    assert "Emergency room admission" in table and "oxycodone hydrochloride 5 MG Oral Tablet" in table
    assert "Magnetic Resonance" in table and "2026-10-27" in table
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.fill("#email", clinic.emails["pt_b"])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    response = page.goto(f"{live_server}/console/members/{clinic.member_ids['ann']}/records")
    assert response.status == 403 and page.locator("[data-testid=imported-records]").count() == 0
