"""Clinical events: a FHIR R4 resource or an in-app signal reduced to plain, rule-ready facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from openmsk.escalation.fhir_values import (
    Code, codings, concept_text, doses_per_day, duration_days, parse_datetime, reference_id,
)

SIGNAL_KINDS = ("red_flag_reported", "self_harm_risk", "pain_spike", "surgery_intent", "medication_change")
SUPPORTED_TYPES = ("Encounter", "Procedure", "ServiceRequest", "MedicationRequest", "MedicationStatement",
                   "ImagingStudy", "Condition", "DiagnosticReport", "Observation")


@dataclass(frozen=True, slots=True)
class MedicationFacts:
    """Dose facts of a medication order; any field may be None when the record does not state it."""

    dose_value: float | None = None
    dose_unit: str | None = None
    doses_per_day: float | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClinicalEvent:
    """One normalized clinical fact about one patient."""

    patient: str | None
    resource_type: str
    resource_id: str | None
    status: str | None
    occurred_at: datetime | None
    codes: tuple[Code, ...] = ()
    text: str = ""
    body_sites: tuple[Code, ...] = ()
    medication: MedicationFacts | None = None
    kind: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def resource(self) -> str:
        """The "Type/id" reference of the source resource."""
        return f"{self.resource_type}/{self.resource_id or '?'}"


def _first_date(resource: dict[str, Any], *paths: str) -> datetime | None:
    for path in paths:
        value: Any = resource
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            return parse_datetime(value)
    return None


# Which element dates each resource type (FHIR R4), in order of preference.
_DATE_PATHS: dict[str, tuple[str, ...]] = {
    "Encounter": ("period.start", "period.end"),
    "Procedure": ("performedDateTime", "performedPeriod.start", "performedPeriod.end"),
    "ServiceRequest": ("authoredOn", "occurrenceDateTime", "occurrencePeriod.start"),
    "MedicationRequest": ("authoredOn", "dispenseRequest.validityPeriod.start"),
    "MedicationStatement": ("effectiveDateTime", "effectivePeriod.start", "dateAsserted"),
    "ImagingStudy": ("started", "series.0.started"),
    "Condition": ("onsetDateTime", "onsetPeriod.start", "recordedDate"),
    "DiagnosticReport": ("effectiveDateTime", "effectivePeriod.start", "issued"),
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"),
}

_CODE_ELEMENTS: dict[str, tuple[str, ...]] = {
    "Encounter": ("type", "serviceType"),
    "Procedure": ("code",),
    "ServiceRequest": ("code", "performerType"),
    "MedicationRequest": ("medicationCodeableConcept",),
    "MedicationStatement": ("medicationCodeableConcept",),
    "ImagingStudy": ("procedureCode",),
    "Condition": ("code",),
    "DiagnosticReport": ("code",),
    "Observation": ("code",),
}


def normalize(resource: dict[str, Any], full_url_ids: dict[str, str] | None = None) -> ClinicalEvent:
    """Normalize one FHIR R4 resource dict; never raises, lists what it could not read in `problems`."""
    rtype = str(resource.get("resourceType") or "Unknown")
    problems: list[str] = []
    if rtype not in SUPPORTED_TYPES:
        problems.append("unsupported resource type")
    subject = resource.get("subject") or resource.get("patient")
    patient = reference_id(subject, full_url_ids)
    if patient is None:
        problems.append("patient reference missing or unresolvable")
    codes, texts = _codes_and_text(rtype, resource, problems)
    if rtype in _DATE_PATHS:
        occurred = _dated(resource, _DATE_PATHS[rtype])
        if occurred is None:
            problems.append("date missing or invalid")
    else:
        occurred = None
    status = _status(rtype, resource)
    body_sites = _body_sites(rtype, resource, problems)
    medication = _medication(resource, occurred) if rtype.startswith("Medication") else None
    resource_id = resource.get("id") if isinstance(resource.get("id"), str) else None
    return ClinicalEvent(
        patient=patient, resource_type=rtype, resource_id=resource_id,
        status=status, occurred_at=occurred, codes=tuple(codes), text=" ".join(texts),
        body_sites=tuple(body_sites), medication=medication, problems=tuple(dict.fromkeys(problems)),
    )


def _dated(resource: dict[str, Any], paths: tuple[str, ...]) -> datetime | None:
    for path in paths:
        if path == "series.0.started":
            series = resource.get("series")
            if isinstance(series, list) and series and isinstance(series[0], dict):
                found = parse_datetime(series[0].get("started"))
                if found:
                    return found
            continue
        found = _first_date(resource, path)
        if found:
            return found
    return None


def _status(rtype: str, resource: dict[str, Any]) -> str | None:
    if rtype == "Condition":
        for system, code, _ in codings(resource.get("verificationStatus"), [], "verificationStatus"):
            if code in ("refuted", "entered-in-error"):
                return code
        clinical = codings(resource.get("clinicalStatus"), [], "clinicalStatus")
        return clinical[0][1] if clinical else None
    status = resource.get("status")
    return status if isinstance(status, str) else None


def _codes_and_text(rtype: str, resource: dict[str, Any], problems: list[str]) -> tuple[list[Code], list[str]]:
    codes: list[Code] = []
    texts: list[str] = []
    if rtype == "Encounter":
        codes += codings(resource.get("class"), problems, "Encounter.class")
    for element in _CODE_ELEMENTS.get(rtype, ()):
        values = resource.get(element)
        if element == "medicationCodeableConcept" and values is None:
            values = _contained_medication_code(resource)
        for value in values if isinstance(values, list) else [values]:
            codes += codings(value, problems, f"{rtype}.{element}")
            texts.append(concept_text(value))
    if rtype == "ImagingStudy":
        for series in resource.get("series", []) if isinstance(resource.get("series"), list) else []:
            if isinstance(series, dict):
                codes += codings(series.get("modality"), problems, "ImagingStudy.series.modality")
                texts.append(concept_text(series.get("bodySite")))
        for modality in resource.get("modality", []) if isinstance(resource.get("modality"), list) else []:
            codes += codings(modality, problems, "ImagingStudy.modality")
    if not codes and not any(texts):
        problems.append("no code")
    return list(dict.fromkeys(codes)), [t for t in texts if t]


def _contained_medication_code(resource: dict[str, Any]) -> Any:
    ref = (resource.get("medicationReference") or {}).get("reference")
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    for contained in resource.get("contained") or []:
        if isinstance(contained, dict) and contained.get("id") == ref[1:]:
            return contained.get("code")
    return None


def _body_sites(rtype: str, resource: dict[str, Any], problems: list[str]) -> list[Code]:
    sites: list[Code] = []
    values = resource.get("bodySite")
    for value in values if isinstance(values, list) else [values]:
        sites += codings(value, problems, f"{rtype}.bodySite")
    if rtype == "ImagingStudy" and isinstance(resource.get("series"), list):
        for series in resource["series"]:
            if isinstance(series, dict):
                sites += codings(series.get("bodySite"), problems, "ImagingStudy.series.bodySite")
    return sites


def _medication(resource: dict[str, Any], started: datetime | None) -> MedicationFacts:
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or []
    dosage = dosages[0] if isinstance(dosages, list) and dosages and isinstance(dosages[0], dict) else {}
    dose_value = dose_unit = None
    rates = dosage.get("doseAndRate")
    rate = rates[0] if isinstance(rates, list) and rates and isinstance(rates[0], dict) else {}
    quantity = rate.get("doseQuantity") or (rate.get("doseRange") or {}).get("high")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
        dose_value = float(quantity["value"])
        dose_unit = quantity.get("unit") or quantity.get("code")
    per_day = doses_per_day(dosage.get("timing"))
    return MedicationFacts(dose_value, dose_unit, per_day, _ends_at(resource, dosage, started))


def _ends_at(resource: dict[str, Any], dosage: dict[str, Any], started: datetime | None) -> datetime | None:
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    explicit = _first_date(repeat, "boundsPeriod.end") or _first_date(resource, "effectivePeriod.end")
    explicit = explicit or _first_date(resource, "dispenseRequest.validityPeriod.end")
    if explicit:
        return explicit
    days = duration_days(repeat.get("boundsDuration"))
    days = days or duration_days((resource.get("dispenseRequest") or {}).get("expectedSupplyDuration"))
    return started + timedelta(days=days) if started and days else None


def signal_event(
    kind: str, patient: str, occurred_at: datetime, signal_id: str, text: str = "", status: str = "active"
) -> ClinicalEvent:
    """An in-app signal (red_flag_reported, self_harm_risk, pain_spike, surgery_intent, medication_change)."""
    if kind not in SIGNAL_KINDS:
        raise ValueError(f"unknown signal kind: {kind}")
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    return ClinicalEvent(
        patient=patient, resource_type="Signal", resource_id=signal_id, status=status,
        occurred_at=occurred_at.astimezone(UTC), codes=(("openmsk", kind, None),),
        text=text, kind=kind,
    )
