"""The batch path's in-process caches (normalized history, stored alerts, match and episode alerts) change no alert."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from openmsk.escalation import aggregates, batch, episodes, service
from openmsk.escalation.batch import process_record_jobs
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.overdue import escalate_overdue
from openmsk.escalation.rulestore import engine_for
from openmsk.members import service as members
from openmsk.members.schemas import MemberCreate
from tests.integration.clinic import build_clinic

ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CPT = "http://www.ama-assn.org/go/cpt"
NOW = datetime.now(UTC)
_CACHES = (batch._NORMALIZED, batch._SNAPSHOTS, episodes._ALERTS, aggregates._FIRED)


def _encounter(encounter_id: str, hours_ago: float, status: str) -> dict:
    return {"resourceType": "Encounter", "id": encounter_id, "status": status,
            "class": {"system": ACTCODE, "code": "EMER"}, "subject": {"reference": "Patient/x"},
            "period": {"start": (NOW - timedelta(hours=hours_ago)).isoformat()}}


def _mri(order_id: str, hours_ago: float, status: str) -> dict:
    return {"resourceType": "ServiceRequest", "id": order_id, "status": status, "intent": "order",
            "subject": {"reference": "Patient/x"}, "authoredOn": (NOW - timedelta(hours=hours_ago)).isoformat(),
            "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]}}


def _random_jobs(seed: int, steps: int) -> list[list[dict]]:
    """Jobs of one member: new ED visits and MRI orders at random times, resent and cancelled records."""
    rng = random.Random(seed)
    sent: list[tuple[str, str, float]] = []
    jobs = []
    for step in range(steps):
        resources = []
        for _ in range(rng.choice((1, 1, 2))):
            if sent and rng.random() < 0.3:
                kind, record_id, hours = rng.choice(sent)  # the same record again, maybe with a new status
                status = rng.choice(("finished", "cancelled")) if kind == "er" else rng.choice(("active", "revoked"))
            else:
                kind, record_id, hours = rng.choice(("er", "er", "er", "mri")), f"r{step}-{len(resources)}", \
                    rng.uniform(1, 24 * 60)
                status = "finished" if kind == "er" else "active"
                sent.append((kind, record_id, hours))
            resources.append(_encounter(record_id, hours, status) if kind == "er" else _mri(record_id, hours, status))
        jobs.append(resources)
    return jobs


def _alerts(db, member_id: str) -> list[tuple]:
    with db.transaction() as session:
        return sorted((a.category, a.rule_id, a.severity, a.rule_severity, a.resource, tuple(a.related), a.evidence,
                       a.episode, a.actionable, a.status, a.version, a.occurred_at) for a in session.scalars(
            select(EscalationAlert).where(EscalationAlert.member_id == member_id)))


def _cold(db, jobs: list[tuple[str, list[dict]]]) -> None:
    """Run a batch with every cache empty, then put the caches back as they were."""
    saved = [dict(cache) for cache in _CACHES]
    with db.transaction() as session:
        engine = engine_for(session)
        seen = dict(engine._seen)
        for cache in _CACHES:
            cache.clear()
        engine._seen.clear()
        process_record_jobs(session, jobs)
    for cache, before in zip(_CACHES, saved):
        cache.clear()
        cache.update(before)
    engine._seen.update(seen)


def test_random_histories_raise_the_same_alerts_with_warm_caches_cold_caches_and_one_by_one(db):
    clinic = build_clinic(db)
    with db.transaction() as session:
        ids = [members.enroll_member(session, actor=None, today=date.today(), data=MemberCreate(
            organization_id=clinic.org_id, given_name=f"cache{i}", family_name="Test", birth_date=date(1970, 1, 1),
            sex="female", email=f"cache{i}@batch.test", state="NY")).id for i in range(6)]
    for seed, (warm, cold, single) in enumerate((ids[0:3], ids[3:6])):
        for step, resources in enumerate(_random_jobs(seed, 28)):
            with db.transaction() as session:
                process_record_jobs(session, [(warm, resources)])
            _cold(db, [(cold, resources)])
            with db.transaction() as session:
                service.process_resources(session, member_id=single, resources=resources, source="fhir_import")
            if step == 14:  # alerts changed by another writer in between (a new version of the row)
                with db.transaction() as session:
                    escalate_overdue(session, now=NOW + timedelta(days=30))
        expected = _alerts(db, single)
        assert _alerts(db, warm) == expected
        assert _alerts(db, cold) == expected
        assert sum(1 for a in expected if a[0] == "ed_visit") >= 10 and any(a[10] > 1 for a in expected)
