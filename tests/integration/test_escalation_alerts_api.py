"""Escalation alerts over HTTP: records in, one alert per episode, the monitoring window, actions, access."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from openmsk.auth.models import AuditEvent
import pytest

from tests.integration.clinic import bearer, build_clinic

ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CPT = "http://www.ama-assn.org/go/cpt"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"


def _recent(days_ago: int = 2) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()


def ed_visit(resource_id: str, start: str) -> dict:
    return {"resourceType": "Encounter", "id": resource_id, "status": "finished",
            "class": {"system": ACTCODE, "code": "EMER"}, "period": {"start": start}}


def lumbar_mri_order(resource_id: str, when: str) -> dict:
    return {"resourceType": "ServiceRequest", "id": resource_id, "status": "active", "intent": "order",
            "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]},
            "authoredOn": when}


def lumbar_mri_study(resource_id: str, when: str) -> dict:
    return {"resourceType": "ImagingStudy", "id": resource_id, "status": "available", "started": when,
            "procedureCode": [{"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine"}]}],
            "series": [{"uid": "1.2.3", "modality": {"system": DICOM, "code": "MR"},
                        "bodySite": {"display": "Lumbar spine"}}]}


_TOKENS: dict[tuple[int, str], dict] = {}


def _auth(client, clinic, who: str) -> dict:
    key = (id(clinic), who)
    if key not in _TOKENS:
        _TOKENS[key] = bearer(client, clinic.emails[who])
    return _TOKENS[key]


def _post(client, clinic, key: str, resources: list, who: str = "pt_a"):
    return client.post(f"/api/v1/members/{clinic.member_ids[key]}/clinical-events",
                       json={"resources": resources}, headers=_auth(client, clinic, who))


def _alerts(client, clinic, who: str = "pt_a", query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/escalations/alerts{query}", headers=_auth(client, clinic, who))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(autouse=True)
def _fresh_tokens():
    _TOKENS.clear()
    yield
    _TOKENS.clear()


def test_reimporting_a_record_and_a_second_record_of_the_episode_keep_one_alert(client, db):
    clinic = build_clinic(db)
    first = _post(client, clinic, "ann", [ed_visit("ed-1", _recent()), lumbar_mri_order("sr-1", _recent(3))])
    assert first.status_code == 201, first.text
    assert len(first.json()["created"]) == 2
    again = _post(client, clinic, "ann", [ed_visit("ed-1", _recent()), lumbar_mri_order("sr-1", _recent(3))])
    assert again.status_code == 201 and again.json()["created"] == []
    study = _post(client, clinic, "ann", [lumbar_mri_study("is-1", _recent(1))])
    assert study.json()["created"] == [] and len(study.json()["updated"]) == 1
    alerts = _alerts(client, clinic)
    assert sorted(a["category"] for a in alerts) == ["advanced_imaging", "ed_visit"]
    imaging = next(a for a in alerts if a["category"] == "advanced_imaging")
    assert imaging["resource"] == "ServiceRequest/sr-1" and imaging["related"] == ["ImagingStudy/is-1"]
    ed = next(a for a in alerts if a["category"] == "ed_visit")
    assert ed["routed_role"] == "physician" and ed["status"] == "open" and ed["member_id"] == clinic.member_ids["ann"]
    due = datetime.fromisoformat(ed["due_at"]) - datetime.fromisoformat(ed["created_at"])
    assert due == timedelta(hours=24)  # the ed-visit rule's respond_within (PT24H)


def test_history_before_the_monitoring_window_is_context_not_actionable(client, db):
    clinic = build_clinic(db)  # enrolled 2026-11-01; the default look-back is 30 days
    response = _post(client, clinic, "bob", [ed_visit("old-ed", "2025-06-01T10:00:00Z"),
                                             ed_visit("new-ed", "2026-10-20T10:00:00Z")])
    assert response.json()["context"] == 1 and len(response.json()["created"]) == 1
    assert [a["resource"] for a in _alerts(client, clinic)] == ["Encounter/new-ed"]
    history = client.get(f"/api/v1/members/{clinic.member_ids['bob']}/escalations",
                         headers=_auth(client, clinic, "pt_a")).json()
    assert {(a["resource"], a["actionable"]) for a in history} == {("Encounter/old-ed", False),
                                                                    ("Encounter/new-ed", True)}


def test_clinician_acknowledges_assigns_snoozes_and_resolves_with_every_action_audited(client, db):
    clinic = build_clinic(db)
    _post(client, clinic, "ann", [ed_visit("ed-9", _recent())])
    alert_id = _alerts(client, clinic)[0]["id"]
    headers = _auth(client, clinic, "pt_a")
    base = f"/api/v1/escalations/alerts/{alert_id}"
    acked = client.post(f"{base}/acknowledge", headers=headers).json()
    assert acked["status"] == "acknowledged" and acked["assignee_clinician_id"] == clinic.clinician_ids["pt_a"]
    outsider = client.post(f"{base}/assign", json={"clinician_id": clinic.clinician_ids["pt_b"]}, headers=headers)
    assert outsider.status_code == 422 and "care team" in outsider.json()["error"]["message"]
    coach = client.post(f"{base}/assign", json={"clinician_id": clinic.clinician_ids["coach"]}, headers=headers)
    assert coach.json()["assignee_clinician_id"] == clinic.clinician_ids["coach"]
    past = client.post(f"{base}/snooze", json={"until": "2020-01-01T00:00:00Z"}, headers=headers)
    assert past.status_code == 422
    until = (datetime.now(UTC) + timedelta(hours=4)).isoformat()
    assert client.post(f"{base}/snooze", json={"until": until}, headers=headers).json()["status"] == "snoozed"
    assert _alerts(client, clinic, query="?status=open") == []
    bad = client.post(f"{base}/resolve", json={"outcome": "vibes"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    done = client.post(f"{base}/resolve", json={"outcome": "called_member", "note": "booked a PT visit"},
                       headers=headers).json()
    assert done["status"] == "resolved" and done["outcome"] == "called_member"
    assert client.post(f"{base}/resolve", json={"outcome": "called_member"}, headers=headers).status_code == 409
    assert _alerts(client, clinic) == []
    with db.transaction() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "EscalationAlert", AuditEvent.resource_id == alert_id)
            .order_by(AuditEvent.id)))
    assert {"create", "acknowledge", "assign", "snooze", "resolve"} <= set(actions)
    assert actions.count("assign") == 1  # the refused assignment changed nothing


def test_another_teams_clinician_sees_and_touches_nothing(client, db):
    clinic = build_clinic(db)
    _post(client, clinic, "ann", [ed_visit("ed-ann", _recent())])
    alert_id = _alerts(client, clinic)[0]["id"]
    other = _auth(client, clinic, "pt_b")
    assert _alerts(client, clinic, who="pt_b", query="?status=open,acknowledged,snoozed,resolved") == []
    assert client.get(f"/api/v1/escalations/alerts/{alert_id}", headers=other).status_code == 403
    assert client.post(f"/api/v1/escalations/alerts/{alert_id}/acknowledge", headers=other).status_code == 403
    assert _post(client, clinic, "ann", [ed_visit("ed-x", _recent())], who="pt_b").status_code == 403
    assert client.get(f"/api/v1/members/{clinic.member_ids['ann']}/escalations", headers=other).status_code == 403
    member = _post(client, clinic, "ann", [ed_visit("ed-y", _recent())], who="ann")
    assert member.status_code == 403
    assert client.get("/api/v1/escalations/alerts", headers=_auth(client, clinic, "ann")).status_code == 403
    with client.stream("GET", "/api/v1/escalations/stream?timeout_s=0.5&since=2020-01-01T00:00:00Z",
                       headers=other) as stream:
        assert "event: alert" not in "".join(stream.iter_text())


def test_stream_sends_new_alerts_with_their_worklist_row(client, db):
    clinic = build_clinic(db)
    _post(client, clinic, "ann", [ed_visit("ed-live", _recent())])
    with client.stream("GET", "/api/v1/escalations/stream?timeout_s=0.5&since=2020-01-01T00:00:00Z",
                       headers=_auth(client, clinic, "pt_a")) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        body = "".join(stream.iter_text())
    assert body.count("event: alert") == 1 and "Encounter/ed-live" in body and "alert-" in body


def test_bad_records_never_crash_and_are_reported(client, db):
    clinic = build_clinic(db)
    response = _post(client, clinic, "cat", [
        {"resourceType": "Encounter", "id": "no-date", "status": "finished", "class": {"code": "EMER",
                                                                                      "system": ACTCODE}},
        {"resourceType": "Observation", "id": "no-code", "status": "final"},
    ], who="pt_b")
    assert response.status_code == 201
    assert any("date missing" in p for p in response.json()["problems"])
    alerts = _alerts(client, clinic, who="pt_b")
    assert [(a["category"], a["severity"]) for a in alerts] == [("ed_visit", "routine")]
    assert client.post(f"/api/v1/members/{clinic.member_ids['cat']}/clinical-events", json={"resources": []},
                       headers=_auth(client, clinic, "pt_b")).status_code == 422
