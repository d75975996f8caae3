"""Who may see which member: the rules of the policy module, exercised over HTTP."""

import pytest

from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {m["id"] for m in response.json()}


def test_member_sees_only_their_own_record(client, clinic):
    headers = bearer(client, clinic.emails["ann"])
    assert _ids(client.get("/api/v1/members", headers=headers)) == {clinic.member_ids["ann"]}
    assert client.get(f"/api/v1/members/{clinic.member_ids['bob']}", headers=headers).status_code == 403


def test_clinician_sees_only_the_members_of_their_care_team(client, clinic):
    pt_a = bearer(client, clinic.emails["pt_a"])
    assert _ids(client.get("/api/v1/members", headers=pt_a)) == {clinic.member_ids["ann"], clinic.member_ids["bob"]}
    assert client.get(f"/api/v1/members/{clinic.member_ids['cat']}", headers=pt_a).status_code == 403
    coach = bearer(client, clinic.emails["coach"])
    assert _ids(client.get("/api/v1/members", headers=coach)) == set(clinic.member_ids.values())


def test_reassignment_moves_access_at_once(client, clinic):
    admin = bearer(client, clinic.emails["admin"])
    moved = client.put(f"/api/v1/members/{clinic.member_ids['cat']}/care-team/physical_therapist",
                       headers=admin, json={"clinician_id": clinic.clinician_ids["pt_a"], "reason": "caseload"})
    assert moved.status_code == 200, moved.text
    pt_b = bearer(client, clinic.emails["pt_b"])
    assert client.get(f"/api/v1/members/{clinic.member_ids['cat']}", headers=pt_b).status_code == 403
    pt_a = bearer(client, clinic.emails["pt_a"])
    assert client.get(f"/api/v1/members/{clinic.member_ids['cat']}", headers=pt_a).status_code == 200


def test_admin_manages_accounts_but_reads_no_member_record(client, clinic):
    admin = bearer(client, clinic.emails["admin"])
    assert client.get("/api/v1/users", headers=admin).status_code == 200
    assert client.get("/api/v1/members", headers=admin).status_code == 403
    assert client.get(f"/api/v1/members/{clinic.member_ids['ann']}", headers=admin).status_code == 403


def test_program_admin_sees_neither_members_nor_accounts(client, clinic):
    headers = bearer(client, clinic.emails["program_admin"])
    assert client.get("/api/v1/members", headers=headers).status_code == 403
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.get(f"/api/v1/members/{clinic.member_ids['ann']}", headers=headers).status_code == 403


def test_only_the_care_team_changes_program_status(client, clinic):
    path = f"/api/v1/members/{clinic.member_ids['ann']}"
    member = client.patch(path, headers=bearer(client, clinic.emails["ann"]), json={"status": "paused"})
    assert member.status_code == 403
    pt = client.patch(path, headers=bearer(client, clinic.emails["pt_a"]), json={"status": "paused"})
    assert pt.status_code == 200 and pt.json()["status"] == "paused"


def test_admin_enrolls_a_member_who_gets_a_team_and_an_invitation(client, clinic, services, notifier):
    admin = bearer(client, clinic.emails["admin"])
    created = client.post("/api/v1/members", headers=admin, json={
        "organization_id": clinic.org_id, "given_name": "Dee", "family_name": "Nu", "birth_date": "1980-01-02",
        "sex": "male", "email": "dee@clinic.test", "state": "NY"})
    assert created.status_code == 201, created.text
    services.queue.join()
    assert "/invitations/" in notifier.last_to("dee@clinic.test").body
    pt_b = bearer(client, clinic.emails["pt_b"])  # pt_b has the lighter caseload
    assert created.json()["id"] in _ids(client.get("/api/v1/members", headers=pt_b))


def test_enrollment_checks_the_eligibility_list_when_the_organization_keeps_one(client, clinic):
    admin = bearer(client, clinic.emails["admin"])
    upload = client.post(f"/api/v1/organizations/{clinic.org_id}/eligibility", headers=admin, json=[
        {"external_id": "E1", "family_name": "Listed", "birth_date": "1990-05-05", "eligible_from": "2020-01-01"}])
    assert upload.json() == {"added": 1, "updated": 0}
    person = {"organization_id": clinic.org_id, "given_name": "Al", "birth_date": "1990-05-05", "sex": "male"}
    refused = client.post("/api/v1/members", headers=admin,
                          json={**person, "family_name": "Unlisted", "email": "al1@clinic.test"})
    assert refused.status_code == 422
    accepted = client.post("/api/v1/members", headers=admin,
                           json={**person, "family_name": "Listed", "email": "al2@clinic.test"})
    assert accepted.status_code == 201
    again = client.post("/api/v1/members", headers=admin,
                        json={**person, "family_name": "Listed", "email": "al3@clinic.test"})
    assert again.status_code == 409
