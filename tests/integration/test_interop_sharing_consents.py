"""Member consent to share the care summary: REST and pages, care-team access, sending under consent."""

import json
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from openmsk.auth.models import AuditEvent
from openmsk.intake.service import record_assessment
from openmsk.interop import jobs
from openmsk.interop.models import ExchangeLog
from tests.integration.clinic import bearer, build_clinic

ENDPOINT = "https://ortho.example.test/fhir"


@pytest.fixture
def clinic(db):
    built = build_clinic(db)
    with db.transaction() as session:
        record_assessment(session, member_id=built.member_ids["ann"], instrument="nrs", answers=[6], actor=None,
                          taken_at=datetime(2026, 11, 2, tzinfo=UTC))
    return built


@pytest.fixture
def provider(monkeypatch):
    """A provider's FHIR server that accepts transactions; records what it received."""
    posted = []

    def answer(request: httpx.Request) -> httpx.Response:
        posted.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, json={"resourceType": "Bundle", "type": "transaction-response"})

    monkeypatch.setattr(jobs, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(answer)))
    return posted


def test_only_the_member_grants_and_revokes_and_only_their_care_team_reads(client, db, clinic):
    ann_id = clinic.member_ids["ann"]
    url = f"/api/v1/members/{ann_id}/fhir-consents"
    ann, bob, pt_a, pt_b, admin = (bearer(client, clinic.emails[k]) for k in ("ann", "bob", "pt_a", "pt_b", "admin"))
    granted = client.post(url, headers=ann, json={"provider": "Dr Ortho", "endpoint": ENDPOINT + "/"})
    assert granted.status_code == 201 and granted.json()["endpoint"] == ENDPOINT
    assert granted.json()["revoked_at"] is None
    for who in (pt_a, admin):
        assert client.post(url, headers=who, json={"provider": "X", "endpoint": ENDPOINT}).status_code == 403
    assert client.post(url, headers=bob, json={"provider": "X", "endpoint": ENDPOINT}).status_code == 403
    listed = client.get(url, headers=pt_a)
    assert listed.status_code == 200 and [c["provider"] for c in listed.json()] == ["Dr Ortho"]
    assert client.get(url, headers=pt_b).status_code == 403 and client.get(url, headers=bob).status_code == 403
    assert client.get(url, headers=admin).status_code == 403
    consent_id = granted.json()["id"]
    assert client.post(f"{url}/{consent_id}/revoke", headers=pt_a).status_code == 403
    bob_url = f"/api/v1/members/{clinic.member_ids['bob']}/fhir-consents"
    assert client.post(f"{bob_url}/{consent_id}/revoke", headers=bob).status_code == 404
    revoked = client.post(f"{url}/{consent_id}/revoke", headers=ann)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    with db.transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.member_id == ann_id,
                                                          AuditEvent.resource_type == "Consent")).all()
    assert {(e.action, e.outcome) for e in events} >= {("create", "success"), ("read", "success"),
                                                        ("revoke", "success"), ("read", "denied")}


def test_endpoint_must_be_https_and_errors_name_the_field(client, clinic):
    url = f"/api/v1/members/{clinic.member_ids['ann']}/fhir-consents"
    ann = bearer(client, clinic.emails["ann"])
    for endpoint in ("http://ortho.example.test/fhir", "ftp://ortho.example.test", "https://user@ortho.test/x"):
        refused = client.post(url, headers=ann, json={"provider": "Dr Ortho", "endpoint": endpoint})
        assert refused.status_code == 422 and "endpoint" in refused.text and endpoint not in refused.text
    loopback = client.post(url, headers=ann, json={"provider": "Local", "endpoint": "http://127.0.0.1:9/fhir"})
    assert loopback.status_code == 201


def test_care_team_sends_the_summary_under_consent_and_sees_the_exchange_log(client, db, clinic, services, provider):
    ann_id = clinic.member_ids["ann"]
    ann, pt_a, pt_b = (bearer(client, clinic.emails[k]) for k in ("ann", "pt_a", "pt_b"))
    url = f"/api/v1/members/{ann_id}/fhir-consents"
    consent_id = client.post(url, headers=ann, json={"provider": "Dr Ortho", "endpoint": ENDPOINT}).json()["id"]
    assert client.post(f"{url}/{consent_id}/push", headers=ann).status_code == 403
    assert client.post(f"{url}/{consent_id}/push", headers=pt_b).status_code == 403
    queued = client.post(f"{url}/{consent_id}/push", headers=pt_a)
    assert queued.status_code == 202 and queued.json()["endpoint"] == ENDPOINT
    services.queue.join()
    assert len(provider) == 1 and provider[0][0] == ENDPOINT and provider[0][1]["type"] == "transaction"
    patient = next(e["resource"] for e in provider[0][1]["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"][0]["family"] == "Quixotic"
    log = client.get(f"/api/v1/members/{ann_id}/fhir-exchanges", headers=pt_a).json()
    assert [(e["direction"], e["outcome"], e["attempts"]) for e in log] == [("push", "success", 1)]
    assert client.get(f"/api/v1/members/{ann_id}/fhir-exchanges", headers=pt_b).status_code == 403
    client.post(f"{url}/{consent_id}/revoke", headers=ann)
    assert client.post(f"{url}/{consent_id}/push", headers=pt_a).status_code == 403
    with db.transaction() as session:
        exported = session.scalars(select(AuditEvent).where(AuditEvent.member_id == ann_id,
                                                            AuditEvent.action == "export")).all()
        assert len(session.scalars(select(ExchangeLog)).all()) == 1
    assert [e.actor_role for e in exported] == ["physical_therapist"]


def test_member_page_grants_and_revokes_and_the_chart_shows_consents_with_a_send_button(client, clinic, services,
                                                                                         provider):
    ann_id = clinic.member_ids["ann"]
    ann, pt_a, pt_b, admin = (bearer(client, clinic.emails[k]) for k in ("ann", "pt_a", "pt_b", "admin"))
    page = client.get("/me/sharing", headers=ann)
    assert page.status_code == 200 and "not allowed sharing" in page.text
    bad = client.post("/me/sharing", headers=ann, data={"provider": "Dr Ortho", "endpoint": "http://ortho.test"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "endpoint" in bad.text
    done = client.post("/me/sharing", headers=ann, follow_redirects=False,
                       data={"provider": "Dr Ortho", "endpoint": ENDPOINT})
    assert done.status_code == 303
    assert "Dr Ortho" in client.get("/me/sharing", headers=ann).text
    assert client.get("/me/sharing", headers=admin).status_code == 403
    assert client.get("/me/sharing", headers=pt_a).status_code == 403
    chart = client.get(f"/console/members/{ann_id}/sharing", headers=pt_a)
    assert chart.status_code == 200 and "Dr Ortho" in chart.text and "Send care summary" in chart.text
    assert client.get(f"/console/members/{ann_id}/sharing", headers=pt_b).status_code == 403
    assert client.get(f"/console/members/{ann_id}/sharing", headers=ann).status_code == 403
    consent_id = client.get(f"/api/v1/members/{ann_id}/fhir-consents", headers=pt_a).json()[0]["id"]
    sent = client.post(f"/console/members/{ann_id}/sharing/{consent_id}/send", headers=pt_a, follow_redirects=False)
    assert sent.status_code == 303
    services.queue.join()
    log = client.get(f"/console/members/{ann_id}/sharing", headers=pt_a).text
    assert "success" in log and ENDPOINT in log and len(provider) == 1
    assert "Summaries sent" in client.get("/me/sharing", headers=ann).text
    revoke = client.post(f"/me/sharing/{consent_id}/revoke", headers=ann, follow_redirects=False)
    assert revoke.status_code == 303
    chart = client.get(f"/console/members/{ann_id}/sharing", headers=pt_a).text
    assert "Send care summary" not in chart
