"""Linking a provider's Patient to a member: identifier first, then scored demographics, else review."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, func, insert, or_, select, tuple_, update
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
_FIND_LINK = select(_LINKS.c.id, _LINKS.c.status, _LINKS.c.member_id).where(
    _LINKS.c.source_system == bindparam("source_system"), _LINKS.c.patient_id == bindparam("patient_id"))
_FIND_IDENTIFIERS = select(_IDENTIFIERS.c.system, _IDENTIFIERS.c.value, _IDENTIFIERS.c.member_id).where(
    tuple_(_IDENTIFIERS.c.system, _IDENTIFIERS.c.value).in_(bindparam("keys", expanding=True)))
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


def _by_identifier(session: Session, idents: list[tuple[str, str]]) -> str | None:
    """The member of the first identifier (in the Patient's order) that one is known for."""
    if not idents:
        return None
    found = {(system, value): member_id for system, value, member_id
             in session.connection().execute(_FIND_IDENTIFIERS, {"keys": idents})}
    return next((found[key] for key in idents if key in found), None)


_CANDIDATE_COLUMNS = select(Member.id, Member.given_name, Member.family_name, Member.birth_date, Member.sex)
_SAME_BIRTH_DATE = Member.birth_date == bindparam("birth_date")
_SAME_FAMILY = func.lower(Member.family_name) == bindparam("family")
# Members sharing the birth date or the family name: one statement for each of the fields present.
_CANDIDATES = {
    (True, True): _CANDIDATE_COLUMNS.where(or_(_SAME_BIRTH_DATE, _SAME_FAMILY)).limit(MAX_CANDIDATES),
    (True, False): _CANDIDATE_COLUMNS.where(_SAME_BIRTH_DATE).limit(MAX_CANDIDATES),
    (False, True): _CANDIDATE_COLUMNS.where(_SAME_FAMILY).limit(MAX_CANDIDATES),
}


def _best_candidate(session: Session, demo: matching.Demographics) -> tuple[str | None, float]:
    key = (bool(demo.birth_date), bool(demo.family))
    if key not in _CANDIDATES:
        return None, 0.0
    best: tuple[str | None, float] = (None, 0.0)
    candidates = session.connection().execute(_CANDIDATES[key], {"birth_date": demo.birth_date,
                                                                 "family": demo.family.strip().lower()})
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
    connection = session.connection()
    found = connection.execute(_FIND_LINK, {"source_system": source_system, "patient_id": patient_id}).first()
    if found is not None and (found.status in ("linked", "review", "rejected") or not create_members):
        return Link(found.member_id, found.status)
    idents = matching.identifiers(patient)
    demo = matching.patient_demographics(patient)
    member_id, method, score, candidate = _by_identifier(session, idents), "identifier", 1.0, None
    status = "linked" if member_id else "unmatched"
    if member_id is None:
        candidate, score = _best_candidate(session, demo)
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
    if found is None:
        connection.execute(_ADD_LINK, {"source_system": source_system, "patient_id": patient_id, **values})
    else:
        connection.execute(_SET_LINK, {"link_id": found.id, **values})
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
