"""Export under consent with retries, pulling from a provider's server, and feed notifications."""

import json
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from openmsk.cli import app as cli
from openmsk.config import get_settings
from openmsk.errors import Forbidden
from openmsk.intake.service import record_assessment
from openmsk.interop import jobs, synthetic
from openmsk.interop.exchange import grant_consent, push_summary, revoke_consent
from openmsk.interop.models import ClinicalRecord, ExchangeLog
from openmsk.interop.pull import pull_patient, register_feed
from tests.integration.clinic import build_clinic

BASE = "https://ehr.example.test/fhir"


class FakeEhr:
    """A provider FHIR server in memory: transactions, reads, searches paged two at a time, scripted failures."""

    def __init__(self, resources, fail_on="", failures=0):
        self.resources = {f"{r['resourceType']}/{r['id']}": r for r in resources}
        self.fail_on, self.failures, self.posted = fail_on, failures, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.failures and self.fail_on in f"{request.method} {request.url}":
            self.failures -= 1
            return httpx.Response(500, json={"resourceType": "OperationOutcome"})
        path = request.url.path.removeprefix("/fhir").strip("/")
        if request.method == "POST":
            self.posted.append(json.loads(request.content))
            return httpx.Response(200, json={"resourceType": "Bundle", "type": "transaction-response"})
        if "/" in path:
            found = self.resources.get(path)
            return httpx.Response(200 if found else 404, json=found or {"resourceType": "OperationOutcome"})
        patient = request.url.params["patient"]
        matches = [r for r in self.resources.values() if r["resourceType"] == path
                   and (r.get("subject") or r.get("patient") or {}).get("reference") == patient]
        offset = int(request.url.params.get("_offset", 0))
        links = [{"relation": "next", "url": f"{BASE}/{path}?_offset={offset + 2}&patient={patient}"}] \
            if offset + 2 < len(matches) else []
        return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset", "link": links,
                                         "entry": [{"resource": r} for r in matches[offset:offset + 2]]})


def _ehr_record(key="ann-ehr"):
    resources = [synthetic.patient(key, given="Annabel", family="Quixotic", birth_date=date(1971, 3, 14), sex="female")]
    for day in range(1, 6):
        resources.append(synthetic.pain_score(key, datetime(2026, 10, day, tzinfo=UTC), day))
    resources += synthetic.er_visit(key, datetime(2026, 10, 9, tzinfo=UTC))
    pid = resources[0]["id"]
    for r in resources[1:]:
        for element in ("subject", "patient"):
            if element in r:
                r[element] = {"reference": f"Patient/{pid}"}
        r.pop("encounter", None)
    return resources


@pytest.fixture
def clinic(db):
    built = build_clinic(db)
    with db.transaction() as session:
        record_assessment(session, member_id=built.member_ids["ann"], instrument="nrs", answers=[6], actor=None,
                          taken_at=datetime(2026, 11, 2, tzinfo=UTC))
    return built


def test_push_needs_consent_retries_server_errors_and_stops_after_revocation(db, clinic):
    ann = clinic.member_ids["ann"]
    ehr = FakeEhr([], fail_on="POST", failures=2)
    http = httpx.Client(transport=httpx.MockTransport(ehr))
    with pytest.raises(Forbidden):
        push_summary(db, member_id=ann, endpoint=BASE, http=http, backoff_s=0)
    with db.transaction() as session:
        consent = grant_consent(session, member_id=ann, provider="Dr Ortho", endpoint=BASE, actor=None)
    result = push_summary(db, member_id=ann, endpoint=BASE, http=http, backoff_s=0)
    assert result["sent"] and result["attempts"] == 3
    bundle = ehr.posted[-1]
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert bundle["type"] == "transaction" and types >= {"Patient", "CareTeam", "CarePlan", "Goal", "Observation",
                                                        "QuestionnaireResponse", "DocumentReference"}
    pain = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
    assert pain["code"]["coding"][0]["code"] == "72514-3" and pain["valueQuantity"]["value"] == 6
    with db.transaction() as session:
        revoke_consent(session, consent_id=consent.id, actor=None)
    with pytest.raises(Forbidden):
        push_summary(db, member_id=ann, endpoint=BASE, http=http, backoff_s=0)
    with db.transaction() as session:
        log = [(e.outcome, e.attempts) for e in session.scalars(select(ExchangeLog).order_by(ExchangeLog.created_at))]
    assert log == [("refused", 0), ("success", 3), ("refused", 0)]


def test_pull_follows_next_links_keeps_pages_when_the_server_fails_midway_and_reruns_cleanly(db, clinic):
    ehr = FakeEhr(_ehr_record(), fail_on="Observation?_offset=2", failures=3)  # page 2 fails 3 times
    http = httpx.Client(transport=httpx.MockTransport(ehr))
    pid = _ehr_record()[0]["id"]
    first = pull_patient(db, base_url=BASE, patient_id=pid, http=http, backoff_s=0)
    assert first.resources["Observation"] == 2 and first.resources["Encounter"] == 1
    assert [r["resource"] for r in first.rejected] == ["Observation search page 2"]
    assert first.rejected[0]["error"] == "HTTP 500"
    again = pull_patient(db, base_url=BASE, patient_id=pid, http=http, backoff_s=0)
    assert again.rejected == [] and again.resources["Observation"] == 5 and again.written == 3
    with db.transaction() as session:
        rows = session.scalars(select(ClinicalRecord).where(ClinicalRecord.resource_type == "Observation")).all()
    assert len(rows) == 5 and {r.member_id for r in rows} == {clinic.member_ids["ann"]}


def test_r4_and_r4b_notifications_trigger_a_pull_for_the_patient(client, db, clinic, services, monkeypatch):
    resources = _ehr_record()
    ehr = FakeEhr(resources)
    monkeypatch.setattr(jobs, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(ehr)))
    with db.transaction() as session:
        feed, secret = register_feed(session, provider="General Hospital", base_url=BASE)
    url = f"/fhir/R4/notifications/{feed.id}"
    assert client.post(url, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    encounter = next(r for r in resources if r["resourceType"] == "Encounter")
    r4 = client.post(url, json=encounter, headers={"Authorization": f"Bearer {secret}"})
    assert r4.status_code == 200 and r4.json()["resourceType"] == "OperationOutcome"
    backport = {"resourceType": "Bundle", "type": "history", "entry": [{"resource": {
        "resourceType": "SubscriptionStatus", "status": "active", "type": "event-notification",
        "notificationEvent": [{"eventNumber": "1", "focus": {"reference": f"{BASE}/Encounter/{encounter['id']}"}}]}}]}
    assert client.post(url, json=backport, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    services.queue.join()
    with db.transaction() as session:
        stored = session.scalars(select(ClinicalRecord.resource_type).where(
            ClinicalRecord.member_id == clinic.member_ids["ann"])).all()
    assert sorted(set(stored)) == ["Condition", "Encounter", "Observation", "Patient"] and len(stored) == 8


def test_cli_export_prints_a_valid_bundle_and_refuses_an_unknown_member(db, clinic, settings, monkeypatch):
    monkeypatch.setenv("OPENMSK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("OPENMSK_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["fhir", "export", "--member", clinic.member_ids["ann"], "--json"])
        missing = CliRunner().invoke(cli, ["fhir", "export", "--member", "nobody", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) >= 7
    assert missing.exit_code == 2 and "no member" in missing.stderr
