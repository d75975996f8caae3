"""Escalation pages: the worklist with its actions, a member's alert history, and the admin rule page."""

from datetime import UTC, datetime, timedelta

from tests.integration.clinic import bearer, build_clinic

ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _ed(rid: str, start: str) -> dict:
    return {"resourceType": "Encounter", "id": rid, "status": "finished",
            "class": {"system": ACTCODE, "code": "EMER"}, "period": {"start": start}}


def test_pages_show_alerts_context_and_rules_and_act_through_forms(client, db):
    clinic = build_clinic(db)
    pt, admin = bearer(client, clinic.emails["pt_a"]), bearer(client, clinic.emails["admin"])
    recent = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    member = clinic.member_ids["ann"]
    client.post(f"/api/v1/members/{member}/clinical-events", headers=pt,
                json={"resources": [_ed("ed-now", recent), _ed("ed-2019", "2019-05-01T08:00:00Z")]})
    page = client.get("/console/escalations", headers=pt)
    assert page.status_code == 200 and page.text.count('class="esc-row') == 1
    assert "Quixotic, Annabel" in page.text and "EventSource" not in page.text  # the script is a static file
    alert_id = client.get("/api/v1/escalations/alerts", headers=pt).json()[0]["id"]
    done = client.post(f"/console/escalations/{alert_id}/resolve", headers=pt, follow_redirects=False,
                       data={"outcome": "no_action_needed", "back": "https://evil.example/"})
    assert done.status_code == 303 and done.headers["location"] == "/console/escalations"
    assert 'class="esc-row' not in client.get("/console/escalations", headers=pt).text
    history = client.get(f"/console/members/{member}/escalations", headers=pt)
    assert history.status_code == 200 and "2019-05-01" in history.text and "no_action_needed" in history.text
    other = client.get(f"/console/members/{member}/escalations", headers=bearer(client, clinic.emails["pt_b"]))
    assert other.status_code == 403
    rules = client.get("/admin/escalation-rules", headers=admin)
    assert rules.status_code == 200 and "ed-visit" in rules.text
    bad = client.post("/admin/escalation-rules", headers=admin, data={"definition": "id: x\\ncategory: nope"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    off = client.post("/admin/escalation-rules/pain-spike/disable", headers=admin, follow_redirects=False)
    assert off.status_code == 303
    assert client.get("/console/escalations", headers=admin).status_code == 403
