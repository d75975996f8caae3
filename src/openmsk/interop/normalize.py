"""Pure normalization of FHIR R4 resources: required-element checks and the summary columns we index.

Required elements follow the FHIR R4 (4.0.1) resource definitions (cardinality 1..1 or 1..*),
https://hl7.org/fhir/R4/resourcelist.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# FHIR R4 id datatype: https://hl7.org/fhir/R4/datatypes.html#id
ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# FHIR R4 dateTime / instant lexical form: https://hl7.org/fhir/R4/datatypes.html#dateTime
DATETIME_PATTERN = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$")

# type: (code element, date elements in order of preference, status element, patient element)
_SHAPES: dict[str, tuple[str | None, tuple[str, ...], str | None, str | None]] = {
    "Patient": (None, (), None, None),
    "Condition": ("code", ("onsetDateTime", "onsetPeriod.start", "recordedDate"), "clinicalStatus", "subject"),
    "Encounter": ("type", ("period.start",), "status", "subject"),
    "Procedure": ("code", ("performedDateTime", "performedPeriod.start"), "status", "subject"),
    "MedicationRequest": ("medicationCodeableConcept", ("authoredOn",), "status", "subject"),
    "MedicationStatement": ("medicationCodeableConcept", ("effectiveDateTime", "effectivePeriod.start",
                                                          "dateAsserted"), "status", "subject"),
    "Observation": ("code", ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"),
                    "status", "subject"),
    "ImagingStudy": ("procedureCode", ("started",), "status", "subject"),
    "DiagnosticReport": ("code", ("effectiveDateTime", "effectivePeriod.start", "issued"), "status", "subject"),
    "ServiceRequest": ("code", ("authoredOn", "occurrenceDateTime", "occurrencePeriod.start"), "status", "subject"),
    "AllergyIntolerance": ("code", ("onsetDateTime", "recordedDate"), "clinicalStatus", "patient"),
    "Immunization": ("vaccineCode", ("occurrenceDateTime",), "status", "patient"),
    "CarePlan": ("category", ("period.start", "created"), "status", "subject"),
    "DocumentReference": ("type", ("date",), "status", "subject"),
}
NORMALIZED_TYPES = frozenset(_SHAPES)
_NO_SHAPE: tuple[None, tuple[str, ...], None, None] = (None, (), None, None)
# The date paths split once: (element, child or None).
_DATES: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    rtype: tuple((path, *path.split(".", 1)) if "." in path else (path, path, None) for path in shape[1])
    for rtype, shape in _SHAPES.items()}

# Elements with minimum cardinality 1 in FHIR R4 for each normalized type.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "Condition": ("subject",),
    "Encounter": ("status", "class"),
    "Procedure": ("status", "subject"),
    "MedicationRequest": ("status", "intent", "subject", "medication[x]"),
    "MedicationStatement": ("status", "subject", "medication[x]"),
    "Observation": ("status", "code"),
    "ImagingStudy": ("status", "subject"),
    "DiagnosticReport": ("status", "code"),
    "ServiceRequest": ("status", "intent", "subject"),
    "AllergyIntolerance": ("patient",),
    "Immunization": ("status", "vaccineCode", "patient", "occurrence[x]"),
    "CarePlan": ("status", "intent", "subject"),
    "DocumentReference": ("status", "content"),
}
_CODEABLE = ("code", "vaccineCode", "medicationCodeableConcept", "clinicalStatus")
# Required elements per type as (element, choice stem or None), in the order they are reported.
_REQUIRED_CHECKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    rtype: tuple((el, el[:-3] if el.endswith("[x]") else None) for el in elements)
    for rtype, elements in _REQUIRED.items()}
# Usual choice-type suffixes, tried before scanning every key (a hit satisfies the same rule).
_CHOICE_SUFFIXES = ("CodeableConcept", "Reference", "DateTime", "String", "Period")
_EMPTY_TYPES = (str, list, dict)
# Whole-string matches: `$` alone also matches before a trailing newline, which neither type allows.
_ID_MATCH = ID_PATTERN.fullmatch
_DATETIME_MATCH = DATETIME_PATTERN.fullmatch
# Dates recur across a patient's resources (one encounter's time on all its observations): valid
# ones are remembered, up to a bound, so each distinct value meets the pattern once.
_VALID_DATES: set[str] = set()
_VALID_DATES_MAX = 10_000


def _valid_datetime(value: str) -> bool:
    if value in _VALID_DATES:
        return True
    if not _DATETIME_MATCH(value):
        return False
    if len(_VALID_DATES) >= _VALID_DATES_MAX:
        _VALID_DATES.clear()
    _VALID_DATES.add(value)
    return True
_NO_CODE: dict[str, Any] = {}
# code (system|code), display, status, effective date, patient reference: the summary columns in order.
SummaryFields = tuple[str | None, str | None, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Summary:
    """The indexed columns of a normalized resource."""

    code: str | None
    display: str | None
    status: str | None
    effective: str | None
    patient_ref: str | None


def _has_choice(resource: dict[str, Any], stem: str) -> bool:
    """Whether some `stem<Type>` element (a choice type, e.g. medication[x]) is present."""
    for suffix in _CHOICE_SUFFIXES:
        if stem + suffix in resource:
            return True
    return any(key.startswith(stem) and key[len(stem):][:1].isupper() for key in resource)


def examine(resource: dict[str, Any]) -> tuple[str | None, SummaryFields | None]:
    """(the first problem naming the element, None), or (None, the summary columns) of a normalized resource."""
    # One pass for both: the checks read the elements the summary takes (the import's hot path).
    rtype = resource["resourceType"]
    get = resource.get
    rid = get("id")
    if rid is not None and (not isinstance(rid, str) or not _ID_MATCH(rid)):
        return f"{rtype}.id: not a valid FHIR id", None
    for element, stem in _REQUIRED_CHECKS.get(rtype, ()):
        if stem is None:
            value = get(element)
            # Absent, null, "", [] or {} count as missing.
            if value is None or (not value and isinstance(value, _EMPTY_TYPES)):
                return f"{rtype}.{element}: required element missing", None
        elif not _has_choice(resource, stem):
            return f"{rtype}.{element}: required element missing", None
    for element in _CODEABLE:
        value = get(element)
        if value is not None and not isinstance(value, dict):
            return f"{rtype}.{element}: expected an object (CodeableConcept/Coding)", None
    status = get("status")
    if status is not None and not isinstance(status, str):
        return f"{rtype}.status: expected a code string", None
    code_el, _dates, status_el, patient_el = _SHAPES.get(rtype, _NO_SHAPE)
    patient_ref = None
    if patient_el:
        subject = get(patient_el)
        if subject is not None:
            if not (isinstance(subject, dict) and isinstance(subject.get("reference", ""), str)):
                return f"{rtype}.{patient_el}: expected a Reference", None
            patient_ref = subject.get("reference")
    effective = None
    for path, element, child in _DATES.get(rtype, ()):
        value = get(element)
        if child is not None:
            value = value.get(child) if isinstance(value, dict) else None
        if value is not None:
            if not isinstance(value, str) or not _valid_datetime(value):
                return f"{rtype}.{path}: not a valid FHIR dateTime", None
            if effective is None:
                effective = value  # the first date present, in the order of preference
    code = display = None
    found = _coded(get(code_el)) if code_el else None
    if found is None and rtype == "ImagingStudy":
        series = get("series")
        modality = (series[0].get("modality") if isinstance(series, list) and series
                    and isinstance(series[0], dict) else None)
        found = (modality, modality.get("display")) if modality else None
    if found:
        coding, display = found
        if coding.get("code"):
            code = f"{coding.get('system', '')}|{coding['code']}"[:255]
        display = display or None
        display = display[:255] if isinstance(display, str) else None
    if status_el != "status":
        status = get(status_el) if status_el else None
        if isinstance(status, dict):
            inner = _coded(status)
            status = inner[0].get("code") if inner else None
    if rtype == "Patient":
        patient_ref = f"Patient/{rid}" if rid else None
    return None, (code, display, status if isinstance(status, str) else None, effective[:40] if effective else None,
                  patient_ref[:255] if patient_ref is not None else None)


def validate(resource: dict[str, Any]) -> str | None:
    """The first problem with a normalized resource, naming the element; None when acceptable."""
    return examine(resource)[0]


# FHIR R4 string: "Strings SHOULD not contain Unicode character points below 32, except for u0009
# (horizontal tab), u0010 (carriage return) and u0013 (line feed)",
# https://hl7.org/fhir/R4/datatypes.html#string. Of those, only NUL is refused here: no PostgreSQL text
# value can hold it (https://www.postgresql.org/docs/15/datatype-character.html), and the summary
# columns and patient links are text. Compact JSON always writes it as this escape, which a regex
# finds in about half the time `in` takes (it looks for the backslash first).
find_nul_escape = re.compile(rb"\\u0000").search


def nul_problem(resource: dict[str, Any]) -> str | None:
    """The first element of a resource holding a NUL character, named like `validate`'s; None when none does."""
    # A stack rather than recursion: any nesting the JSON parsers accept (over a thousand levels) is walked.
    pending: list[tuple[Any, str]] = [(resource, resource["resourceType"])]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return f"{path}: contains a NUL character, which cannot be stored"
        elif isinstance(value, dict):
            # Pushed last to first so they are checked in document order; a NUL in an element's name
            # is reported at its parent (the name is never echoed).
            pending.extend(("\x00", path) if "\x00" in key else (value[key], f"{path}.{key}")
                           for key in reversed(list(value)))
        elif isinstance(value, list):
            pending.extend((value[index], f"{path}[{index}]") for index in range(len(value) - 1, -1, -1))
    return None


def _coded(value: Any) -> tuple[dict[str, Any], Any] | None:
    """(coding, display) of a CodeableConcept's first coding, a bare Coding, or a text alone."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None
    codings = value.get("coding")
    if isinstance(codings, list) and codings and isinstance(codings[0], dict):
        coding = codings[0]
        return coding, (coding["display"] if "display" in coding else value.get("text"))
    if "code" in value:  # a bare Coding (e.g. ImagingStudy.modality)
        return value, value.get("display")
    text = value.get("text")
    return (_NO_CODE, text) if text else None


def summarize(resource: dict[str, Any]) -> Summary:
    """Code (system|code), display, status, effective date and subject reference of an acceptable resource."""
    error, fields = examine(resource)
    if fields is None:
        raise ValueError(error)
    return Summary(*fields)
