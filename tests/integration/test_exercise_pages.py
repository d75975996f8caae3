"""The exercise pages: the member's log form refuses bad and stale input clearly; the PT's pages render."""

import pytest

from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _form(plan: dict, version: int, key: str, **override) -> dict:
    form = {"plan_version": str(version), "idempotency_key": key}
    for i, item in enumerate(plan["items"]):
        form.update({f"exercise_{i}": item["exercise_id"], f"sets_{i}": "2", f"amount_{i}": "8",
                     f"difficulty_{i}": "right", f"pain_before_{i}": "2", f"pain_after_{i}": "2"})
    form.update(override)
    return form


def test_member_form_logs_once_and_explains_bad_or_stale_input(client, clinic):
    ann = clinic.member_ids["ann"]
    pt, member = bearer(client, clinic.emails["pt_a"]), bearer(client, clinic.emails["ann"])
    html = {**member, "Accept": "text/html"}
    assert "preparing your exercise plan" in client.get("/me/exercise", headers=html).text
    client.post(f"/api/v1/members/{ann}/exercise-plans/draft", json={"regions": ["neck"], "pain": 3}, headers=pt)
    plan = client.post(f"/api/v1/members/{ann}/exercise-plans/1/approve", headers=pt).json()
    page = client.get("/me/exercise", headers=html).text
    assert page.count('data-testid="exercise-card"') == len(plan["items"]) and 'name="plan_version" value="1"' in page
    bad = client.post("/me/exercise", headers=html, data=_form(plan, 1, "k1", pain_after_0="11"))
    assert bad.status_code == 422 and "pain_after_0: must be from 0 to 10" in bad.text
    done = client.post("/me/exercise", headers=html, data=_form(plan, 1, "k2"), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/me/exercise?logged=1"
    client.post("/me/exercise", headers=html, data=_form(plan, 1, "k2"), follow_redirects=False)
    assert len(client.get(f"/api/v1/members/{ann}/exercise-sessions", headers=member).json()) == 1
    client.post(f"/api/v1/members/{ann}/exercise-plans/draft", json={"regions": ["knee"], "pain": 3}, headers=pt)
    client.post(f"/api/v1/members/{ann}/exercise-plans/2/approve", headers=pt)
    stale = client.post("/me/exercise", headers=html, data=_form(plan, 1, "k3"))
    assert stale.status_code == 409 and "not the member&#39;s current plan" in stale.text


def test_pt_pages_show_the_plan_and_refuse_other_teams_and_members(client, clinic):
    ann, cat = clinic.member_ids["ann"], clinic.member_ids["cat"]
    pt = {**bearer(client, clinic.emails["pt_a"]), "Accept": "text/html"}
    client.post(f"/api/v1/members/{ann}/exercise-plans/draft", json={"regions": ["hip"], "pain": 5}, headers=pt)
    page = client.get(f"/console/members/{ann}/plan", headers=pt)
    assert page.status_code == 200 and "waiting for approval" in page.text and "Version history" in page.text
    overview = client.get("/console/exercise", headers=pt).text
    assert "Quixotic" in overview and "draft to review" in overview and "Vexillary" not in overview
    assert client.get(f"/console/members/{cat}/plan", headers=pt).status_code == 403
    member = {**bearer(client, clinic.emails["ann"]), "Accept": "text/html"}
    assert client.get(f"/console/members/{ann}/plan", headers=member).status_code == 403
    saved = client.post(f"/console/members/{ann}/plan", headers=pt, follow_redirects=False, data={
        "exercise_0": "clamshell", "sets_0": "2", "reps_0": "12", "exercise_1": "levitation", "note": "x"})
    assert saved.status_code == 422 and "row 2: unknown exercise id" in saved.text


def test_the_overview_page_runs_the_same_number_of_queries_for_more_members(client, clinic, db):
    from sqlalchemy import event

    statements = []
    # Reads only: the audit trail writes one row per member shown, by design.
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *rest: statements.append(1) if sql.lstrip().upper().startswith("SELECT")
                 else None)

    def count(email: str) -> int:
        headers = {**bearer(client, clinic.emails[email]), "Accept": "text/html"}
        statements.clear()
        assert client.get("/console/exercise", headers=headers).status_code == 200
        return len(statements)

    pt = bearer(client, clinic.emails["pt_a"])
    for key in ("ann", "bob"):
        client.post(f"/api/v1/members/{clinic.member_ids[key]}/exercise-plans/draft", headers=pt,
                    json={"regions": ["knee"], "pain": 3})
    assert count("pt_a") == count("pt_b")  # two members with plans vs one without: no per-member queries
