"""Small readers for FHIR R4 datatypes: dateTime, Reference, CodeableConcept, Timing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from openmsk.clinical.codesystems import normalize_code, short_system

Code = tuple[str, str, str | None]

# FHIR R4 Timing.repeat.periodUnit (UCUM subset, hl7.org/fhir/R4/valueset-units-of-time.html) in days.
_UNIT_DAYS = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.0, "a": 365.0}
# HL7 v3 GTSAbbreviation codes (Timing.code) -> administrations per day.
_TIMING_CODES = {"QD": 1.0, "BID": 2.0, "TID": 3.0, "QID": 4.0, "AM": 1.0, "PM": 1.0, "QOD": 0.5,
                 "Q4H": 6.0, "Q6H": 4.0, "Q8H": 3.0, "Q12H": 2.0}


# Elements whose FHIR R4 binding names one code system, assumed when a coding omits `system`:
# Encounter.class -> v3 ActEncounterCode; ImagingStudy modality -> DICOM CID 29.
_DEFAULT_SYSTEMS = {"Encounter.class": "actcode", "ImagingStudy.series.modality": "dicom",
                    "ImagingStudy.modality": "dicom"}


def parse_datetime(value: Any) -> datetime | None:
    """Parse a FHIR date/dateTime/instant to an aware UTC datetime (dates and naive times as UTC)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def reference_id(reference: Any, full_url_ids: dict[str, str] | None = None) -> str | None:
    """The logical id a Reference points at (Patient/x, urn:uuid:x, absolute URLs); None if conditional."""
    ref = reference.get("reference") if isinstance(reference, dict) else None
    if not isinstance(ref, str) or not ref or "?" in ref:
        return None
    if full_url_ids and ref in full_url_ids:
        return full_url_ids[ref]
    if ref.startswith("urn:uuid:") or ref.startswith("urn:oid:"):
        return ref.split(":", 2)[2]
    parts = ref.split("/_history/")[0].rstrip("/").split("/")
    return parts[-1] if parts[-1] else None


def codings(value: Any, problems: list[str], element: str) -> list[Code]:
    """(system short name or raw URI, code, display) of a CodeableConcept or a Coding."""
    if not isinstance(value, dict):
        return []
    raw = value.get("coding") if "coding" in value else [value] if "code" in value else []
    found: list[Code] = []
    for coding in raw if isinstance(raw, list) else []:
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            continue
        uri = coding.get("system")
        system = short_system(uri) or (_DEFAULT_SYSTEMS.get(element) if uri is None else None)
        if system is None:
            problems.append(f"unknown code system in {element}")
            system = uri if isinstance(uri, str) else ""
        display = coding.get("display") if isinstance(coding.get("display"), str) else None
        found.append((system, normalize_code(system, coding["code"]), display))
    return found


def concept_text(value: Any) -> str:
    """All human text of a CodeableConcept: its text and coding displays."""
    if not isinstance(value, dict):
        return ""
    texts = [value.get("text")] + [c.get("display") for c in value.get("coding", []) if isinstance(c, dict)]
    return " ".join(dict.fromkeys(t for t in texts if isinstance(t, str) and t))


def doses_per_day(timing: Any) -> float | None:
    """Administrations per day from Timing.repeat (frequencyMax preferred) or Timing.code; None if unstated."""
    if not isinstance(timing, dict):
        return None
    repeat = timing.get("repeat") if isinstance(timing.get("repeat"), dict) else {}
    period, unit = repeat.get("period"), repeat.get("periodUnit")
    frequency = repeat.get("frequencyMax") or repeat.get("frequency") or 1
    if isinstance(period, int | float) and period > 0 and unit in _UNIT_DAYS:
        return float(frequency) / (period * _UNIT_DAYS[unit])
    code = timing.get("code")
    for system, value, _ in codings(code, [], "Timing.code"):
        if value.upper() in _TIMING_CODES:
            return _TIMING_CODES[value.upper()]
    return None


def duration_days(value: Any) -> float | None:
    """A FHIR Duration in days, or None."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), int | float):
        return None
    unit = value.get("code") or value.get("unit")
    unit = {"day": "d", "days": "d", "week": "wk", "weeks": "wk", "month": "mo", "months": "mo"}.get(unit, unit)
    return value["value"] * _UNIT_DAYS[unit] if unit in _UNIT_DAYS else None
