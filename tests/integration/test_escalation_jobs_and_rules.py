"""Escalation jobs on the in-process queue (signals, imported records, overdue alerts) and admin rules."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from openmsk.careteam.models import Task
from openmsk.escalation import jobs as escalation_jobs
from openmsk.escalation import service
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.outbound import FakeSink
from openmsk.jobs import emit
from openmsk.jobs.registry import subscribers
from tests.integration.clinic import bearer, build_clinic

ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _alerts(db, member_id: str) -> list[EscalationAlert]:
    with db.transaction() as session:
        return list(session.scalars(select(EscalationAlert).where(EscalationAlert.member_id == member_id)))


def test_signal_event_raises_one_urgent_alert_and_announces_it_once(services, db, notifier):
    clinic = build_clinic(db)
    sink = FakeSink()
    services.context.extras[escalation_jobs.SINKS_KEY] = [sink]
    member = clinic.member_ids["ann"]
    payload = {"member_id": member, "kind": "self_harm_risk", "occurred_at": datetime.now(UTC).isoformat(),
               "signal_id": "assessment-123", "text": "PHQ-9 item 9 answered above 0"}
    # Other test modules may subscribe capture jobs of their own to the same event.
    assert "escalation.signal_reported" in subscribers("signal.reported")
    assert emit(services.queue, "signal.reported", payload) >= 1
    emit(services.queue, "signal.reported", payload)  # the same signal delivered twice
    services.queue.join()
    alerts = _alerts(db, member)
    assert [(a.category, a.severity, a.routed_role) for a in alerts] == [("self_harm_risk", "urgent", "behavioral_health")]
    assert [n.alert_id for n in sink.sent] == [alerts[0].id]
    assert "/console/escalations?alert=" in sink.sent[0].link


def test_records_imported_event_fetches_records_through_interop(services, db, monkeypatch):
    clinic = build_clinic(db)
    member = clinic.member_ids["bob"]
    recent = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    records = {"r1": ("r1", member, {"resourceType": "Encounter", "id": "enc-1", "status": "finished",
                                     "class": {"system": ACTCODE, "code": "EMER"}, "period": {"start": recent}}),
               "r2": ("r2", clinic.member_ids["cat"], {"resourceType": "Encounter", "id": "enc-2"})}
    asked = []

    def records_by_ids(session, *, record_ids):
        asked.append(record_ids)
        return [records[i] for i in record_ids]

    monkeypatch.setattr(escalation_jobs, "_records_by_ids", lambda: records_by_ids)
    emit(services.queue, "clinical.records_imported", {"member_id": member, "record_ids": ["r1", "r2"]})
    services.queue.join()
    assert asked == [["r1", "r2"]]
    assert [a.resource for a in _alerts(db, member)] == ["Encounter/enc-1"]
    assert _alerts(db, clinic.member_ids["cat"]) == []  # a record of another member is ignored


def test_overdue_alert_escalates_once_with_an_urgent_task_and_an_email(services, db, notifier):
    clinic = build_clinic(db)
    member = clinic.member_ids["ann"]
    with db.transaction() as session:
        created = service.process_signal(session, member_id=member, kind="pain_spike",
                                         occurred_at=datetime.now(UTC), signal_id="session-7").created
    with db.transaction() as session:
        due = session.get(EscalationAlert, created[0]).due_at
        assert service.escalate_overdue(session, now=due - timedelta(minutes=1)) == ([], [])
        escalated, urgent = service.escalate_overdue(session, now=due + timedelta(minutes=1))
    assert escalated == created and urgent == []  # routine -> high: one step
    with db.transaction() as session:
        assert service.escalate_overdue(session, now=due + timedelta(hours=5)) == ([], [])
        alert = session.get(EscalationAlert, created[0])
        task = session.get(Task, alert.escalation_task_id)
        assert alert.severity == "high" and task.priority == "urgent"
        assert task.assignee_clinician_id == clinic.clinician_ids["pt_a"]
    services.queue.enqueue("escalation.announce_urgent", {"alert_ids": created})
    services.queue.join()
    message = notifier.last_to(clinic.emails["pt_a"])
    assert created[0] in message.body and "pain" not in message.body.lower()


def test_admin_adds_a_clinic_rule_and_disables_a_shipped_one(client, db):
    clinic = build_clinic(db)
    admin = bearer(client, clinic.emails["admin"])
    knee_mri = {"id": "clinic-knee-mri", "category": "advanced_imaging", "severity": "routine",
                "route_to": "physical_therapist", "respond_within": "P3D", "dedup_window": "P14D",
                "episode": "category", "explanation": "Knee MRI ordered.",
                "match": {"resource_types": ["ServiceRequest"], "codes": {"cpt": ["73721"]}}}
    assert client.post("/api/v1/escalations/rules", json={"definition": knee_mri}, headers=admin).status_code == 201
    assert client.post("/api/v1/escalations/rules", json={"definition": knee_mri}, headers=admin).status_code == 409
    broken = client.post("/api/v1/escalations/rules", headers=admin,
                         json={"definition": {**knee_mri, "id": "bad-one", "severity": "catastrophic"}})
    assert broken.status_code == 422 and "severity" in broken.json()["error"]["details"][0]["message"]
    assert client.post("/api/v1/escalations/rules/ed-visit/disable", headers=admin).json()["enabled"] is False
    pt = bearer(client, clinic.emails["pt_a"])
    assert client.post("/api/v1/escalations/rules/ed-visit/enable", headers=pt).status_code == 403
    recent = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    response = client.post(f"/api/v1/members/{clinic.member_ids['ann']}/clinical-events", headers=pt, json={
        "resources": [
            {"resourceType": "ServiceRequest", "id": "knee", "status": "active", "authoredOn": recent,
             "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "73721"}]}},
            {"resourceType": "Encounter", "id": "ed", "status": "finished", "period": {"start": recent},
             "class": {"system": ACTCODE, "code": "EMER"}}]})
    assert response.status_code == 201
    alerts = client.get("/api/v1/escalations/alerts", headers=pt).json()
    assert [(a["rule_id"], a["category"]) for a in alerts] == [("clinic-knee-mri", "advanced_imaging")]
    listed = {r["id"]: r for r in client.get("/api/v1/escalations/rules", headers=admin).json()}
    assert listed["ed-visit"]["enabled"] is False and listed["clinic-knee-mri"]["source"] == "custom"
