"""After the intake: reassessments, the program's schedule, the care team's tasks and the pages."""

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from openmsk.careteam.models import Task
from openmsk.intake.reassess import open_reassessment_tasks
from openmsk.db import utcnow
from openmsk.program import program_week
from tests.integration.clinic import PASSWORD, bearer, build_clinic

INTAKE = {"answers": {
    "nrs": [6], "phq9": [1, 1, 0, 1, 0, 0, 0, 0, 0], "gad7": [1, 0, 0, 1, 0, 0, 0], "red_flags": [0] * 9,
    "lifestyle": {"body_regions": ["knee"], "height_cm": 160, "weight_kg": 60}}, "idempotency_key": "followup-0001"}


def _submit(client, clinic, key="ann"):
    member = clinic.member_ids[key]
    response = client.post(f"/api/v1/members/{member}/intake", json=INTAKE, headers=bearer(client, clinic.emails[key]))
    assert response.status_code == 201, response.text
    return member


def _sign_in(client, email):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)


def test_reassessments_fall_due_on_schedule_and_a_submission_clears_them(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)  # ann started 2026-11-01: the intake is her baseline, labelled week 0
    headers = bearer(client, clinic.emails["ann"])
    due = {d["instrument"] for d in client.get(f"/api/v1/members/{ann}/reassessments/due", headers=headers).json()}
    assert "nrs" not in due and "phq9" not in due  # answered this week at intake
    saved = client.post(f"/api/v1/members/{ann}/assessments", headers=headers,
                        json={"instrument": "gad7", "answers": [0] * 7, "idempotency_key": "re-gad7-0001"})
    again = client.post(f"/api/v1/members/{ann}/assessments", headers=headers,
                        json={"instrument": "gad7", "answers": [0] * 7, "idempotency_key": "re-gad7-0001"})
    assert saved.status_code == 201 and again.json()["taken_at"] == saved.json()["taken_at"]
    assert saved.json()["crisis_resources"] is None
    refused = client.post(f"/api/v1/members/{ann}/assessments", headers=headers,
                          json={"instrument": "red_flags", "answers": [0] * 9, "idempotency_key": "re-flags-001"})
    assert refused.status_code == 422 and "instrument" in refused.json()["error"]["message"]


def test_a_positive_item_9_at_reassessment_opens_an_urgent_task_in_the_same_request(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    response = client.post(f"/api/v1/members/{ann}/assessments", headers=bearer(client, clinic.emails["ann"]),
                           json={"instrument": "phq9", "answers": [1] * 8 + [1], "idempotency_key": "re-phq9-0001"})
    assert response.json()["crisis_resources"]["call"] == "988"
    with db.transaction() as session:
        kinds = session.scalars(select(Task.kind).where(Task.member_id == ann, Task.priority == "urgent")).all()
    assert kinds == ["urgent_behavioral_health"]
    _sign_in(client, clinic.emails["ann"])  # the check-ins page the questionnaire returns to shows them too
    page = client.get("/me/reassessments?done=phq9&crisis=1")
    assert 'data-testid="crisis-resources"' in page.text and "988 Suicide &amp; Crisis Lifeline" in page.text


def test_an_admin_sets_an_organization_schedule_and_bad_weeks_are_refused(db, client):
    clinic = build_clinic(db)
    admin = bearer(client, clinic.emails["admin"])
    url = f"/api/v1/organizations/{clinic.org_id}/reassessment-schedule"
    assert client.get(url, headers=admin).json()["weeks"]["phq9"] == [0, 4, 8, 12]
    saved = client.put(url, headers=admin, json={"weeks": {"phq9": [0, 6, 12]}, "pain_every_weeks": 2})
    assert saved.status_code == 200 and client.get(url, headers=admin).json()["weeks"]["phq9"] == [0, 6, 12]
    bad = client.put(url, headers=admin, json={"weeks": {"mood": [0]}})
    assert bad.status_code == 422 and "weeks.mood" in bad.json()["error"]["message"]
    assert client.put(url, headers=bearer(client, clinic.emails["pt_a"]), json={}).status_code == 403


def test_the_periodic_job_opens_one_reassessment_task_per_member_and_week(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    later = utcnow().date() + timedelta(weeks=4)
    week = program_week(date(2026, 11, 1), datetime.combine(later, time(12), UTC))  # ann's start: build_clinic
    client.put(f"/api/v1/organizations/{clinic.org_id}/reassessment-schedule",
               headers=bearer(client, clinic.emails["admin"]), json={"weeks": {"gad7": [week], "phq9": [], "function": []}})
    with db.transaction() as session:
        first = open_reassessment_tasks(session, today=later)
        second = open_reassessment_tasks(session, today=later)
        count = session.scalar(select(func.count()).select_from(Task).where(Task.kind == "reassess",
                                                                             Task.member_id == ann))
    assert (first, second, count) == (1, 1, 1)


def test_a_clinician_lists_tasks_and_moves_one_along(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    pt = bearer(client, clinic.emails["pt_a"])
    tasks = client.get("/api/v1/tasks", headers=pt).json()
    review = next(t for t in tasks if t["member_id"] == ann and t["kind"] == "review_intake")
    moved = client.patch(f"/api/v1/tasks/{review['id']}", headers=pt, json={"status": "done"})
    assert moved.status_code == 200 and moved.json()["status"] == "done"
    assert review["id"] not in {t["id"] for t in client.get("/api/v1/tasks", headers=pt).json()}
    done = client.get("/api/v1/tasks?status=done", headers=pt).json()
    assert [t["id"] for t in done] == [review["id"]]
    other = client.patch(f"/api/v1/tasks/{review['id']}", headers=bearer(client, clinic.emails["pt_b"]),
                         json={"status": "open"})
    assert other.status_code == 403


def test_a_new_member_lands_on_the_questionnaire_then_sees_results_and_the_pt_sees_the_summary(db, client):
    clinic = build_clinic(db)
    _sign_in(client, clinic.emails["ann"])
    landing = client.get("/me")
    assert 'id="intake-config"' in landing.text and 'name="csrf-token"' in landing.text
    ann = _submit(client, clinic)
    assert 'id="intake-config"' not in client.get("/me").text
    assert client.get("/me/intake").url.path == "/me/intake/results"
    page = client.get("/me/intake/results").text
    assert "PT_A" in page and "physical therapist" in page and "Mood (PHQ-9)" in page and "988" not in page
    client.cookies.clear()
    _sign_in(client, clinic.emails["pt_a"])
    summary = client.get(f"/console/members/{ann}/intake")
    assert summary.status_code == 200 and "phq9" in summary.text and "every member" in summary.text
    tasks = client.get("/console/tasks")
    assert "Review intake" in tasks.text and "Quixotic, Annabel" in tasks.text
    assert client.get(f"/console/members/{clinic.member_ids['cat']}/intake").status_code == 403


def test_an_admin_sees_intakes_with_unfilled_roles_and_overrides_an_assignment(db, client):
    clinic = build_clinic(db)
    doc = {**INTAKE, "answers": {**INTAKE["answers"], "phq9": [2, 2, 2, 2, 2, 0, 0, 0, 0]}}
    client.post(f"/api/v1/members/{clinic.member_ids['ann']}/intake", json=doc,
                headers=bearer(client, clinic.emails["ann"]))  # behavioral health needed; none on staff
    _sign_in(client, clinic.emails["admin"])
    listing = client.get("/admin/routing")
    assert "Quixotic, Annabel" in listing.text and "behavioral health" in listing.text
    ann = clinic.member_ids["ann"]
    form = client.get(f"/admin/members/{ann}/care-team")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    moved = client.post(f"/admin/members/{ann}/care-team", data={
        "csrf_token": token, "role": "physical_therapist", "clinician_id": clinic.clinician_ids["pt_b"],
        "reason": "member asked for a change"})
    assert moved.status_code == 200 and "Now: <strong>PT_B</strong>" in moved.text
    short = client.post(f"/admin/members/{ann}/care-team", data={
        "csrf_token": token, "role": "physical_therapist", "clinician_id": clinic.clinician_ids["pt_a"], "reason": ""})
    assert short.status_code == 422 and "reason" in short.text
