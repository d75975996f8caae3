"""A full request cycle over a member's data leaves no name, birth date, email or phone in the logs."""

import io
import logging

import pytest

from openmsk.logs import JsonFormatter
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_request_cycle_logs_no_health_data(client, db, captured_logs, services):
    clinic = build_clinic(db)
    pt = bearer(client, clinic.emails["pt_a"])
    admin = bearer(client, clinic.emails["admin"])
    member_id = clinic.member_ids["ann"]
    client.get("/api/v1/members", headers=pt)
    client.get(f"/api/v1/members/{member_id}", headers=pt)
    client.patch(f"/api/v1/members/{member_id}", headers=pt, json={"phone": "+1 555 867 5309"})
    client.get(f"/api/v1/members/{clinic.member_ids['cat']}", headers=pt)  # refused
    client.post("/api/v1/members", headers=admin, json={
        "organization_id": clinic.org_id, "given_name": "Perpetua", "family_name": "Quillfeather",
        "birth_date": "1959-12-31", "sex": "female", "email": "perpetua.q@clinic.test", "phone": "+1 555 246 8100"})
    client.post("/api/v1/members", headers=admin, json={"given_name": "Perpetua", "birth_date": "not a date"})
    client.post("/api/v1/auth/token", json={"email": clinic.emails["bob"], "password": "Zanzibar1971-03-14"})
    services.queue.join()

    logs = captured_logs.getvalue()
    assert '"route": "/api/v1/members/{member_id}"' in logs  # the capture works and sees requests
    for secret in ("Annabel", "Quixotic", "Perpetua", "Quillfeather", "1971-03-14", "1959-12-31",
                   "ann@clinic.test", "perpetua.q@clinic.test", "867 5309", "246 8100", "Zanzibar", "NY\""):
        assert secret not in logs, f"{secret!r} leaked into the logs"
