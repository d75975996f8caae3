"""Demo history: outside records (FHIR-like) and in-app signals that leave a live worklist."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from openmsk.auth.models import User
from openmsk.auth.principal import Principal
from openmsk.careteam.models import CareTeamAssignment, Clinician
from openmsk.db import utcnow
from openmsk.demo.context import DemoContext
from openmsk.escalation import service

ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CPT = "http://www.ama-assn.org/go/cpt"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _ed(rid: str, at: datetime) -> dict:
    return {"resourceType": "Encounter", "id": rid, "status": "finished", "class": {"system": ACTCODE, "code": "EMER"},
            "type": [{"text": "Emergency department visit: low back pain"}], "period": {"start": at.isoformat()}}


def _mri(rid: str, at: datetime) -> dict:
    # AMA CPT 72148: MRI lumbar spine without contrast.
    return {"resourceType": "ServiceRequest", "id": rid, "status": "active", "intent": "order",
            "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]},
            "authoredOn": at.isoformat()}


def _referral(rid: str, at: datetime) -> dict:
    # SNOMED CT 308481009: Referral to orthopedic surgeon.
    return {"resourceType": "ServiceRequest", "id": rid, "status": "active", "intent": "order",
            "code": {"coding": [{"system": SNOMED, "code": "308481009", "display": "Referral to orthopedic surgeon"}]},
            "authoredOn": at.isoformat()}


def _oxycodone(rid: str, at: datetime) -> dict:
    # RxNorm 1049221: acetaminophen 325 MG / oxycodone hydrochloride 5 MG oral tablet.
    return {"resourceType": "MedicationRequest", "id": rid, "status": "active", "intent": "order",
            "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "1049221",
                                                      "display": "Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet"}]},
            "authoredOn": at.isoformat(),
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}},
                                   "doseAndRate": [{"doseQuantity": {"value": 2, "unit": "tablet"}}]}]}


def _epidural(rid: str, at: datetime) -> dict:
    # AMA CPT 62323: interlaminar epidural injection, lumbar or sacral, with imaging guidance.
    return {"resourceType": "Procedure", "id": rid, "status": "completed", "performedDateTime": at.isoformat(),
            "code": {"coding": [{"system": CPT, "code": "62323", "display": "Injection, interlaminar epidural, lumbar"}]}}


def _actor(session, member_id: str, role: str) -> Principal | None:
    row = session.execute(select(Clinician, User).join(User, User.id == Clinician.user_id).join(
        CareTeamAssignment, CareTeamAssignment.clinician_id == Clinician.id).where(
        CareTeamAssignment.member_id == member_id, CareTeamAssignment.role == role,
        CareTeamAssignment.ended_at.is_(None))).first()
    if row is None:
        return None
    clinician, user = row
    return Principal(user_id=user.id, email=user.email, display_name=clinician.display_name,
                     roles=frozenset({clinician.role}), clinician_id=clinician.id, via="token")


def seed_demo(ctx: DemoContext) -> None:
    """Open alerts of several categories for demo members, a few acknowledged, resolved or overdue."""
    session, now = ctx.session, utcnow()
    rng = ctx.rng("escalation")
    active = [m for m, _ in ctx.members if m.status == "active"] or [m for m, _ in ctx.members]
    picks = active[:10]
    day = lambda n: now - timedelta(days=n, hours=rng.randint(0, 8))  # noqa: E731
    plans = [
        ("records", [_ed("demo-ed-1", day(1))]),
        ("records", [_mri("demo-mri-1", day(2))]),
        ("signal", ("red_flag_reported", "new numbness in the saddle area reported at check-in")),
        ("records", [_oxycodone("demo-oxy-1", day(1))]),
        ("signal", ("pain_spike", "pain rose from 3 to 8 during an exercise session")),
        ("records", [_referral("demo-ortho-1", day(3))]),
        ("signal", ("surgery_intent", "says surgery is likely in the next months")),
        ("records", [_epidural("demo-esi-1", day(4))]),
        ("records", [_ed("demo-ed-old", datetime.combine(ctx.today - timedelta(days=400), time(10), tzinfo=UTC))]),
        ("signal", ("self_harm_risk", "PHQ-9 item 9 answered above zero")),
    ]
    created: list[tuple[str, str]] = []
    for i, (member, (kind, data)) in enumerate(zip(picks, plans)):
        arrived = now - timedelta(hours=i)
        if kind == "records":
            result = service.process_resources(session, member_id=member.id, resources=data, now=arrived,
                                               source="demo")
        else:
            result = service.process_signal(session, member_id=member.id, kind=data[0], signal_id=f"demo-signal-{i}",
                                            occurred_at=arrived - timedelta(minutes=20), text=data[1], now=arrived)
        created += [(alert_id, member.id) for alert_id in result.created]
    # A few worked alerts so the worklist shows every state: acknowledged, resolved, and one left overdue.
    for index, (alert_id, member_id) in enumerate(created[:4]):
        actor = _actor(session, member_id, "physical_therapist")
        if actor is None:
            continue
        if index == 1:
            service.acknowledge(session, alert_id=alert_id, actor=actor)
        elif index == 3:
            service.resolve(session, alert_id=alert_id, outcome="called_member",
                            note="discussed options; member will try 4 more weeks of PT", actor=actor)
    service.escalate_overdue(session, now=now + timedelta(hours=2))
    ctx.notes.append(f"escalation: {len(created)} alerts for {len(picks)} members (worklist at /console/escalations)")
