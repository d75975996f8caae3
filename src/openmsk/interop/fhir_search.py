"""The FHIR API's data: a member's own and imported resources by type, search filters and paging.

Search semantics follow FHIR R4 search (https://hl7.org/fhir/R4/search.html): token `code=[system|]code`,
date prefixes eq/ge/gt/le/lt, `_count` with a `next` link.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.errors import BadRequest
from openmsk.interop import store, summary
from openmsk.interop.models import ClinicalRecord
from openmsk.intake.models import Assessment
from openmsk.members.models import Member

SUPPORTED = ("Patient", "Observation", "Condition", "CarePlan", "Goal", "QuestionnaireResponse", "Encounter",
             "Procedure", "MedicationRequest")
IMPORTED = frozenset({"Observation", "Condition", "CarePlan", "Encounter", "Procedure", "MedicationRequest"})
SEARCH_PARAMS = ("patient", "subject", "code", "date", "_id", "_count", "_offset")
DEFAULT_COUNT, MAX_COUNT = 50, 500
_CODE_ELEMENTS = ("code", "medicationCodeableConcept", "type", "category", "vaccineCode")
_DATE_PATHS = ("effectiveDateTime", "effectivePeriod.start", "onsetDateTime", "recordedDate", "performedDateTime",
               "performedPeriod.start", "authoredOn", "authored", "period.start", "startDate", "birthDate")
_MEMBER_PREFIXES = ("careplan-", "goal-", "careteam-", "note-")


def imported_resource(record: ClinicalRecord) -> dict[str, Any]:
    """An imported record as served by our API: our id, subject pointing at the member, source in meta."""
    resource = json.loads(record.resource_json)
    resource["id"] = record.id
    for element in ("subject", "patient"):
        if isinstance(resource.get(element), dict) and record.member_id:
            resource[element] = {"reference": f"Patient/{record.member_id}"}
    meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
    resource["meta"] = {**meta, "source": record.source_system}
    return resource


def resources_of(session: Session, member: Member, rtype: str) -> list[dict[str, Any]]:
    """The member's resources of one type: our own first, then imported ones (newest first)."""
    own = [r for r in summary.member_resources(session, member) if r["resourceType"] == rtype] \
        if rtype != "Patient" else [summary.build.patient(member)]
    if rtype in IMPORTED:
        own += [imported_resource(r) for r in store.member_records(session, member_id=member.id, resource_type=rtype)]
    return own


def member_of(session: Session, rtype: str, rid: str) -> str | None:
    """The member a resource id belongs to, without building anything."""
    if rtype == "Patient":
        return rid if session.get(Member, rid) else None
    for prefix in _MEMBER_PREFIXES:
        if rid.startswith(prefix):
            return rid[len(prefix):] if session.get(Member, rid[len(prefix):]) else None
    for prefix in ("obs-", "qr-"):
        if rid.startswith(prefix):
            return session.scalar(select(Assessment.member_id).where(Assessment.id == rid[len(prefix):len(prefix) + 36]))
    return session.scalar(select(ClinicalRecord.member_id).where(ClinicalRecord.id == rid,
                                                                 ClinicalRecord.resource_type == rtype))


def patient_id(value: str) -> str:
    """`Patient/123`, `123` or `http://.../Patient/123` -> `123`."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def _dig(resource: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        resource = resource.get(part) if isinstance(resource, dict) else None
    return resource


def _codings(resource: dict[str, Any]):
    for element in _CODE_ELEMENTS:
        value = resource.get(element)
        for concept in value if isinstance(value, list) else [value]:
            if isinstance(concept, dict):
                yield from (c for c in concept.get("coding") or [] if isinstance(c, dict))
                if "code" in concept and "system" in concept:
                    yield concept


def _code_matches(resource: dict[str, Any], tokens: list[str]) -> bool:
    for coding in _codings(resource):
        for token in tokens:
            system, bar, code = token.rpartition("|")
            if coding.get("code") == code and (not bar or coding.get("system") == system):
                return True
    return False


def _date_matches(resource: dict[str, Any], expression: str) -> bool:
    prefix, value = (expression[:2], expression[2:]) if expression[:2] in ("eq", "ge", "gt", "le", "lt", "ne") \
        else ("eq", expression)
    found = next((v for p in _DATE_PATHS if isinstance(v := _dig(resource, p), str)), None)
    if found is None:
        return False
    found = found[:len(value)]
    return {"eq": found == value, "ne": found != value, "ge": found >= value, "gt": found > value,
            "le": found <= value, "lt": found < value}[prefix]


def apply_filters(resources: list[dict[str, Any]], params: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Resources matching every `code`, `date` and `_id` parameter."""
    for code in params.get("code", []):
        resources = [r for r in resources if _code_matches(r, code.split(","))]
    for date in params.get("date", []):
        resources = [r for r in resources if _date_matches(r, date)]
    for rid in params.get("_id", []):
        resources = [r for r in resources if r.get("id") in rid.split(",")]
    return resources


def paging(params: dict[str, list[str]]) -> tuple[int, int]:
    """(_count, _offset) from the query, checked."""
    try:
        count = int(params.get("_count", [DEFAULT_COUNT])[-1])
        offset = int(params.get("_offset", [0])[-1])
    except ValueError:
        raise BadRequest("_count and _offset must be integers") from None
    if count < 0 or offset < 0:
        raise BadRequest("_count and _offset must not be negative")
    return min(count, MAX_COUNT), offset


def searchset(resources: list[dict[str, Any]], *, base: str, url: str, params: dict[str, list[str]]) -> dict:
    """A searchset Bundle for one page, with self and next links."""
    from urllib.parse import urlencode

    count, offset = paging(params)
    page = resources[offset:offset + count]
    plain = {k: v for k, v in params.items() if k != "_offset"}
    links = [{"relation": "self", "url": url}]
    if offset + count < len(resources):
        query = urlencode([*((k, x) for k, vs in plain.items() for x in vs), ("_offset", offset + count)])
        links.append({"relation": "next", "url": f"{url.split('?', 1)[0]}?{query}"})
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources), "link": links,
            "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                       "search": {"mode": "match"}} for r in page]}
