"""The message pages: a member writes from /me/messages, the care team answers from /console/messages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from openmsk.auth.models import AuditEvent, User
from openmsk.auth.service import _principal
from openmsk.db import utcnow
from openmsk.messaging import service
from tests.integration.clinic import PASSWORD, build_clinic

HTML = {"accept": "text/html"}


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def sign_in(client, email) -> str:
    client.cookies.clear()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["csrf_token"]


def test_a_refused_message_keeps_what_the_member_typed_and_a_good_one_opens_the_thread(client, clinic):
    csrf = sign_in(client, clinic.emails["ann"])
    page = client.get("/me/messages", headers=HTML)
    assert page.status_code == 200 and 'href="/me/messages"' in page.text and "No messages yet" in page.text
    refused = client.post("/me/messages", headers=HTML, data={
        "csrf_token": csrf, "subject": "Question about my plan", "body": "   ", "idempotency_key": "form-key-0001"})
    assert refused.status_code == 422 and "cannot be empty" in refused.text
    assert 'value="Question about my plan"' in refused.text
    form = {"csrf_token": csrf, "subject": "Question about my plan", "body": "Can I cycle instead of walking?",
            "idempotency_key": "form-key-0002"}
    sent = client.post("/me/messages", headers=HTML, data=form, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/me/messages/")
    again = client.post("/me/messages", headers=HTML, data=form, follow_redirects=False)  # a double click
    assert again.headers["location"] == sent.headers["location"]
    thread = client.get(sent.headers["location"], headers=HTML)
    assert "Can I cycle instead of walking?" in thread.text and "not read yet" in thread.text
    assert client.post("/me/messages", headers=HTML, data={**form, "csrf_token": "forged"}).status_code == 403


def test_the_clinician_inbox_puts_overdue_first_and_a_reply_uses_a_template(client, db, clinic):
    with db.transaction() as session:
        ann = _principal(session, session.scalar(select(User).where(User.email == clinic.emails["ann"])),
                         via="bearer", csrf=None)
        old, _ = service.create_thread(session, member_id=clinic.member_ids["ann"], subject="Waiting a while",
                                       body="Is swimming fine?", actor=ann, now=utcnow() - timedelta(days=6))
        new, _ = service.create_thread(session, member_id=clinic.member_ids["ann"], subject="Fresh question",
                                       body="What about yoga?", actor=ann)
    csrf = sign_in(client, clinic.emails["pt_a"])
    inbox = client.get("/console/messages", headers=HTML).text
    assert inbox.index("Waiting a while") < inbox.index("Fresh question") and "overdue" in inbox
    template = client.post("/api/v1/messages/templates", headers={"X-CSRF-Token": csrf},
                           json={"title": "Swim", "body": "Hi {first_name}, swimming is a good choice."}).json()
    thread_page = client.get(f"/console/messages/{old.id}?template={template['id']}", headers=HTML).text
    assert "Hi Annabel, swimming is a good choice." in thread_page
    sent = client.post(f"/console/messages/{old.id}", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf, "body": "Hi Annabel, swimming is a good choice.", "idempotency_key": "reply-key-0001"})
    assert sent.status_code == 303
    assert "answered in" in client.get(f"/console/messages/{old.id}", headers=HTML).text
    inbox = client.get("/console/messages", headers=HTML).text
    assert inbox.index("Fresh question") < inbox.index("Waiting a while")  # unread now leads

    sign_in(client, clinic.emails["pt_b"])
    refused = client.get(f"/console/messages/{old.id}", headers=HTML)
    assert refused.status_code == 403 and "Is swimming fine?" not in refused.text
    with db.transaction() as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied",
                                                          AuditEvent.resource_type == "MessageThread")).all()
    assert [e.resource_id for e in denied] == [old.id]
    sign_in(client, clinic.emails["bob"])
    assert client.get(f"/me/messages/{new.id}", headers=HTML).status_code == 404


def test_a_clinician_starts_a_thread_with_their_own_member_only(client, clinic):
    csrf = sign_in(client, clinic.emails["pt_a"])
    ann, cat = clinic.member_ids["ann"], clinic.member_ids["cat"]
    page = client.get(f"/console/messages?member_id={ann}", headers=HTML)
    assert page.status_code == 200 and "Write to Annabel" in page.text
    assert "<title>Messages · OpenMSK</title>" in page.text  # the form sits in the page, once
    assert page.text.count('data-testid="new-thread"') == 1
    form = {"csrf_token": csrf, "member_id": ann, "subject": "Your first week", "body": "",
            "idempotency_key": "start-key-0001"}
    refused = client.post("/console/messages", headers=HTML, data=form)
    assert refused.status_code == 422 and 'value="Your first week"' in refused.text
    sent = client.post("/console/messages", headers=HTML, follow_redirects=False,
                       data={**form, "body": "How are the exercises going?"})
    assert sent.status_code == 303
    assert "How are the exercises going?" in client.get(sent.headers["location"], headers=HTML).text
    assert client.get(f"/console/messages?member_id={cat}", headers=HTML).status_code == 403
    other = client.post("/console/messages", headers=HTML, data={**form, "member_id": cat, "body": "Hi",
                                                                 "idempotency_key": "start-key-0002"})
    assert other.status_code == 403
    sign_in(client, clinic.emails["ann"])
    assert "Your first week" in client.get("/me/messages", headers=HTML).text
