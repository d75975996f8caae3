"""Admin REST and pages: provider feeds, FHIR API clients, patient-match review; our SMART key setting."""

import json
from datetime import UTC, date, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from openmsk.auth.models import AuditEvent
from openmsk.errors import Unauthenticated
from openmsk.interop import smart, synthetic
from openmsk.interop.config import InteropConfig
from openmsk.interop.models import ClinicalRecord, FeedSubscription
from openmsk.interop.pull import feed_headers
from openmsk.interop.service import import_paths
from tests.integration.clinic import bearer, build_clinic

BASE = "https://ehr.example.test/fhir"
TOKEN_URL = "http://testserver/fhir/R4/auth/token"


def _key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return private, key.public_key()


def _token(client, client_id: str, private: str):
    assertion = smart.client_assertion(client_id=client_id, token_url=TOKEN_URL, private_key_pem=private)
    return client.post("/fhir/R4/auth/token", data={
        "grant_type": "client_credentials", "client_assertion_type": smart.ASSERTION_TYPE,
        "client_assertion": assertion, "scope": "system/Patient.read"})


def test_feeds_register_with_a_secret_shown_once_list_notifications_and_disable(client, db):
    clinic = build_clinic(db)
    admin, ann = bearer(client, clinic.emails["admin"]), bearer(client, clinic.emails["ann"])
    assert client.get("/api/v1/admin/fhir-feeds", headers=ann).status_code == 403
    assert client.get("/admin/fhir-feeds", headers=ann).status_code == 403
    bad = client.post("/api/v1/admin/fhir-feeds", headers=admin, json={"provider": "GH", "base_url": "ftp://x"})
    assert bad.status_code == 422 and "base_url" in bad.text
    made = client.post("/api/v1/admin/fhir-feeds", headers=admin,
                       json={"provider": "General Hospital", "base_url": BASE + "/"})
    assert made.status_code == 201 and made.json()["base_url"] == BASE
    feed_id, secret = made.json()["id"], made.json()["secret"]
    note = client.post(f"/fhir/R4/notifications/{feed_id}", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert note.status_code == 200
    listed = client.get("/api/v1/admin/fhir-feeds", headers=admin).json()
    assert [f["provider"] for f in listed] == ["General Hospital"] and "secret" not in listed[0]
    assert [n["direction"] for n in listed[0]["notifications"]] == ["notification"]
    page = client.get("/admin/fhir-feeds", headers=admin)
    assert page.status_code == 200 and "General Hospital" in page.text and secret not in page.text
    off = client.post(f"/api/v1/admin/fhir-feeds/{feed_id}/disable", headers=admin)
    assert off.status_code == 200 and off.json()["disabled_at"] is not None
    refused = client.post(f"/fhir/R4/notifications/{feed_id}", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    shown = client.post("/admin/fhir-feeds", headers=admin, data={"provider": "Clinic B", "base_url": BASE + "/b"})
    assert shown.status_code == 200 and 'data-testid="feed-secret"' in shown.text
    new_id = next(f["id"] for f in client.get("/api/v1/admin/fhir-feeds", headers=admin).json()
                  if f["provider"] == "Clinic B")
    assert f"/fhir/R4/notifications/{new_id}" in shown.text
    assert client.post(f"/admin/fhir-feeds/{new_id}/disable", headers=admin, follow_redirects=False).status_code == 303
    assert all(f["disabled_at"] for f in client.get("/api/v1/admin/fhir-feeds", headers=admin).json())


def test_clients_register_from_pem_or_jwks_get_tokens_and_lose_them_when_revoked(client, db):
    clinic = build_clinic(db)
    admin, pt = bearer(client, clinic.emails["admin"]), bearer(client, clinic.emails["pt_a"])
    private, public = _key_pair()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    body = {"client_id": "ehr-1", "name": "EHR", "public_key": pem, "scopes": "system/Patient.read"}
    assert client.post("/api/v1/admin/fhir-clients", headers=pt, json=body).status_code == 403
    made = client.post("/api/v1/admin/fhir-clients", headers=admin, json=body)
    assert made.status_code == 201 and made.json()["revoked_at"] is None
    assert client.post("/api/v1/admin/fhir-clients", headers=admin, json=body).status_code == 409
    for field, value in (("public_key", "not a key"), ("scopes", "patient/*.write")):
        refused = client.post("/api/v1/admin/fhir-clients", headers=admin,
                              json={**body, "client_id": "ehr-x", field: value})
        assert refused.status_code == 422 and field in refused.text
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    second = client.post("/admin/fhir-clients", headers=admin, follow_redirects=False, data={
        "client_id": "ehr-2", "name": "EHR two", "public_key": json.dumps({"keys": [{**jwk, "alg": "RS384"}]}),
        "scopes": "system/Patient.read system/Observation.rs"})
    assert second.status_code == 303
    issued = _token(client, "ehr-2", private)
    assert issued.status_code == 200 and issued.json()["scope"] == "system/Patient.read"
    ann = clinic.member_ids["ann"]
    machine = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    assert client.get(f"/fhir/R4/Patient/{ann}", headers=machine).status_code == 200
    page = client.get("/admin/fhir-clients", headers=admin)
    assert page.status_code == 200 and "EHR two" in page.text and "ehr-1" in page.text
    pk = next(c["id"] for c in client.get("/api/v1/admin/fhir-clients", headers=admin).json()
              if c["client_id"] == "ehr-2")
    assert client.post(f"/admin/fhir-clients/{pk}/revoke", headers=admin, follow_redirects=False).status_code == 303
    assert client.get(f"/fhir/R4/Patient/{ann}", headers=machine).status_code == 401
    assert _token(client, "ehr-2", private).status_code == 401
    listed = {c["client_id"]: c["revoked_at"] for c in client.get("/api/v1/admin/fhir-clients", headers=admin).json()}
    assert listed["ehr-2"] is not None and listed["ehr-1"] is None
    assert _token(client, "ehr-1", private).status_code == 200  # same key, other client: unaffected


def _uncertain_patient(tmp_path, key: str, given: str):
    bundle = synthetic.transaction([
        synthetic.patient(key, given=given, family="Quixotic", birth_date=date(1971, 3, 14), sex="female"),
        synthetic.pain_score(key, datetime(2026, 10, 1, tzinfo=UTC), 7)])
    path = tmp_path / f"{key}.json"
    path.write_text(json.dumps(bundle))
    return path


def test_match_review_shows_both_sides_and_accepting_links_the_records(client, db, tmp_path):
    clinic = build_clinic(db)
    admin, ann_headers = bearer(client, clinic.emails["admin"]), bearer(client, clinic.emails["ann"])
    summary = import_paths(db, [_uncertain_patient(tmp_path, "p1", "Anne"), _uncertain_patient(tmp_path, "p2", "A.")])
    assert summary.review == 2
    assert client.get("/api/v1/admin/fhir-matches", headers=ann_headers).status_code == 403
    assert client.get("/admin/fhir-matches", headers=ann_headers).status_code == 403
    queue = client.get("/api/v1/admin/fhir-matches", headers=admin).json()
    ann = clinic.member_ids["ann"]
    # Family name, birth date and sex agree (0.35 + 0.3 + 0.1, matching.WEIGHTS); the given name differs.
    assert {(m["incoming"]["given"], m["candidate"]["given"], m["score"]) for m in queue} == {
        ("Anne", "Annabel", 0.75), ("A.", "Annabel", 0.75)}
    assert {m["candidate_member_id"] for m in queue} == {ann}
    page = client.get("/admin/fhir-matches", headers=admin)
    assert page.status_code == 200 and "Anne Quixotic" in page.text and "Annabel Quixotic" in page.text
    first, second = (m["id"] for m in queue)
    accepted = client.post(f"/api/v1/admin/fhir-matches/{first}/accept", headers=admin)
    assert accepted.status_code == 200 and accepted.json() == {"id": first, "status": "linked", "member_id": ann}
    assert client.post(f"/api/v1/admin/fhir-matches/{first}/accept", headers=admin).status_code == 404
    rejected = client.post(f"/admin/fhir-matches/{second}/reject", headers=admin, follow_redirects=False)
    assert rejected.status_code == 303
    assert client.get("/api/v1/admin/fhir-matches", headers=admin).json() == []
    with db.transaction() as session:
        linked = session.scalars(select(ClinicalRecord.resource_type).where(ClinicalRecord.member_id == ann)).all()
        reads = session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "FhirPatientLink",
                                                         AuditEvent.member_id == ann)).all()
    assert sorted(linked) == ["Observation", "Patient"]
    assert {e.action for e in reads} == {"read", "review"} and all(e.actor_role == "admin" for e in reads)


def test_a_feed_with_smart_credentials_signs_with_the_key_file_named_by_the_setting(client, db, tmp_path, monkeypatch):
    clinic = build_clinic(db)
    admin = bearer(client, clinic.emails["admin"])
    private, public = _key_pair()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    client.post("/api/v1/admin/fhir-clients", headers=admin, json={
        "client_id": "openmsk-puller", "name": "Us", "public_key": pem, "scopes": "system/*.read"})
    # Our own token endpoint plays the provider's: the feed's server answers with a token for our assertion.
    token_url = "https://testserver/fhir/R4/auth/token"
    made = client.post("/api/v1/admin/fhir-feeds", headers=admin, json={
        "provider": "Self", "base_url": "https://testserver/fhir/R4", "client_id": "openmsk-puller",
        "token_url": token_url})
    assert made.status_code == 201
    with db.transaction() as session:
        feed = session.get(FeedSubscription, made.json()["id"])
        session.expunge(feed)
    monkeypatch.delenv("OPENMSK_FHIR_CLIENT_KEY_FILE", raising=False)
    with pytest.raises(Unauthenticated, match="OPENMSK_FHIR_CLIENT_KEY_FILE"):
        feed_headers(client, feed, InteropConfig(_env_file=None))
    key_file = tmp_path / "client-key.pem"
    key_file.write_text(private)
    monkeypatch.setenv("OPENMSK_FHIR_CLIENT_KEY_FILE", str(key_file))
    headers = feed_headers(client, feed, InteropConfig(_env_file=None))
    patient = client.get(f"/fhir/R4/Patient/{clinic.member_ids['ann']}", headers=headers)
    assert patient.status_code == 200 and patient.json()["name"][0]["family"] == "Quixotic"
