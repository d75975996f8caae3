"""Synthetic FHIR R4 bundles (for the demo clinic and tests): plausible shapes, invented people.

Codes: SNOMED CT 50849002 "Emergency room admission", 161891005 "Backache" and 44465007 "Sprain of
ankle" (SNOMED CT International,
https://browser.ihtsdotools.org); RxNorm 1049621 "oxycodone hydrochloride 5 MG Oral Tablet"
(https://mor.nlm.nih.gov/RxNav); DICOM DCM modality "MR" (https://dicom.nema.org/medical/dicom/current/
output/chtml/part16/sect_CID_29.html); LOINC 72514-3 pain severity 0-10 (https://loinc.org/72514-3).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
DCM = "http://dicom.nema.org/resources/ontology/DCM"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DEMO_SYSTEM = "urn:openmsk:demo:ehr"


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"openmsk-synthetic:{seed}"))


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def patient(key: str, *, given: str, family: str, birth_date: date, sex: str,
            identifier: str | None = None) -> dict[str, Any]:
    """A Patient with an identifier in the synthetic EHR's system."""
    return {"resourceType": "Patient", "id": _id(f"{key}:patient"),
            "identifier": [{"system": DEMO_SYSTEM, "value": identifier or key}],
            "name": [{"use": "official", "family": family, "given": [given]}],
            "gender": sex, "birthDate": birth_date.isoformat()}


def er_visit(key: str, at: datetime, *, reason: tuple[str, str] = ("161891005", "Backache")) -> list[dict[str, Any]]:
    """An emergency encounter with its reason as a Condition."""
    enc_id = _id(f"{key}:er:{at.isoformat()}")
    stamp = at.isoformat()
    return [
        {"resourceType": "Encounter", "id": enc_id, "status": "finished",
         "class": {"system": ACT_CODE, "code": "EMER", "display": "emergency"},
         "type": [_concept(SNOMED, "50849002", "Emergency room admission")],
         "subject": {"reference": f"urn:uuid:{_id(f'{key}:patient')}"},
         "period": {"start": stamp, "end": stamp}},
        {"resourceType": "Condition", "id": _id(f"{key}:cond:{stamp}"),
         "clinicalStatus": _concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
         "code": _concept(SNOMED, reason[0], reason[1]),
         "subject": {"reference": f"urn:uuid:{_id(f'{key}:patient')}"},
         "encounter": {"reference": f"urn:uuid:{enc_id}"}, "onsetDateTime": stamp, "recordedDate": stamp},
    ]


def opioid_prescription(key: str, at: datetime) -> dict[str, Any]:
    """An oxycodone 5 mg prescription (RxNorm 1049621) every 6 hours as needed."""
    return {"resourceType": "MedicationRequest", "id": _id(f"{key}:rx:{at.isoformat()}"), "status": "active",
            "intent": "order",
            "medicationCodeableConcept": _concept(RXNORM, "1049621", "oxycodone hydrochloride 5 MG Oral Tablet"),
            "subject": {"reference": f"urn:uuid:{_id(f'{key}:patient')}"}, "authoredOn": at.isoformat(),
            "dosageInstruction": [{"text": "1 tablet every 6 hours as needed for pain",
                                   "timing": {"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}},
                                   "asNeeded": {"asNeededBoolean": True},
                                   "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet"}}]}]}


def mri_study(key: str, at: datetime, *, body_site: str = "Lumbar spine") -> dict[str, Any]:
    """An MRI ImagingStudy (DICOM modality MR)."""
    return {"resourceType": "ImagingStudy", "id": _id(f"{key}:mri:{at.isoformat()}"), "status": "available",
            "subject": {"reference": f"urn:uuid:{_id(f'{key}:patient')}"}, "started": at.isoformat(),
            "modality": [{"system": DCM, "code": "MR", "display": "Magnetic Resonance"}],
            "description": f"MRI {body_site}", "numberOfSeries": 1, "numberOfInstances": 1,
            "series": [{"uid": f"2.25.{uuid.UUID(_id(key + at.isoformat())).int}",
                        "modality": {"system": DCM, "code": "MR", "display": "Magnetic Resonance"},
                        "bodySite": {"display": body_site}}]}


def pain_score(key: str, at: datetime, value: int) -> dict[str, Any]:
    """A pain severity observation (LOINC 72514-3, 0-10 scale)."""
    return {"resourceType": "Observation", "id": _id(f"{key}:pain:{at.isoformat()}"), "status": "final",
            "code": _concept(LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
            "subject": {"reference": f"urn:uuid:{_id(f'{key}:patient')}"}, "effectiveDateTime": at.isoformat(),
            "valueInteger": value}


def transaction(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A transaction Bundle with urn:uuid full URLs, as Synthea writes them."""
    return {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": f"urn:uuid:{r['id']}", "resource": r,
         "request": {"method": "POST", "url": r["resourceType"]}} for r in resources]}
