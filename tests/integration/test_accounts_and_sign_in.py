"""Sign-in, tokens, lockout, CSRF, password reset and invitations through the HTTP API."""

import re

import pytest

from tests.integration.clinic import PASSWORD, bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def test_health_check_reports_ok_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_members_list_without_credentials_is_401_in_the_uniform_error_shape(client):
    response = client.get("/api/v1/members")
    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "unauthenticated"
    assert body["request_id"] == response.headers["x-request-id"]


def test_bearer_token_identifies_the_user(client, clinic):
    me = client.get("/api/v1/auth/me", headers=bearer(client, clinic.emails["pt_a"])).json()
    assert me["roles"] == ["physical_therapist"]
    assert me["clinician_id"] == clinic.clinician_ids["pt_a"]


def test_wrong_password_and_unknown_email_get_the_same_answer(client, clinic):
    wrong = client.post("/api/v1/auth/token", json={"email": clinic.emails["ann"], "password": "nope-nope-nope"})
    unknown = client.post("/api/v1/auth/token", json={"email": "ghost@clinic.test", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_account_locks_after_repeated_failures_even_for_the_right_password(client, clinic, settings):
    for _ in range(settings.login_max_failures):
        client.post("/api/v1/auth/token", json={"email": clinic.emails["bob"], "password": "wrong-password"})
    locked = client.post("/api/v1/auth/token", json={"email": clinic.emails["bob"], "password": PASSWORD})
    assert locked.status_code == 429


def test_revoked_token_no_longer_works(client, clinic):
    headers = bearer(client, clinic.emails["ann"])
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_cookie_session_writes_need_the_csrf_token(client, clinic):
    login = client.post("/api/v1/auth/login", json={"email": clinic.emails["ann"], "password": PASSWORD})
    assert login.status_code == 200
    path = f"/api/v1/members/{clinic.member_ids['ann']}"
    assert client.get(path).status_code == 200
    assert client.patch(path, json={"timezone": "Europe/Paris"}).status_code == 403
    ok = client.patch(path, json={"timezone": "Europe/Paris"},
                      headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert ok.status_code == 200 and ok.json()["timezone"] == "Europe/Paris"


def _link(notifier, email: str, kind: str) -> str:
    body = notifier.last_to(email).body
    return re.search(rf"/{kind}/(\S+)", body).group(1)


def test_password_reset_link_works_once(client, clinic, services, notifier):
    email = clinic.emails["cat"]
    assert client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
    services.queue.join()
    token = _link(notifier, email, "password-reset")
    new_password = "a whole new passphrase"
    confirm = {"token": token, "password": new_password}
    assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 204
    assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 422
    assert client.post("/api/v1/auth/token", json={"email": email, "password": new_password}).status_code == 200


def test_reset_request_for_unknown_email_looks_the_same_and_sends_nothing(client, services, notifier):
    response = client.post("/api/v1/auth/password-reset", json={"email": "nobody@clinic.test"})
    services.queue.join()
    assert response.status_code == 202
    assert notifier.outbox == []


def test_admin_invites_a_clinician_who_sets_a_password_and_signs_in(client, clinic, services, notifier):
    admin = bearer(client, clinic.emails["admin"])
    created = client.post("/api/v1/users", headers=admin, json={
        "email": "new.pt@clinic.test", "display_name": "New PT", "roles": ["physical_therapist"],
        "clinician": {"role": "physical_therapist", "capacity": 30}})
    assert created.status_code == 201, created.text
    assert created.json()["has_password"] is False
    services.queue.join()
    token = _link(notifier, "new.pt@clinic.test", "invitations")
    short = client.post("/api/v1/auth/invitations/accept", json={"token": token, "password": "short"})
    assert short.status_code == 422
    accepted = client.post("/api/v1/auth/invitations/accept", json={"token": token, "password": "long enough pass"})
    assert accepted.status_code == 204
    me = client.get("/api/v1/auth/me", headers=bearer(client, "new.pt@clinic.test", "long enough pass"))
    assert me.json()["clinician_id"]


def test_tampered_link_is_refused(client, clinic):
    response = client.post("/api/v1/auth/password-reset/confirm",
                           json={"token": "eyJwIjoicGFzc3dvcmQtcmVzZXQifQ.forged.sig", "password": "whatever12345"})
    assert response.status_code == 422
