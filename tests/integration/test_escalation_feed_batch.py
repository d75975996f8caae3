"""Notifications and imported-record jobs received in batches: the same records and alerts as one by one."""

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from openmsk.errors import Unauthenticated
from openmsk.escalation import service
from openmsk.escalation.batch import process_record_jobs
from openmsk.escalation.models import ClinicalEventRecord, EscalationAlert
from openmsk.interop.feed_import import Notification, Received, receive_batch
from openmsk.interop.models import ClinicalRecord, ExchangeLog, PatientLink
from openmsk.interop.notifications import notification_targets
from openmsk.interop.pull import register_feed
from openmsk.jobs import job
from openmsk.jobs.inprocess import InProcessQueue
from openmsk.jobs.registry import JobContext, batch_handler
from openmsk.members import service as members
from openmsk.members.schemas import MemberCreate
from tests.integration.clinic import build_clinic

BASE = "https://ehr.example.test/fhir"
ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CPT = "http://www.ama-assn.org/go/cpt"
NOW = datetime.now(UTC)


def _encounter(encounter_id: str, hours_ago: float, patient: str = "x", status: str = "finished") -> dict:
    return {"resourceType": "Encounter", "id": encounter_id, "status": status,
            "class": {"system": ACTCODE, "code": "EMER"}, "subject": {"reference": f"Patient/{patient}"},
            "period": {"start": (NOW - timedelta(hours=hours_ago)).isoformat()}}


def _mri(order_id: str, hours_ago: float) -> dict:
    return {"resourceType": "ServiceRequest", "id": order_id, "status": "active", "intent": "order",
            "subject": {"reference": "Patient/x"}, "authoredOn": (NOW - timedelta(hours=hours_ago)).isoformat(),
            "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]}}


def _enroll(db, clinic, names: list[str]) -> dict[str, str]:
    ids = {}
    with db.transaction() as session:
        for name in names:
            ids[name] = members.enroll_member(session, actor=None, today=date.today(), data=MemberCreate(
                organization_id=clinic.org_id, given_name=name, family_name="Batch", birth_date=date(1970, 1, 1),
                sex="female", email=f"{name}@batch.test", state="NY")).id
    return ids


def _history(first: str, second: str) -> list[tuple[str, list[dict]]]:
    """Jobs in arrival order: repeats, an updated record, two records of one episode, several members."""
    return [
        (first, [_encounter("er-1", 30)]),
        (second, [_mri("mri-1", 20)]),
        (first, [_encounter("er-1", 30)]),  # the same record again (a provider retry)
        (second, [_mri("mri-2", 19), _encounter("er-9", 18)]),  # the same imaging episode, and an ED visit
        (first, [_encounter("er-2", 2), _encounter("er-3", 1)]),
        (first, [_encounter("er-3", 1, status="cancelled")]),  # an update of a record seen just before
        (second, []),  # nothing supported: the member's history is still evaluated
    ]


def _state(db, member_id: str) -> tuple[list, list]:
    """What the worklist and the rules see of one member, without ids that differ by member."""
    with db.transaction() as session:
        alerts = sorted((a.category, a.rule_id, a.severity, a.rule_severity, a.routed_role, a.resource,
                         tuple(a.related), a.evidence, a.explanation, a.episode, a.actionable, a.status,
                         a.version, a.occurred_at) for a in session.scalars(
            select(EscalationAlert).where(EscalationAlert.member_id == member_id)))
        events = sorted((e.source_key, e.resource_type, e.status, e.relevant, str(e.payload), e.occurred_at)
                        for e in session.scalars(select(ClinicalEventRecord).where(
                            ClinicalEventRecord.member_id == member_id)))
    return alerts, events


def test_jobs_of_several_members_in_one_batch_give_exactly_the_alerts_of_one_by_one(db):
    clinic = build_clinic(db)
    ids = _enroll(db, clinic, ["one1", "one2", "batch1", "batch2"])
    for member_id, resources in _history(ids["one1"], ids["one2"]):
        with db.transaction() as session:
            service.process_resources(session, member_id=member_id, resources=resources, source="fhir_import")
    with db.transaction() as session:
        result = process_record_jobs(session, _history(ids["batch1"], ids["batch2"]))
    one_by_one = [_state(db, ids["one1"]), _state(db, ids["one2"])]
    batched = [_state(db, ids["batch1"]), _state(db, ids["batch2"])]
    assert batched == one_by_one
    alerts = one_by_one[0][0] + one_by_one[1][0]
    assert {a[0] for a in alerts} >= {"ed_visit", "advanced_imaging"}
    imaging = [a for a in one_by_one[1][0] if a[0] == "advanced_imaging"]
    assert len(imaging) == 1 and imaging[0][6] == ("ServiceRequest/mri-2",)  # one episode, one alert
    assert len(result.created) == len([a for a in alerts if a[10]])  # every actionable alert raised once
    # Evaluating the same jobs again (a retried batch) changes nothing.
    with db.transaction() as session:
        again = process_record_jobs(session, _history(ids["batch1"], ids["batch2"]))
    assert again.created == [] and [_state(db, ids["batch1"]), _state(db, ids["batch2"])] == batched


def _feed(db, clinic) -> tuple[str, str]:
    with db.transaction() as session:
        feed, secret = register_feed(session, provider="General Hospital", base_url=BASE)
        for key in ("ann", "bob"):
            session.add(PatientLink(source_system=BASE, patient_id=f"{key}-ehr", member_id=clinic.member_ids[key],
                                    status="linked", method="manual", score=1.0))
    return feed.id, secret


def _note(feed_id: str, secret: str, resource: dict, queue) -> Notification:
    ref = f"{BASE}/{resource['resourceType']}/{resource['id']}"
    body = {"resourceType": "Bundle", "type": "history", "entry": [
        {"resource": {"resourceType": "SubscriptionStatus", "status": "active", "type": "event-notification",
                      "notificationEvent": [{"eventNumber": "1", "focus": {"reference": ref}}]}},
        {"fullUrl": ref, "resource": resource}]}
    patients, focus = notification_targets(body)
    return Notification(feed_id, secret, body, b"{}", patients, focus, queue)


def test_notifications_received_together_store_every_record_and_a_duplicate_raises_no_second_alert(
        db, services):
    clinic = build_clinic(db)
    feed_id, secret = _feed(db, clinic)
    queue = services.queue
    notes = [_note(feed_id, secret, _encounter("er-1", 3, "ann-ehr"), queue),
             _note(feed_id, secret, _encounter("er-2", 2, "bob-ehr"), queue),
             _note(feed_id, secret, _encounter("er-1", 3, "ann-ehr"), queue),  # the provider sent it twice
             _note(feed_id, "wrong secret", _encounter("er-7", 2, "ann-ehr"), queue),
             _note(feed_id, secret, _encounter("er-3", 1, "ann-ehr"), queue)]
    with db.transaction() as session:
        results = receive_batch(session, notes)
    assert [type(r) for r in results] == [Received, Received, Received, Unauthenticated, Received]
    assert [r.pulls for r in results if isinstance(r, Received)] == [[], [], [], []]  # all carried, all linked
    queue.join()
    with db.transaction() as session:
        records = sorted(session.scalars(select(ClinicalRecord.source_id)))
        logged = list(session.scalars(select(ExchangeLog.detail).where(ExchangeLog.direction == "notification")))
        by_member = {key: sorted(session.scalars(select(EscalationAlert.resource).where(
            EscalationAlert.member_id == clinic.member_ids[key], EscalationAlert.actionable.is_(True))))
            for key in ("ann", "bob")}
    assert records == ["er-1", "er-2", "er-3"]  # the refused notification stored nothing
    assert logged == ["1 resources imported, 0 patients and 0 focus references queued"] * 4
    assert by_member == {"ann": ["Encounter/er-1", "Encounter/er-3"], "bob": ["Encounter/er-2"]}


_batches: list[list[dict]] = []
_singles: list[dict] = []
_gate = threading.Event()


@job("test_escalation_batch.block")
def _block(ctx: JobContext, **_payload) -> None:
    _gate.wait(10)


@job("test_escalation_batch.work")
def _one(ctx: JobContext, *, n: int) -> None:
    _singles.append({"n": n})


@batch_handler("test_escalation_batch.work")
def _many(ctx: JobContext, payloads: list[dict]) -> None:
    if any(p["n"] < 0 for p in payloads):
        raise RuntimeError("a bad payload")
    _batches.append(payloads)


def test_the_in_process_queue_hands_waiting_runs_to_the_batch_handler_and_retries_a_failed_batch_one_by_one(
        app_settings):
    from openmsk.db import Database
    from openmsk.notify import FakeNotifier

    queue = InProcessQueue(JobContext(db=Database("sqlite://"), notifier=FakeNotifier(), settings=app_settings),
                           backoff_s=0.01)
    try:
        _gate.clear()
        queue.enqueue("test_escalation_batch.block", {})
        for n in (1, 2, 3):
            queue.enqueue("test_escalation_batch.work", {"n": n})
        _gate.set()
        queue.join()
        assert _batches == [[{"n": 1}, {"n": 2}, {"n": 3}]] and _singles == []
        _gate.clear()
        queue.enqueue("test_escalation_batch.block", {})
        for n in (4, -1):
            queue.enqueue("test_escalation_batch.work", {"n": n})
        _gate.set()
        queue.join()
        assert _singles == [{"n": 4}, {"n": -1}]  # the failed batch ran one by one: nothing lost
    finally:
        queue.close()


def test_a_request_given_up_while_its_notification_waits_stores_it_and_the_inbox_keeps_answering(
        db, services, monkeypatch):
    from openmsk.interop import feeds_views

    clinic = build_clinic(db)
    feed_id, secret = _feed(db, clinic)
    gate, real = threading.Event(), feeds_views.receive_batch

    def held(session, notes):
        gate.wait(10)
        return real(session, notes)

    monkeypatch.setattr(feeds_views, "receive_batch", held)
    inbox = feeds_views.Inbox(db)
    given_up = inbox.submit(_note(feed_id, secret, _encounter("er-1", 3, "ann-ehr"), services.queue))
    assert given_up.cancel()  # the client went away before the batch was received
    gate.set()
    answer = inbox.submit(_note(feed_id, secret, _encounter("er-2", 2, "bob-ehr"), services.queue)).result(20)
    assert answer.imported == 1
    with db.transaction() as session:
        assert sorted(session.scalars(select(ClinicalRecord.source_id))) == ["er-1", "er-2"]
