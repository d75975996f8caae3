"""Linking a provider's Patient to a member: identifier first, then scored demographics, else review."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import (
    Date, String, and_, bindparam, cast, exists, func, insert, literal_column, null, or_, select, true, tuple_,
    union_all, update,
)
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import utcnow
from openmsk.errors import AppError, NotFound
from openmsk.interop import matching
from openmsk.interop.models import MemberIdentifier, PatientLink
from openmsk.interop.store import _insert, attach_member
from openmsk.members.models import Member, Organization

DEFAULT_ORG = "FHIR import (pilot)"
MAX_CANDIDATES = 50
_LINKS = PatientLink.__table__
_IDENTIFIERS = MemberIdentifier.__table__
# Built once: an import links every Patient it reads, and building and compiling these statements
# (and loading ORM objects) cost more than the queries themselves.
_SAME_PATIENT = and_(_LINKS.c.source_system == bindparam("source_system"),
                     _LINKS.c.patient_id == bindparam("patient_id"))
_FIND_LINK = select(_LINKS.c.id, _LINKS.c.status, _LINKS.c.member_id).where(_SAME_PATIENT)
_ADD_LINK = insert(_LINKS)
_SET_LINK = update(_LINKS).where(_LINKS.c.id == bindparam("link_id"))


@dataclass(frozen=True, slots=True)
class Link:
    """Where a provider's Patient stands: linked to a member, awaiting review, unmatched or rejected."""

    member_id: str | None
    status: str


def _save_identifiers(session: Session, member_id: str, idents: list[tuple[str, str]]) -> None:
    if not idents:
        return
    rows = [{"id": hashlib.sha1(f"{s}|{v}".encode()).hexdigest()[:36], "member_id": member_id,
             "system": s, "value": v} for s, v in idents]
    stmt = _insert(session)(_IDENTIFIERS).on_conflict_do_nothing(index_elements=["system", "value"])
    session.connection().execute(stmt, rows)


_SETTLED = ("linked", "review", "rejected")  # a link in one of these is kept as it is
_MEMBERS = Member.__table__  # Core columns: the ORM's compile of the lookup cost more than its queries
_CANDIDATE_COLUMNS = select(_MEMBERS.c.id, _MEMBERS.c.given_name, _MEMBERS.c.family_name, _MEMBERS.c.birth_date,
                            _MEMBERS.c.sex)
_SAME_BIRTH_DATE = _MEMBERS.c.birth_date == bindparam("birth_date")
_SAME_FAMILY = func.lower(_MEMBERS.c.family_name) == bindparam("family")
# Members sharing the birth date or the family name: one statement for each of the fields present.
_CANDIDATES = {
    (True, True): _CANDIDATE_COLUMNS.where(or_(_SAME_BIRTH_DATE, _SAME_FAMILY)),
    (True, False): _CANDIDATE_COLUMNS.where(_SAME_BIRTH_DATE),
    (False, True): _CANDIDATE_COLUMNS.where(_SAME_FAMILY),
}
_LOOKUPS: dict[tuple[bool, tuple[bool, bool], bool], Any] = {}


def _lookup_statement(with_identifiers: bool, demographics: tuple[bool, bool], create_members: bool):
    """One statement for a Patient's link, the members its identifiers name and its demographic candidates.

    Rows are (kind, ...): ("link", id, status, member), ("identifier", system, value, member) and
    ("candidate", member, given, family, born, sex). The searches run only while the link is not settled,
    so a re-import reads the link alone. Built once per shape: an import looks up every Patient it reads.
    """
    key = (with_identifiers, demographics, create_members)
    if key not in _LOOKUPS:
        settled = exists().where(_SAME_PATIENT, _LINKS.c.status.in_(_SETTLED) if create_members else true())
        # Typed NULLs: PostgreSQL settles a UNION column's type from its first branches.
        no_date, no_text = cast(null(), Date), cast(null(), String)
        parts = [select(literal_column("'link'").label("kind"), _LINKS.c.id, _LINKS.c.status, _LINKS.c.member_id,
                        no_date, no_text).where(_SAME_PATIENT)]
        if with_identifiers:
            parts.append(select(literal_column("'identifier'"), _IDENTIFIERS.c.system, _IDENTIFIERS.c.value,
                                _IDENTIFIERS.c.member_id, no_date, no_text).where(
                tuple_(_IDENTIFIERS.c.system, _IDENTIFIERS.c.value).in_(bindparam("keys", expanding=True)), ~settled))
        if demographics in _CANDIDATES:
            found = _CANDIDATES[demographics].where(~settled).limit(MAX_CANDIDATES).subquery()
            parts.append(select(literal_column("'candidate'"), *found.c))
        _LOOKUPS[key] = union_all(*parts) if len(parts) > 1 else parts[0]
    return _LOOKUPS[key]


class _LinkRow(NamedTuple):
    """A Patient's stored link."""

    id: str
    status: str
    member_id: str | None


@dataclass(frozen=True, slots=True)
class _Lookup:
    """What one lookup statement found for a Patient."""

    link: _LinkRow | None
    by_identifier: dict[tuple[str, str], str]
    candidates: list[tuple[str, str, str, Any, str]]


def _lookup(session: Session, *, source_system: str, patient_id: str, idents: list[tuple[str, str]],
            demo: matching.Demographics, create_members: bool) -> _Lookup:
    demographics = (bool(demo.birth_date), bool(demo.family))
    rows = session.connection().execute(
        _lookup_statement(bool(idents), demographics, create_members),
        {"source_system": source_system, "patient_id": patient_id, "keys": idents, "birth_date": demo.birth_date,
         "family": demo.family.strip().lower()})
    link, by_identifier, candidates = None, {}, []
    for kind, first, second, third, born, sex in rows:
        if kind == "link":
            link = _LinkRow(first, second, third)
        elif kind == "identifier":
            by_identifier[(first, second)] = third
        else:
            candidates.append((first, second, third, born, sex))
    return _Lookup(link, by_identifier, candidates)


def _best_candidate(demo: matching.Demographics, candidates: list[tuple[str, str, str, Any, str]],
                    ) -> tuple[str | None, float]:
    best: tuple[str | None, float] = (None, 0.0)
    for member_id, given, family, born, sex in candidates:
        score = matching.match_score(demo, matching.Demographics(given, family, born, sex))
        if score > best[1]:
            best = (member_id, score)
    return best


def resolve_org(session: Session, org: str | None) -> str:
    """The organization id for enrolled imports: given by id or name, or the default pilot one."""
    if org:
        found = session.get(Organization, org) or session.scalar(select(Organization).where(Organization.name == org))
        if found is None:
            raise NotFound("no organization with this id or name")
        return found.id
    found = session.scalar(select(Organization).where(Organization.name == DEFAULT_ORG))
    if found:
        return found.id
    from openmsk.members.schemas import OrganizationCreate
    from openmsk.members.service import create_organization

    return create_organization(session, data=OrganizationCreate(name=DEFAULT_ORG, kind="employer"), actor=None).id


def _enroll(session: Session, patient: dict[str, Any], demo: matching.Demographics, *, source_system: str,
            patient_id: str, org_id: str, actor: Principal | None) -> str | None:
    from openmsk.members.schemas import MemberCreate
    from openmsk.members.service import enroll_member

    if not (demo.given and demo.family and demo.birth_date):
        return None
    digest = hashlib.sha1(f"{source_system}|{patient_id}".encode()).hexdigest()[:16]
    try:
        data = MemberCreate(organization_id=org_id, given_name=demo.given[:100], family_name=demo.family[:100],
                            birth_date=demo.birth_date, sex=demo.sex, email=f"fhir-{digest}@import.openmsk.invalid")
        with session.begin_nested():
            member = enroll_member(session, data=data, actor=actor, today=utcnow().date(), synthetic=True)
    except (ValidationError, AppError):
        return None
    try:
        from openmsk.careteam.service import auto_assign

        auto_assign(session, member=member, roles=["physical_therapist", "health_coach"], actor=actor,
                    reason="fhir import")
    except AppError:
        pass  # no clinician available yet: the member is enrolled, routing can happen later
    return member.id


def linked_member(session: Session, *, source_system: str, patient_id: str) -> str | None:
    """The member a provider's Patient is linked to, if any."""
    found = session.connection().execute(_FIND_LINK, {"source_system": source_system,
                                                      "patient_id": patient_id}).first()
    return found.member_id if found is not None else None


def link_patient(session: Session, *, source_system: str, patient: dict[str, Any], create_members: bool,
                 org_id: str | None, actor: Principal | None) -> Link:
    """The link for this Patient, matching (and enrolling when asked) the first time it is seen."""
    patient_id = str(patient.get("id") or "")
    idents = matching.identifiers(patient)
    demo = matching.patient_demographics(patient)
    found = _lookup(session, source_system=source_system, patient_id=patient_id, idents=idents, demo=demo,
                    create_members=create_members)
    if found.link is not None and (found.link.status in _SETTLED or not create_members):
        return Link(found.link.member_id, found.link.status)
    member_id = next((found.by_identifier[key] for key in idents if key in found.by_identifier), None)
    method, score, candidate = "identifier", 1.0, None
    status = "linked" if member_id else "unmatched"
    if member_id is None:
        candidate, score = _best_candidate(demo, found.candidates)
        status, method = matching.decide(score), "demographics"
        if status == "linked":
            member_id, candidate = candidate, None
        elif status == "unmatched":
            candidate, method = None, "none"
    if status == "unmatched" and create_members and org_id:
        member_id = _enroll(session, patient, demo, source_system=source_system, patient_id=patient_id,
                            org_id=org_id, actor=actor)
        if member_id:
            status, method, score = "linked", "created", None
            session.flush()  # the enrolled member's row exists before the link refers to it
    values = {"member_id": member_id, "candidate_member_id": candidate, "status": status, "method": method,
              "score": score}
    if found.link is None:
        session.connection().execute(_ADD_LINK, {"source_system": source_system, "patient_id": patient_id, **values})
    else:
        session.connection().execute(_SET_LINK, {"link_id": found.link.id, **values})
    if member_id:
        _save_identifiers(session, member_id, idents)
        audit.record_many(session, [{"action": "link", "resource_type": "FhirPatientLink", "member_id": member_id,
                                     "detail": {"method": method}}], principal=actor)
    return Link(member_id, status)


def review_queue(session: Session) -> list[PatientLink]:
    """Uncertain matches awaiting a person's decision, oldest first."""
    return list(session.scalars(select(PatientLink).where(PatientLink.status == "review")
                                .order_by(PatientLink.created_at)))


def resolve_review(session: Session, *, link_id: str, accept: bool, actor: Principal | None) -> PatientLink:
    """Accept (link to the candidate, attaching stored records) or reject an uncertain match."""
    link = session.get(PatientLink, link_id)
    if link is None or link.status != "review":
        raise NotFound("no match awaiting review with this id")
    link.resolved_at = utcnow()
    if accept:
        link.member_id, link.status, link.method = link.candidate_member_id, "linked", "manual"
        attach_member(session, source_system=link.source_system, patient_ref=f"Patient/{link.patient_id}",
                      member_id=link.member_id)
    else:
        link.status = "rejected"
    audit.record(session, actor, action="review", resource_type="FhirPatientLink", resource_id=link.id,
                 member_id=link.candidate_member_id, detail={"accepted": accept})
    return link
