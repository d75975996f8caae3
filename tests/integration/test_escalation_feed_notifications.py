"""FHIR Subscription notifications to alerts: direct import, live push, concurrent episodes, other processes."""

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from openmsk.escalation import service
from openmsk.escalation.config import escalation_config
from openmsk.escalation.live import AlertHub, PgListener, listener_for, mark_changed
from openmsk.escalation.models import EscalationAlert
from openmsk.interop.jobs import PULL_JOB
from openmsk.interop.models import ExchangeLog, PatientLink
from openmsk.interop.pull import register_feed
from tests.integration.clinic import PASSWORD, build_clinic

BASE = "https://ehr.example.test/fhir"
ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CPT = "http://www.ama-assn.org/go/cpt"
REPO = Path(__file__).resolve().parents[2]


def _encounter(encounter_id: str, patient_id: str) -> dict:
    return {"resourceType": "Encounter", "id": encounter_id, "status": "finished",
            "class": {"system": ACTCODE, "code": "EMER"}, "subject": {"reference": f"Patient/{patient_id}"},
            "period": {"start": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}}


def _backport(resource: dict) -> dict:
    """An R4B topic-based notification carrying its focus resource (full-resource payload)."""
    ref = f"{BASE}/{resource['resourceType']}/{resource['id']}"
    return {"resourceType": "Bundle", "type": "history", "entry": [
        {"resource": {"resourceType": "SubscriptionStatus", "status": "active", "type": "event-notification",
                      "notificationEvent": [{"eventNumber": "1", "focus": {"reference": ref}}]}},
        {"fullUrl": ref, "resource": resource}]}


def _mri_order(order_id: str, member_id: str, hours_ago: int) -> dict:
    return {"resourceType": "ServiceRequest", "id": order_id, "status": "active", "intent": "order",
            "subject": {"reference": f"Patient/{member_id}"},
            "authoredOn": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
            "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]}}


@pytest.fixture
def feed(db):
    """A provider feed whose Patient ann-ehr is already linked to member ann; (feed id, secret, clinic)."""
    clinic = build_clinic(db)
    with db.transaction() as session:
        registered, secret = register_feed(session, provider="General Hospital", base_url=BASE)
        session.add(PatientLink(source_system=BASE, patient_id="ann-ehr", member_id=clinic.member_ids["ann"],
                                status="linked", method="manual", score=1.0))
    return registered.id, secret, clinic


def _token(client, clinic, who: str) -> dict:
    token = client.post("/api/v1/auth/token", json={"email": clinic.emails[who], "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def _alerts(db, member_id: str) -> list[EscalationAlert]:
    with db.transaction() as session:
        return list(session.scalars(select(EscalationAlert).where(EscalationAlert.member_id == member_id,
                                                                  EscalationAlert.actionable.is_(True))))


def _read_stream(client, headers: dict, timeout_s: float, out: list[str]) -> None:
    with client.stream("GET", f"/api/v1/escalations/stream?timeout_s={timeout_s}", headers=headers) as stream:
        out.append("".join(stream.iter_text()))


def test_full_resource_notifications_raise_alerts_pushed_to_an_open_stream_without_a_pull(
        client, db, services, feed, monkeypatch):
    feed_id, secret, clinic = feed
    monkeypatch.setattr(escalation_config(), "stream_poll_seconds", 30.0)  # only the push can deliver in time
    pulls = []
    enqueue = services.queue.enqueue
    monkeypatch.setattr(services.queue, "enqueue",
                        lambda name, payload: pulls.append(payload) if name == PULL_JOB else enqueue(name, payload))
    body: list[str] = []
    reader = threading.Thread(target=_read_stream, args=(client, _token(client, clinic, "pt_a"), 8, body))
    reader.start()
    time.sleep(1.0)  # the stream has made its first read
    url, auth = f"/fhir/R4/notifications/{feed_id}", {"Authorization": f"Bearer {secret}"}
    answer = client.post(url, json=_backport(_encounter("er-1", "ann-ehr")), headers=auth)
    assert answer.status_code == 200 and "imported 1" in answer.json()["issue"][0]["diagnostics"]
    services.queue.join()
    time.sleep(0.5)  # SQLite: one writer at a time (the stream audits its first read of the member)
    # Plain R4 rest-hook with the resources in a Bundle (no SubscriptionStatus entry).
    r4 = {"resourceType": "Bundle", "type": "history", "entry": [{"resource": _encounter("er-2", "ann-ehr")}]}
    assert client.post(url, json=r4, headers=auth).status_code == 200
    services.queue.join()
    reader.join(10)
    assert pulls == []  # everything came with the notifications: no round trip to the provider
    alerts = _alerts(db, clinic.member_ids["ann"])
    assert sorted((a.category, a.resource) for a in alerts) == [("ed_visit", "Encounter/er-1"),
                                                                 ("ed_visit", "Encounter/er-2")]
    assert body and body[0].count("event: alert") == 2
    assert "Encounter/er-1" in body[0] and "Encounter/er-2" in body[0]
    # The same notification again (a provider retry) changes nothing.
    assert client.post(url, json=_backport(_encounter("er-1", "ann-ehr")), headers=auth).status_code == 200
    services.queue.join()
    assert len(_alerts(db, clinic.member_ids["ann"])) == 2


def test_notifications_for_unlinked_patients_or_without_the_resource_still_queue_a_pull(
        client, db, services, feed, monkeypatch):
    feed_id, secret, clinic = feed
    pulls = []
    monkeypatch.setattr(services.queue, "enqueue", lambda name, payload: pulls.append((name, payload)))
    url, auth = f"/fhir/R4/notifications/{feed_id}", {"Authorization": f"Bearer {secret}"}
    assert client.post(url, json=_backport(_encounter("er-9", "stranger")), headers=auth).status_code == 200
    id_only = _backport(_encounter("er-10", "ann-ehr"))
    id_only["entry"] = id_only["entry"][:1]
    assert client.post(url, json=id_only, headers=auth).status_code == 200
    assert pulls == [(PULL_JOB, {"feed_id": feed_id, "patient_id": "stranger"}),
                     (PULL_JOB, {"feed_id": feed_id, "focus": f"{BASE}/Encounter/er-10"})]
    assert _alerts(db, clinic.member_ids["ann"]) == []
    with db.transaction() as session:
        details = sorted(session.scalars(select(ExchangeLog.detail).where(ExchangeLog.direction == "notification")))
    assert details == ["0 resources imported, 0 patients and 1 focus references queued",
                       "1 resources imported, 1 patients and 0 focus references queued"]


def test_two_records_of_one_episode_evaluated_at_once_give_one_alert(db):
    clinic = build_clinic(db)
    member = clinic.member_ids["bob"]
    start = threading.Barrier(2)
    errors = []

    def deliver(order: dict) -> None:
        start.wait()
        for attempt in range(5):  # as the job queue does: SQLite refuses a writer whose snapshot went stale
            try:
                with db.transaction() as session:
                    service.process_resources(session, member_id=member, resources=[order], source="fhir_import")
                return
            except OperationalError:
                time.sleep(0.05 * (attempt + 1))
        errors.append(order["id"])

    threads = [threading.Thread(target=deliver, args=(_mri_order(f"mri-{i}", member, hours_ago=3 - i),))
               for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    alerts = _alerts(db, member)
    assert len(alerts) == 1 and alerts[0].category == "advanced_imaging"
    assert {alerts[0].resource, *alerts[0].related} == {"ServiceRequest/mri-1", "ServiceRequest/mri-2"}


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # LISTEN/NOTIFY is PostgreSQL's; SQLite streams poll
def test_a_listener_passes_on_alert_ids_committed_by_another_process(db):
    clinic = build_clinic(db)
    with db.transaction() as session:
        alert_id = service.process_signal(session, member_id=clinic.member_ids["bob"], kind="pain_spike",
                                          occurred_at=datetime.now(UTC), signal_id="s-1").created[0]
    target = AlertHub()
    listener = PgListener(db.url, target, origin="this-process").start()  # our commits look foreign to it
    try:
        assert listener.connected.wait(10)

        async def receive():
            import asyncio

            sub = target.subscribe()
            await asyncio.sleep(0.2)
            sub.take()  # the re-read asked for when LISTEN started
            with db.transaction() as session:
                mark_changed(session, alert_id)
            rolled_back = db.sessionmaker()
            mark_changed(rolled_back, "never-committed")
            rolled_back.rollback()
            rolled_back.close()
            await asyncio.wait_for(sub.wake.wait(), timeout=5)
            await asyncio.sleep(0.3)
            return sub.take()

        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        # A fresh thread: an earlier browser test in this worker may have left an event loop running here.
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(asyncio.run, receive()).result(30) == ({alert_id}, False)
    finally:
        listener.stop()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # LISTEN/NOTIFY is PostgreSQL's; SQLite streams poll
def test_an_alert_written_by_a_second_process_reaches_an_open_stream(client, db, services, monkeypatch):
    clinic = build_clinic(db)
    assert listener_for(db.url).connected.wait(10)
    body: list[str] = []
    reader = threading.Thread(target=_read_stream, args=(client, _token(client, clinic, "pt_a"), 8, body))
    reader.start()
    time.sleep(1.0)
    code = ("import sys; from datetime import UTC, datetime; from openmsk.db import Database; "
            "from openmsk.escalation import service; db = Database(sys.argv[1]); "
            "t = db.transaction(); s = t.__enter__(); "
            "service.process_signal(s, member_id=sys.argv[2], kind='red_flag_reported', "
            "occurred_at=datetime.now(UTC), signal_id='other-process-1'); t.__exit__(None, None, None)")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", code, db.url, clinic.member_ids["bob"]], check=True, env=env, timeout=60)
    reader.join(15)
    assert body and body[0].count("event: alert") == 1 and "red_flag_reported" in body[0]
