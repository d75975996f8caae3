"""The FHIR R4 API: reads and searches scoped like the rest of the app, SMART machine clients, OperationOutcome."""

import json
from datetime import UTC, date, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from openmsk.auth.models import AuditEvent
from openmsk.intake.service import record_assessment
from openmsk.interop import smart, synthetic
from openmsk.interop.service import import_paths
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def fhir_clinic(db, tmp_path):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    with db.transaction() as session:
        for week, pain in ((0, 7), (1, 5), (2, 4)):
            record_assessment(session, member_id=ann, instrument="nrs", answers=[pain], actor=None,
                              taken_at=datetime(2026, 11, 2 + 7 * week, 9, tzinfo=UTC))
        record_assessment(session, member_id=ann, instrument="phq9", answers=[1, 1, 0, 0, 1, 0, 0, 0, 0],
                          actor=None, taken_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    bundle = synthetic.transaction([
        synthetic.patient("ann-ehr", given="Annabel", family="Quixotic", birth_date=date(1971, 3, 14), sex="female"),
        *synthetic.er_visit("ann-ehr", datetime(2026, 10, 20, 22, tzinfo=UTC)),
        synthetic.opioid_prescription("ann-ehr", datetime(2026, 10, 20, 23, tzinfo=UTC)),
        synthetic.pain_score("ann-ehr", datetime(2026, 10, 20, 22, tzinfo=UTC), 9)])
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(bundle))
    assert import_paths(db, [path]).rejected == []
    return clinic


def _private_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def test_metadata_is_a_capability_statement_listing_the_supported_types(client):
    response = client.get("/fhir/R4/metadata")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/fhir+json")
    statement = response.json()
    assert statement["fhirVersion"] == "4.0.1"
    assert {r["type"] for r in statement["rest"][0]["resource"]} >= {"Patient", "Observation", "Goal", "Encounter"}


def test_member_searches_own_pain_scores_by_code_and_date_with_paging(client, fhir_clinic):
    headers = bearer(client, fhir_clinic.emails["ann"])
    first = client.get("/fhir/R4/Observation", params={"code": "http://loinc.org|72514-3", "_count": 2},
                       headers=headers).json()
    assert first["type"] == "searchset" and first["total"] == 4  # three from us, one imported
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(nxt, headers=headers).json()
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert len(set(ids)) == 4 and not any(link["relation"] == "next" for link in second["link"])
    later = client.get("/fhir/R4/Observation", params={"code": "72514-3", "date": "ge2026-11-09"}, headers=headers).json()
    assert sorted(e["resource"]["valueQuantity"]["value"] for e in later["entry"]) == [4, 5]
    encounter = client.get("/fhir/R4/Encounter", headers=headers).json()["entry"][0]["resource"]
    assert encounter["class"]["code"] == "EMER"
    assert encounter["subject"] == {"reference": f"Patient/{fhir_clinic.member_ids['ann']}"}
    assert client.get(f"/fhir/R4/Encounter/{encounter['id']}", headers=headers).json()["id"] == encounter["id"]


def test_everything_returns_own_and_imported_resources(client, fhir_clinic):
    ann = fhir_clinic.member_ids["ann"]
    bundle = client.get(f"/fhir/R4/Patient/{ann}/$everything", headers=bearer(client, fhir_clinic.emails["pt_a"])).json()
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert types >= {"Patient", "Observation", "QuestionnaireResponse", "Goal", "CarePlan", "Encounter",
                     "Condition", "MedicationRequest"}


def test_other_teams_clinician_and_anonymous_callers_get_operation_outcomes(client, fhir_clinic, db):
    ann = fhir_clinic.member_ids["ann"]
    denied = client.get("/fhir/R4/Observation", params={"patient": f"Patient/{ann}"},
                        headers=bearer(client, fhir_clinic.emails["pt_b"]))
    assert denied.status_code == 403 and denied.json()["resourceType"] == "OperationOutcome"
    assert denied.json()["issue"][0]["code"] == "forbidden"
    anonymous = client.get(f"/fhir/R4/Patient/{ann}")
    assert anonymous.status_code == 401 and anonymous.json()["issue"][0]["code"] == "login"
    unknown = client.get("/fhir/R4/Claim", headers=bearer(client, fhir_clinic.emails["ann"]))
    assert unknown.status_code == 404 and unknown.json()["resourceType"] == "OperationOutcome"
    bad = client.get("/fhir/R4/Observation", params={"_count": "many"}, headers=bearer(client, fhir_clinic.emails["ann"]))
    assert bad.status_code == 400 and "_count" in bad.json()["issue"][0]["diagnostics"]
    with db.transaction() as session:
        refused = session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied",
                                                           AuditEvent.member_id == ann)).all()
    assert [e.resource_type for e in refused] == ["FhirObservation"]


def test_machine_client_gets_a_scoped_token_with_a_signed_assertion(client, fhir_clinic, db):
    private, public = _private_key()
    with db.transaction() as session:
        smart.register_client(session, client_id="ehr-1", name="EHR", public_key_pem=public,
                              scopes="system/Patient.read system/Observation.read")
    token_url = "http://testserver/fhir/R4/auth/token"
    assertion = smart.client_assertion(client_id="ehr-1", token_url=token_url, private_key_pem=private)
    issued = client.post("/fhir/R4/auth/token", data={
        "grant_type": "client_credentials", "client_assertion_type": smart.ASSERTION_TYPE,
        "client_assertion": assertion, "scope": "system/Observation.read system/Condition.read"})
    assert issued.status_code == 200 and issued.json()["scope"] == "system/Observation.read"
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    ann = fhir_clinic.member_ids["ann"]
    assert client.get("/fhir/R4/Observation", params={"patient": ann}, headers=headers).json()["total"] == 5
    assert client.get("/fhir/R4/Condition", params={"patient": ann}, headers=headers).status_code == 403
    forged = jwt.encode({"iss": "ehr-1", "sub": "ehr-1", "aud": token_url, "exp": 9999999999, "jti": "x"},
                        _private_key()[0], algorithm="RS384")
    refused = client.post("/fhir/R4/auth/token", data={
        "grant_type": "client_credentials", "client_assertion_type": smart.ASSERTION_TYPE,
        "client_assertion": forged, "scope": "system/Observation.read"})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    # Our own SMART Backend Services client side (used to pull from providers) against our server.
    from openmsk.interop.pull import backend_token

    token = backend_token(client, token_url=token_url, client_id="ehr-1", private_key_pem=private,
                          scope="system/Patient.read")
    patient = client.get(f"/fhir/R4/Patient/{ann}", headers={"Authorization": f"Bearer {token}"})
    assert patient.status_code == 200 and patient.json()["name"][0]["family"] == "Quixotic"
