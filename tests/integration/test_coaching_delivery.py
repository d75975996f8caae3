"""The nudge delivery job on both databases: channels, idempotency with two workers, crash recovery,
opt-outs, quiet hours, retries and hand-off to a coach task."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from openmsk.careteam.models import Task
from openmsk.coaching.channels import FakeWebhook
from openmsk.coaching.delivery import RunResult, claim, decide_member
from openmsk.coaching.jobs import deliver_nudges
from openmsk.coaching.models import Nudge
from openmsk.coaching.schemas import PreferencesBody
from openmsk.coaching.service import set_preferences
from openmsk.members.models import Member
from tests.integration.clinic import bearer, build_clinic

# 10:00 in New York (EST), nine days after the clinic's members enrolled with nothing logged.
MORNING = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def clinic(db):
    return build_clinic(db)


@pytest.fixture
def webhook(services):
    fake = FakeWebhook()
    services.context.extras["coaching_webhook"] = fake
    yield fake
    services.context.extras.pop("coaching_webhook", None)


def _prefs(db, member_id: str, **values) -> None:
    with db.transaction() as session:
        set_preferences(session, member_id=member_id, data=PreferencesBody(**values), actor=None)


def _run(services, at: datetime, worker: str = "w1") -> dict:
    return deliver_nudges(services.context, now=at.isoformat(), worker=worker)


def _rows(db, member_id: str | None = None) -> list[Nudge]:
    with db.transaction() as session:
        query = select(Nudge).order_by(Nudge.created_at, Nudge.key)
        return list(session.scalars(query.where(Nudge.member_id == member_id) if member_id else query))


def test_each_member_gets_one_nudge_on_their_channel(services, db, clinic, notifier, webhook, client):
    ann, bob, cat = (clinic.member_ids[k] for k in ("ann", "bob", "cat"))
    _prefs(db, ann, channels=["email", "in_app"])
    _prefs(db, cat, opted_out_channels=["push"])
    assert _run(services, MORNING)["sent"] == 3
    assert _run(services, MORNING + timedelta(minutes=20))["sent"] == 0
    [email] = notifier.outbox
    assert email.to == clinic.emails["ann"] and "/me/coaching" in email.body
    [push] = webhook.sent
    assert push.member_id == bob and push.channel == "push" and push.idempotency_key.startswith(f"{bob}:inactive:")
    assert [r.channel for r in _rows(db, cat)] == ["in_app"]
    shown = client.get(f"/api/v1/members/{cat}/coaching/nudges", headers=bearer(client, clinic.emails["cat"])).json()
    assert [n["kind"] for n in shown] == ["inactive"] and shown[0]["message"]


def test_two_workers_at_once_record_and_send_each_nudge_once(services, db, clinic, notifier, webhook):
    _prefs(db, clinic.member_ids["ann"], channels=["email", "in_app"])
    barrier = threading.Barrier(2)
    errors = []

    def worker(name: str) -> None:
        barrier.wait()
        try:
            _run(services, MORNING, worker=name)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    rows = _rows(db)
    assert len(rows) == len({r.key for r in rows}) == 3
    assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    assert len(notifier.outbox) == 1
    assert len(webhook.sent) == len({m.idempotency_key for m in webhook.sent}) == 2


def test_a_crash_after_choosing_neither_loses_nor_repeats_the_nudge(services, db, clinic, notifier):
    ann = clinic.member_ids["ann"]
    _prefs(db, ann, channels=["email", "in_app"])
    with db.transaction() as session:  # the worker chose the nudge, then died before sending
        decide_member(session, session.get(Member, ann), MORNING, frozenset({"in_app", "email"}), RunResult())
    [pending] = _rows(db, ann)
    assert pending.status == "pending" and notifier.outbox == []
    later = MORNING + timedelta(minutes=30)
    assert claim(db, pending.id, "crashed-worker", later)  # a second worker claimed it and died too
    _run(services, later + timedelta(minutes=1))
    assert notifier.outbox == []  # the dead worker's lease still holds
    _run(services, later + timedelta(minutes=6))
    _run(services, later + timedelta(minutes=7))
    [sent] = _rows(db, ann)
    assert sent.key == pending.key and sent.status == "sent" and len(notifier.outbox) == 1


def test_an_opt_out_cancels_a_nudge_chosen_but_not_yet_sent(services, db, clinic, notifier):
    ann = clinic.member_ids["ann"]
    _prefs(db, ann, channels=["email", "in_app"])
    with db.transaction() as session:
        decide_member(session, session.get(Member, ann), MORNING, frozenset({"in_app", "email"}), RunResult())
    _prefs(db, ann, channels=["email", "in_app"], opted_out_kinds=["inactive"])
    _run(services, MORNING + timedelta(minutes=1))
    assert [r.status for r in _rows(db, ann)] == ["cancelled"] and notifier.outbox == []


def test_quiet_hours_hold_nudges_until_the_members_morning(services, db, clinic):
    assert _run(services, datetime(2026, 11, 10, 3, 30, tzinfo=UTC))["recorded"] == 0  # 22:30 in New York
    assert _run(services, datetime(2026, 11, 10, 12, 59, tzinfo=UTC))["recorded"] == 0  # 07:59
    assert _run(services, datetime(2026, 11, 10, 13, 0, tzinfo=UTC))["recorded"] == 3  # 08:00


def test_a_failed_webhook_send_is_retried_with_backoff(services, db, clinic, webhook):
    webhook.fail_times = 1
    bob = clinic.member_ids["bob"]
    for key in ("ann", "cat"):
        _prefs(db, clinic.member_ids[key], opted_out_kinds=["inactive"])
    assert _run(services, MORNING)["failed"] == 1
    [row] = _rows(db, bob)
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at == MORNING + timedelta(seconds=60)
    _run(services, MORNING + timedelta(seconds=30))
    assert webhook.sent == []
    _run(services, MORNING + timedelta(seconds=90))
    assert [m.idempotency_key for m in webhook.sent] == [row.key]


def test_ignored_nudges_hand_off_to_the_coach_who_answers_from_the_panel(services, db, clinic, client):
    bob = clinic.member_ids["bob"]
    for key in ("ann", "cat"):
        _prefs(db, clinic.member_ids[key], opted_out_kinds=["inactive"])
    for day in range(4, 17):
        _run(services, datetime(2026, 11, day, 15, 0, tzinfo=UTC))
    kinds = [r.kind for r in _rows(db, bob)]
    assert kinds.count("inactive") == 3 and kinds[-1] == "coach_handoff"
    with db.transaction() as session:
        [task] = session.scalars(select(Task).where(Task.member_id == bob, Task.kind == "coach_handoff")).all()
        assert task.assignee_role == "health_coach" and task.status == "open"
    coach = bearer(client, clinic.emails["coach"])
    panel = client.get("/api/v1/coaching/panel", headers=coach).json()
    assert panel[0]["member_id"] == bob and "not responding to nudges" in panel[0]["reasons"]
    sent = client.post(f"/api/v1/members/{bob}/coaching/notes", headers=coach,
                       json={"topic": "message", "body": "Hi {given_name}, shall we find a better time?"})
    assert sent.json()["body"] == "Hi Bartholomew, shall we find a better time?"
    assert client.get("/api/v1/coaching/panel", headers=coach).json()[0]["open_handoffs"] == 0
    with db.transaction() as session:
        assert session.get(Task, task.id).status == "done"


def test_the_job_audits_its_automated_read_of_each_members_activity(services, db, clinic, webhook):
    from openmsk.auth.models import AuditEvent

    _run(services, MORNING)
    with db.transaction() as session:
        active = set(session.scalars(select(Member.id).where(Member.status == "active")))
        reads = list(session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "ActivitySnapshot")))
    assert active and {e.member_id for e in reads} == active
    assert all(e.action == "read" and e.actor_user_id is None and e.detail == {"job": "coaching.deliver_nudges"}
               for e in reads)
