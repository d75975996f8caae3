"""Bad input gets the uniform error and changes nothing; a failed request leaves nothing behind."""

import pytest
from fastapi import APIRouter, Depends
from sqlalchemy import func, select

from openmsk.auth.policy import admin_only
from openmsk.db import SessionDep
from openmsk.errors import Conflict
from openmsk.members.models import Organization
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _org_count(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Organization))


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert set(body) == {"error", "request_id"}
    return body


def test_malformed_json_is_400(client, clinic):
    headers = {**bearer(client, clinic.emails["admin"]), "content-type": "application/json"}
    _assert_error(client.post("/api/v1/organizations", headers=headers, content=b'{"name": '), 400, "bad_request")


def test_unknown_field_and_wrong_type_are_422_naming_the_field(client, clinic, db):
    admin = bearer(client, clinic.emails["admin"])
    before = _org_count(db)
    body = _assert_error(client.post("/api/v1/organizations", headers=admin,
                                     json={"name": "Acme", "kind": "employer", "ceo": "x"}), 422, "invalid")
    assert body["error"]["details"][0]["location"] == ["body", "ceo"]
    body = _assert_error(client.post("/api/v1/organizations", headers=admin,
                                     json={"name": "Acme", "kind": "shop"}), 422, "invalid")
    assert body["error"]["details"][0]["location"] == ["body", "kind"]
    assert _org_count(db) == before


def test_unknown_ids_are_404(client, clinic):
    pt = bearer(client, clinic.emails["pt_a"])
    _assert_error(client.get("/api/v1/members/00000000-0000-0000-0000-000000000000", headers=pt), 404, "not_found")


def test_duplicates_are_409(client, clinic):
    admin = bearer(client, clinic.emails["admin"])
    _assert_error(client.post("/api/v1/organizations", headers=admin,
                              json={"name": "Test Employer", "kind": "employer"}), 409, "conflict")


def test_oversize_bodies_are_413_declared_or_streamed(client, clinic, settings, db):
    admin = bearer(client, clinic.emails["admin"])
    big = b'{"name": "' + b"x" * (settings.max_body_bytes + 10) + b'", "kind": "employer"}'
    _assert_error(client.post("/api/v1/organizations", headers={**admin, "content-type": "application/json"},
                              content=big), 413, "payload_too_large")

    def chunks():
        for _ in range(settings.max_body_bytes // 1000 + 5):
            yield b" " * 1000

    _assert_error(client.post("/api/v1/organizations", headers={**admin, "content-type": "application/json"},
                              content=chunks()), 413, "payload_too_large")
    assert _org_count(db) == 1


def test_a_request_that_fails_after_writing_leaves_nothing_behind(fresh_app, clinic, db):
    from fastapi.testclient import TestClient

    app = fresh_app
    router = APIRouter()

    @router.post("/api/v1/test-half-write")
    def half_write(session: SessionDep, _=Depends(admin_only)) -> dict:
        session.add(Organization(name="Half Written", kind="employer"))
        session.flush()
        raise Conflict("failing after the write")

    app.include_router(router)
    with TestClient(app) as client:
        response = client.post("/api/v1/test-half-write", headers=bearer(client, clinic.emails["admin"]))
    _assert_error(response, 409, "conflict")
    assert _org_count(db) == 1


def test_every_operation_declares_the_error_responses(client):
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"400", "401", "403", "404", "409", "422"} <= declared, f"{method} {path}"
