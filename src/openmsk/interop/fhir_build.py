"""Pure mapping of OpenMSK's own data to FHIR R4 resources (validated later with fhir.resources.R4B).

Codes: LOINC 72514-3 pain severity 0-10, 44261-6 PHQ-9 total, 70274-6 GAD-7 total, 39156-5 BMI,
29463-7 body weight (https://loinc.org); instruments without a verified LOINC code (ODI, NDI, PSFS,
KOOS JR, HOOS JR, QuickDASH; see openmsk.intake.instruments) use OpenMSK's own code system.
Observation category codes: http://terminology.hl7.org/CodeSystem/observation-category (FHIR R4).
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LOCAL = "urn:openmsk:codes:instrument"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# instrument id -> (LOINC code of the total, display); sources in the module docstring.
TOTAL_CODES = {
    "nrs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
}
FUNCTION_INSTRUMENTS = {"odi": "Oswestry Disability Index", "ndi": "Neck Disability Index",
                        "psfs": "Patient-Specific Functional Scale", "koos_jr": "KOOS JR", "hoos_jr": "HOOS JR",
                        "quickdash": "QuickDASH"}
BMI = ("39156-5", "Body mass index (BMI) [Ratio]")
WEIGHT = ("29463-7", "Body weight")


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def patient(member) -> dict[str, Any]:
    """A member as a Patient (id = member id)."""
    return {"resourceType": "Patient", "id": member.id,
            "identifier": [{"system": "urn:openmsk:member", "value": member.id}],
            "active": member.status == "active",
            "name": [{"use": "official", "family": member.family_name, "given": [member.given_name]}],
            "gender": member.sex if member.sex in ("male", "female", "other", "unknown") else "unknown",
            "birthDate": member.birth_date.isoformat(),
            "telecom": [{"system": "email", "value": member.email}]
            + ([{"system": "phone", "value": member.phone}] if member.phone else [])}


def _observation(oid: str, member_id: str, code: tuple[str, str, str], at: datetime, value: dict[str, Any],
                 category: str) -> dict[str, Any]:
    system, number, display = code
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "category": [{"coding": [{"system": CATEGORY, "code": category}]}],
            "code": {"coding": [{"system": system, "code": number, "display": display}], "text": display},
            "subject": {"reference": f"Patient/{member_id}"}, "effectiveDateTime": _instant(at), **value}


def assessment_observations(a) -> list[dict[str, Any]]:
    """Observations for one assessment: its total (LOINC where verified) and BMI/weight from lifestyle."""
    out = []
    score = lambda v: {"valueQuantity": {"value": v, "system": UCUM, "code": "{score}", "unit": "score"}}  # noqa: E731
    if a.instrument in TOTAL_CODES and a.total is not None:
        code = TOTAL_CODES[a.instrument]
        out.append(_observation(f"obs-{a.id}", a.member_id, (LOINC, *code), a.taken_at, score(a.total), "survey"))
    elif a.instrument in FUNCTION_INSTRUMENTS and a.total is not None:
        out.append(_observation(f"obs-{a.id}", a.member_id, (LOCAL, a.instrument, FUNCTION_INSTRUMENTS[a.instrument]),
                                a.taken_at, score(a.total), "survey"))
    elif a.instrument == "lifestyle":
        bmi = (a.subscores or {}).get("bmi")
        weight = (a.answers or {}).get("weight_kg") if isinstance(a.answers, dict) else None
        if isinstance(bmi, (int, float)):
            out.append(_observation(f"obs-{a.id}-bmi", a.member_id, (LOINC, *BMI), a.taken_at, {"valueQuantity": {
                "value": round(float(bmi), 1), "system": UCUM, "code": "kg/m2", "unit": "kg/m2"}}, "vital-signs"))
        if isinstance(weight, (int, float)):
            out.append(_observation(f"obs-{a.id}-weight", a.member_id, (LOINC, *WEIGHT), a.taken_at, {"valueQuantity": {
                "value": float(weight), "system": UCUM, "code": "kg", "unit": "kg"}}, "vital-signs"))
    return out


def questionnaire_response(a) -> dict[str, Any]:
    """The member's answers to one instrument."""
    answers = a.answers.items() if isinstance(a.answers, dict) else enumerate(a.answers or [], start=1)
    items = []
    for key, value in answers:
        if value is None:
            continue
        if isinstance(value, bool):
            answer = {"valueBoolean": value}
        elif isinstance(value, int):
            answer = {"valueInteger": value}
        elif isinstance(value, float):
            answer = {"valueDecimal": value}
        else:
            answer = {"valueString": str(value)}
        items.append({"linkId": str(key), "answer": [answer]})
    return {"resourceType": "QuestionnaireResponse", "id": f"qr-{a.id}", "status": "completed",
            "questionnaire": f"urn:openmsk:questionnaire:{a.instrument}",
            "subject": {"reference": f"Patient/{a.member_id}"}, "authored": _instant(a.taken_at), "item": items}


def care_team(member_id: str, team: list[tuple[str, str, str]]) -> dict[str, Any]:
    """The member's current care team: (clinician id, display name, role) triples."""
    return {"resourceType": "CareTeam", "id": f"careteam-{member_id}", "status": "active",
            "subject": {"reference": f"Patient/{member_id}"}, "name": "OpenMSK digital MSK care team",
            "participant": [{"role": [{"text": role.replace("_", " ")}], "member": {"display": name}}
                            for _cid, name, role in team]}


def care_plan(member, exercise_ids: list[str]) -> dict[str, Any]:
    """The exercise program as a CarePlan, one activity per exercise in the current plan."""
    return {"resourceType": "CarePlan", "id": f"careplan-{member.id}", "status": "active", "intent": "plan",
            "title": "OpenMSK exercise therapy program", "subject": {"reference": f"Patient/{member.id}"},
            "period": {"start": member.program_start.isoformat()},
            "goal": [{"reference": f"Goal/goal-{member.id}"}],
            "activity": [{"detail": {"status": "in-progress", "kind": "ServiceRequest",
                                     "description": f"Exercise {eid}"}} for eid in exercise_ids]
            or [{"detail": {"status": "not-started", "description": "Exercise plan not yet assigned"}}]}


def goal(member) -> dict[str, Any]:
    """The program's goal (the member's own goals are in their questionnaire answers)."""
    return {"resourceType": "Goal", "id": f"goal-{member.id}", "lifecycleStatus": "active",
            "description": {"text": "Reduce musculoskeletal pain and improve function through the program"},
            "subject": {"reference": f"Patient/{member.id}"}, "startDate": member.program_start.isoformat()}


def progress_note(member, lines: list[str], at: datetime) -> dict[str, Any]:
    """A plain-text progress note as a DocumentReference (LOINC 11506-3 Progress note)."""
    text = "\n".join(lines)
    return {"resourceType": "DocumentReference", "id": f"note-{member.id}", "status": "current",
            "type": {"coding": [{"system": LOINC, "code": "11506-3", "display": "Progress note"}]},
            "subject": {"reference": f"Patient/{member.id}"}, "date": _instant(at),
            "description": "OpenMSK digital MSK program progress note",
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "title": "Progress note",
                                        "data": base64.b64encode(text.encode()).decode()}}]}


def note_lines(member, history: list, today: date) -> list[str]:
    """Human-readable lines: program start and first/latest score per instrument."""
    lines = [f"Digital MSK program since {member.program_start.isoformat()} (as of {today.isoformat()})."]
    by_instrument: dict[str, list] = {}
    for a in history:
        if a.total is not None:
            by_instrument.setdefault(a.instrument, []).append(a)
    for instrument, rows in sorted(by_instrument.items()):
        first, last = rows[0], rows[-1]
        label = {"nrs": "Pain (0-10)", "phq9": "PHQ-9", "gad7": "GAD-7"}.get(
            instrument, FUNCTION_INSTRUMENTS.get(instrument, instrument))
        lines.append(f"{label}: {first.total:g} on {first.taken_at.date().isoformat()}"
                     + (f", {last.total:g} on {last.taken_at.date().isoformat()}" if last is not first else ""))
    if len(lines) == 1:
        lines.append("No scored questionnaires yet.")
    return lines
