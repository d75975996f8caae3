"""Program reports (suppression, PDF, CSV), progress access and the not-improving task, over HTTP and the database."""

import csv
import io
import subprocess
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from openmsk.auth.models import AuditEvent
from openmsk.careteam.models import Task
from openmsk.intake.service import record_assessment
from openmsk.jobs.registry import periodic_jobs, run_job
from openmsk.outcomes import sources
from openmsk.outcomes.jobs import JOB_NAME
from openmsk.outcomes.service import evaluate_not_improving
from openmsk.routes import iter_routes
from tests.integration.clinic import bearer, build_clinic
from tests.integration.test_outcomes_data import START, add_members, at, record_history

COUNT_METRICS = ("enrolled", "completers", "members", "_n", "_count", "n_analysed", "n_members")


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def test_program_report_shows_numbers_but_never_a_small_cell_in_html_csv_or_pdf(db, client, clinic, tmp_path):
    with db.transaction() as session:
        ids = list(clinic.member_ids.values()) + add_members(session, clinic.org_id, 11)
        record_history(session, ids)
    admin = bearer(client, clinic.emails["program_admin"])
    query = {"organization": clinic.org_id}
    page = client.get("/reports/outcomes", params=query, headers=admin)
    assert page.status_code == 200 and "suppressed" in page.text and "Methods and definitions" in page.text
    for private in ("Quixotic", "Personname", *ids):
        assert private not in page.text
    table = list(csv.reader(io.StringIO(client.get("/reports/outcomes.csv", params=query, headers=admin).text)))
    assert table[0] == ["table", "group", "level", "metric", "value", "suppressed"]
    shown = {row[3]: row[4] for row in table[1:] if row[0] == "key" and row[5] == "false"}
    assert shown["enrolled"] == "14" and shown["itt_pain_change_pct_mean"]
    for _table, _group, _level, metric, value, hidden in table[1:]:
        if hidden == "true":
            assert value == ""
        elif metric.endswith(COUNT_METRICS) and value:
            assert float(value) == 0 or float(value) >= 11, metric
    pdf = client.get("/reports/outcomes.pdf", params=query, headers=admin)
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "report.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "report.pdf", "page"], cwd=tmp_path,
                   check=True, timeout=60)
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        assert image.width > 200 and image.height > 200
        low, high = image.convert("L").getextrema()
        assert low < 128 < high  # text on a page, not a blank image
    with db.transaction() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.resource_type == "OutcomesReport"))


def test_report_form_errors_are_named_and_downloads_need_an_organization(client, clinic):
    admin = bearer(client, clinic.emails["program_admin"])
    bad = client.get("/reports/outcomes", params={"organization": "nope", "enrolled_from": "31/12/2026"}, headers=admin)
    assert bad.status_code == 422 and "enrolled_from: use a date like" in bad.text
    missing = client.get("/reports/outcomes.csv", headers=admin)
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["location"] == ["query", "organization"]
    tiny = client.get("/api/v1/reports/outcomes", params={"organization": clinic.org_id, "currency": "USD",
                      "surgery_unit_cost": "1", "imaging_unit_cost": "1", "avoided_surgeries_per_1000_enrolled": "1",
                      "avoided_imaging_per_1000_enrolled": "1"}, headers=admin).json()
    assert tiny["cost_estimate_withheld"] and "cost_estimate" not in tiny  # 3 members: the size would show
    member = bearer(client, clinic.emails["ann"])
    assert client.get("/reports/outcomes", params={"organization": clinic.org_id}, headers=member).status_code == 403


def test_a_program_admin_reaches_no_member_route(app, client, clinic):
    admin = bearer(client, clinic.emails["program_admin"])
    checked = 0
    for route in iter_routes(app):
        if "GET" not in route.methods or not ("{member_id}" in route.path or route.path.startswith(("/me", "/console"))):
            continue
        path = route.path.replace("{member_id}", clinic.member_ids["ann"])
        path = __import__("re").sub(r"\{[^}]+\}", "x", path)
        response = client.get(path, headers=admin)
        assert response.status_code == 403, route.path
        assert "Quixotic" not in response.text
        checked += 1
    assert checked >= 4


def test_progress_is_shown_to_the_member_and_their_care_team_only(client, db, clinic, monkeypatch):
    ann = clinic.member_ids["ann"]
    monkeypatch.setattr(sources, "mme_by_week", lambda s, *, member_ids: None)
    with db.transaction() as session:
        for week, pain in ((0, 8), (1, 7), (3, 5)):
            record_assessment(session, member_id=ann, instrument="nrs", answers=[pain], taken_at=at(week), actor=None)
        record_assessment(session, member_id=ann, instrument="phq9", answers=[1] * 9, taken_at=at(0), actor=None)
    own = client.get("/me/progress", headers=bearer(client, clinic.emails["ann"]))
    assert own.status_code == 200 and own.text.count("<svg") == 2 and "38% lower" in own.text
    pt_a = bearer(client, clinic.emails["pt_a"])
    series = client.get(f"/api/v1/members/{ann}/progress", headers=pt_a).json()["series"]
    assert [(p["week"], p["value"]) for p in series[0]["points"]] == [(0, 8.0), (1, 7.0), (3, 5.0)]
    assert client.get(f"/console/members/{ann}/progress", headers=pt_a).status_code == 200
    assert "No check-ins yet" in client.get("/me/progress", headers=bearer(client, clinic.emails["bob"])).text
    assert client.get(f"/console/members/{ann}/progress", headers=bearer(client, clinic.emails["pt_b"])).status_code == 403
    with db.transaction() as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "Progress",
                                                         AuditEvent.member_id == ann)).all()
    assert len([r for r in reads if r.outcome == "success"]) == 3 and any(r.outcome == "denied" for r in reads)


def test_not_improving_opens_one_task_per_member_and_week_for_the_physical_therapist(db, services, clinic, monkeypatch):
    ids = clinic.member_ids
    with db.transaction() as session:
        for key, pains in (("ann", (8, 7)), ("bob", (8, 3)), ("cat", (8, 8))):
            for week, pain in zip((0, 6), pains):
                record_assessment(session, member_id=ids[key], instrument="nrs", answers=[pain], taken_at=at(week),
                                  actor=None)
    adherence = {ids["ann"]: {w: 3 for w in range(6)}, ids["bob"]: {w: 3 for w in range(6)}, ids["cat"]: {0: 1}}
    monkeypatch.setattr(sources, "sessions_by_week", lambda s, *, member_ids: adherence)
    today = START + timedelta(weeks=6, days=3)
    with db.transaction() as session:
        first = evaluate_not_improving(session, today=today)
        again = evaluate_not_improving(session, today=today)
        assert [t.member_id for t in first] == [ids["ann"]] and [t.id for t in again] == [first[0].id]
        task = session.scalar(select(Task).where(Task.kind == "not_improving"))
        assert task.assignee_clinician_id == clinic.clinician_ids["pt_a"] and "week 6" in task.title
    monkeypatch.setattr(sources, "sessions_by_week", lambda s, *, member_ids: None)
    with db.transaction() as session:
        assert evaluate_not_improving(session, today=today + timedelta(weeks=1)) == []
    assert JOB_NAME in periodic_jobs()
    run_job(services.context, JOB_NAME, {})  # today's date: no member is in weeks 6-12, nothing to open
    with db.transaction() as session:
        assert len(session.scalars(select(Task).where(Task.kind == "not_improving")).all()) == 1
