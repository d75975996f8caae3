"""Every read or write of a member's health data leaves an audit event; events cannot be changed."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from openmsk.auth.models import AuditEvent
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _events(db, **where) -> list[AuditEvent]:
    with db.transaction() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.scalars(query))


def test_reading_a_member_records_who_which_role_what_and_the_request(client, clinic, db):
    headers = bearer(client, clinic.emails["pt_a"])
    member_id = clinic.member_ids["ann"]
    response = client.get(f"/api/v1/members/{member_id}", headers={**headers, "X-Request-ID": "req-audit-0001"})
    assert response.status_code == 200
    [event] = _events(db, member_id=member_id, action="read", request_id="req-audit-0001")
    pt_user = client.get("/api/v1/auth/me", headers=headers).json()["user_id"]
    assert (event.actor_user_id, event.actor_role, event.resource_type, event.outcome) == (
        pt_user, "physical_therapist", "Member", "success")
    assert event.at.tzinfo is not None


def test_listing_members_records_one_read_per_member_shown(client, clinic, db):
    client.get("/api/v1/members", headers={**bearer(client, clinic.emails["coach"]), "X-Request-ID": "req-list-00001"})
    read = {e.member_id for e in _events(db, request_id="req-list-00001", action="read")}
    assert read == set(clinic.member_ids.values())


def test_a_refused_read_is_recorded_as_denied(client, clinic, db):
    member_id = clinic.member_ids["cat"]
    response = client.get(f"/api/v1/members/{member_id}", headers=bearer(client, clinic.emails["pt_a"]))
    assert response.status_code == 403
    assert [e.outcome for e in _events(db, member_id=member_id, action="read")] == ["denied"]


def test_writes_are_recorded_with_the_fields_changed(client, clinic, db):
    member_id = clinic.member_ids["ann"]
    client.patch(f"/api/v1/members/{member_id}", headers=bearer(client, clinic.emails["ann"]),
                 json={"phone": "+1 555 999 0000"})
    [event] = _events(db, member_id=member_id, action="update")
    assert event.actor_role == "member" and event.detail == {"fields": ["phone"]}


def test_admins_can_read_the_audit_trail_but_nobody_else(client, clinic):
    client.get(f"/api/v1/members/{clinic.member_ids['bob']}", headers=bearer(client, clinic.emails["pt_a"]))
    trail = client.get("/api/v1/audit", params={"member_id": clinic.member_ids["bob"]},
                       headers=bearer(client, clinic.emails["admin"]))
    assert trail.status_code == 200 and any(e["action"] == "read" for e in trail.json())
    assert client.get("/api/v1/audit", headers=bearer(client, clinic.emails["pt_a"])).status_code == 403


def test_the_app_offers_no_way_to_change_audit_events(client, clinic):
    admin = bearer(client, clinic.emails["admin"])
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/audit", headers=admin).status_code == 405


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'tampered'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_audit_events(clinic, db, statement):
    assert _events(db)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.transaction() as session:
            session.execute(text(statement))
