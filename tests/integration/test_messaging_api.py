"""Secure messaging over the API: threads, answers by the care team, unread counts, receipts, tasks."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from openmsk.auth.models import AuditEvent, User
from openmsk.auth.service import _principal
from openmsk.careteam import tasks
from openmsk.db import utcnow
from openmsk.messaging import service
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def principal(db, email):
    with db.transaction() as session:
        return _principal(session, session.scalar(select(User).where(User.email == email)), via="bearer", csrf=None)


def threads_url(clinic, who="ann"):
    return f"/api/v1/members/{clinic.member_ids[who]}/threads"


def start(client, clinic, headers, body="My knee aches after the step-ups.", **extra):
    response = client.post(threads_url(clinic), headers=headers,
                           json={"subject": "Knee after exercises", "body": body, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def reply_tasks(db, clinic, who="pt_a"):
    with db.transaction() as session:
        return [t for t in tasks.tasks_for(session, principal=principal(db, clinic.emails[who]))
                if t.kind == "respond_to_message"]


def test_member_writes_the_pt_answers_and_the_member_sees_who_answered(client, db, clinic):
    ann, pt = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["pt_a"])
    thread = start(client, clinic, ann)
    assert thread["care_role"] == "physical_therapist" and thread["awaiting_reply"] is True
    assert [t.title for t in reply_tasks(db, clinic)] == ["Reply to the member's message"]

    inbox = client.get("/api/v1/messages/inbox", headers=pt).json()
    assert [(i["id"], i["unread"], i["member_name"]) for i in inbox] == [(thread["id"], 1, "Annabel Quixotic")]
    answer = client.post(f"{threads_url(clinic)}/{thread['id']}/messages", headers=pt,
                         json={"body": "Ease off the step height this week; we will review on Friday."})
    assert answer.status_code == 201 and answer.json()["response_within_target"] is True

    assert client.get("/api/v1/messages/unread", headers=ann).json() == {"unread_messages": 1, "unread_threads": 1}
    seen = client.get(f"{threads_url(clinic)}/{thread['id']}", headers=ann).json()
    assert [(m["sender_name"], m["sender_role"]) for m in seen["messages"]] == [
        ("Annabel", "member"), ("PT_A", "physical_therapist")]
    assert [r["reader_name"] for r in seen["messages"][0]["read_by"]] == ["PT_A"]
    assert seen["awaiting_reply"] is False and reply_tasks(db, clinic) == []
    assert client.get("/api/v1/messages/unread", headers=ann).json()["unread_messages"] == 0
    receipts = client.get(f"/api/v1/messages/{answer.json()['id']}/receipts", headers=pt).json()
    assert [r["reader_name"] for r in receipts] == ["Annabel"]


def test_anyone_on_the_care_team_may_answer_but_nobody_else_may_read(client, db, clinic):
    thread = start(client, clinic, bearer(client, clinic.emails["ann"]))
    coach = bearer(client, clinic.emails["coach"])
    answer = client.post(f"{threads_url(clinic)}/{thread['id']}/messages", headers=coach, json={"body": "Noted."})
    assert answer.json()["sender_role"] == "health_coach"
    assert reply_tasks(db, clinic) == []  # the coach's answer closes the physical therapist's task

    other_pt, other_member = bearer(client, clinic.emails["pt_b"]), bearer(client, clinic.emails["bob"])
    for headers in (other_pt, other_member):
        assert client.get(f"{threads_url(clinic)}/{thread['id']}", headers=headers).status_code == 403
        assert client.get(threads_url(clinic), headers=headers).status_code == 403
    # a thread id under another member's path is not found rather than leaked
    assert client.get(f"{threads_url(clinic, 'bob')}/{thread['id']}", headers=other_member).status_code == 404
    assert client.get(f"/api/v1/messages/{answer.json()['id']}/receipts", headers=other_pt).status_code == 403
    assert client.get("/api/v1/messages/inbox", headers=other_pt).json() == []
    admin = bearer(client, clinic.emails["admin"])
    assert client.get(threads_url(clinic), headers=admin).status_code == 403


def test_a_repeated_idempotency_key_returns_the_first_message_instead_of_a_duplicate(client, db, clinic):
    ann = bearer(client, clinic.emails["ann"])
    first = start(client, clinic, ann, idempotency_key="thread-key-0001")
    again = client.post(threads_url(clinic), headers=ann, json={
        "subject": "Knee after exercises", "body": "My knee aches after the step-ups.",
        "idempotency_key": "thread-key-0001"})
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    url = f"{threads_url(clinic)}/{first['id']}/messages"
    sent = [client.post(url, headers=ann, json={"body": "Also my ankle.", "idempotency_key": "msg-key-0002"})
            for _ in range(3)]
    assert [r.status_code for r in sent] == [201, 200, 200] and len({r.json()["id"] for r in sent}) == 1
    other = start(client, clinic, ann)
    reused = client.post(f"{threads_url(clinic)}/{other['id']}/messages", headers=ann,
                         json={"body": "Different thread", "idempotency_key": "msg-key-0002"})
    assert reused.status_code == 409
    assert client.get(f"{threads_url(clinic)}/{first['id']}", headers=ann).json()["message_count"] == 2


REFUSED = [
    ({"subject": "Hello", "body": "   \n  "}, "body"),
    ({"subject": "Hello", "body": "x" * 4001}, "body"),
    ({"subject": "", "body": "Hello"}, "subject"),
    ({"subject": "s" * 201, "body": "Hello"}, "subject"),
    ({"subject": "Hello", "body": "Hello", "care_role": "physician"}, "care_role"),
    ({"subject": "Hello", "body": "Hello", "priority": "urgent"}, "priority"),
]


def test_empty_too_long_or_misaddressed_messages_are_refused_naming_the_field(client, clinic):
    ann = bearer(client, clinic.emails["ann"])
    for payload, field in REFUSED:
        response = client.post(threads_url(clinic), headers=ann, json=payload)
        assert response.status_code == 422, payload
        assert field in [str(part) for d in response.json()["error"]["details"] for part in d["location"]]
        assert "Hello" not in response.text and "xxxx" not in response.text
    assert client.get(threads_url(clinic), headers=ann).json() == []


def test_one_reply_task_per_waiting_period_and_a_new_one_after_an_answer(client, db, clinic):
    ann, pt = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["pt_a"])
    thread = start(client, clinic, ann)
    url = f"{threads_url(clinic)}/{thread['id']}/messages"
    client.post(url, headers=ann, json={"body": "And it clicks."})
    assert len(reply_tasks(db, clinic)) == 1
    client.post(url, headers=pt, json={"body": "Clicking without pain is common."})
    assert reply_tasks(db, clinic) == []
    client.post(url, headers=ann, json={"body": "Thanks, one more question."})
    assert len(reply_tasks(db, clinic)) == 1


def test_overdue_threads_lead_the_inbox_and_count_against_the_target(client, db, clinic):
    ann = principal(db, clinic.emails["ann"])
    with db.transaction() as session:
        old, _ = service.create_thread(session, member_id=clinic.member_ids["ann"], subject="Still waiting",
                                       body="Is it fine to run?", actor=ann, now=utcnow() - timedelta(days=6))
    fresh = start(client, clinic, bearer(client, clinic.emails["ann"]))
    pt = bearer(client, clinic.emails["pt_a"])
    inbox = client.get("/api/v1/messages/inbox", headers=pt).json()
    assert [(i["id"], i["overdue"]) for i in inbox] == [(old.id, True), (fresh["id"], False)]
    client.post(f"{threads_url(clinic)}/{old.id}/messages", headers=pt, json={"body": "Sorry for the wait: yes."})
    stats = client.get("/api/v1/messages/response-times", headers=pt).json()
    assert stats["answered"] == 1 and stats["within_target"] == 0 and stats["median_business_hours"] >= 8
    assert stats["overdue_now"] == 0 and stats["target_business_days"] == 1.0


def test_templates_fill_member_fields_and_refuse_unknown_placeholders(client, clinic):
    pt, ann = bearer(client, clinic.emails["pt_a"]), bearer(client, clinic.emails["ann"])
    bad = client.post("/api/v1/messages/templates", headers=pt,
                      json={"title": "Bad", "body": "Hi {first_name}, {member.email}"})
    assert bad.status_code == 422 and "member.email" in bad.text
    template = client.post("/api/v1/messages/templates", headers=pt, json={
        "title": "Check-in", "body": "Hi {first_name}, {clinician_name} here. How was this week?"}).json()
    assert [t["id"] for t in client.get("/api/v1/messages/templates", headers=pt).json()] == [template["id"]]
    assert client.get("/api/v1/messages/templates", headers=bearer(client, clinic.emails["pt_b"])).json() == []
    assert client.get("/api/v1/messages/templates", headers=ann).status_code == 403
    thread = start(client, clinic, ann)
    sent = client.post(f"{threads_url(clinic)}/{thread['id']}/messages", headers=pt,
                       json={"template_id": template["id"]})
    assert sent.json()["body"] == "Hi Annabel, PT_A here. How was this week?"
    refused = client.post(f"{threads_url(clinic)}/{thread['id']}/messages", headers=ann,
                          json={"template_id": template["id"]})
    assert refused.status_code == 403


def test_every_read_and_write_is_audited_without_the_message_text(client, db, clinic):
    ann, pt = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["pt_a"])
    thread = start(client, clinic, ann, body="Private words about my hip")
    client.get(f"{threads_url(clinic)}/{thread['id']}", headers=pt)
    client.get(f"{threads_url(clinic)}/{thread['id']}", headers=bearer(client, clinic.emails["pt_b"]))
    with db.transaction() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.resource_type.in_(
            ("MessageThread", "Message")))))
    kinds = {(e.actor_role, e.action, e.resource_type, e.outcome) for e in events}
    assert {("member", "create", "MessageThread", "success"), ("member", "create", "Message", "success"),
            ("physical_therapist", "read", "MessageThread", "success"),
            ("physical_therapist", "read", "MessageThread", "denied")} <= kinds
    assert all(e.member_id == clinic.member_ids["ann"] for e in events)
    assert "Private words" not in repr([e.detail for e in events])
