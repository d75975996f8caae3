"""Linking a provider's Patient to a member: identifier first, then scored demographics, else review."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select, tuple_
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


def _save_identifiers(session: Session, member_id: str, idents: list[tuple[str, str]]) -> None:
    if not idents:
        return
    rows = [{"id": hashlib.sha1(f"{s}|{v}".encode()).hexdigest()[:36], "member_id": member_id,
             "system": s, "value": v} for s, v in idents]
    stmt = _insert(session)(MemberIdentifier.__table__).values(rows)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["system", "value"]))


def _by_identifier(session: Session, idents: list[tuple[str, str]]) -> str | None:
    """The member of the first identifier (in the Patient's order) that one is known for."""
    if not idents:
        return None
    found = dict(((system, value), member_id) for system, value, member_id in session.execute(
        select(MemberIdentifier.system, MemberIdentifier.value, MemberIdentifier.member_id).where(
            tuple_(MemberIdentifier.system, MemberIdentifier.value).in_(idents))))
    return next((found[key] for key in idents if key in found), None)


def _best_candidate(session: Session, demo: matching.Demographics) -> tuple[str | None, float]:
    clauses = []
    if demo.birth_date:
        clauses.append(Member.birth_date == demo.birth_date)
    if demo.family:
        clauses.append(func.lower(Member.family_name) == demo.family.strip().lower())
    if not clauses:
        return None, 0.0
    best: tuple[str | None, float] = (None, 0.0)
    candidates = session.execute(select(Member.id, Member.given_name, Member.family_name, Member.birth_date,
                                        Member.sex).where(or_(*clauses)).limit(MAX_CANDIDATES))
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


def link_patient(session: Session, *, source_system: str, patient: dict[str, Any], create_members: bool,
                 org_id: str | None, actor: Principal | None) -> PatientLink:
    """The link for this Patient, matching (and enrolling when asked) the first time it is seen."""
    patient_id = str(patient.get("id") or "")
    link = session.scalar(select(PatientLink).where(PatientLink.source_system == source_system,
                                                    PatientLink.patient_id == patient_id))
    if link is not None and (link.status in ("linked", "review", "rejected") or not create_members):
        return link
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
    if link is None:
        link = PatientLink(source_system=source_system, patient_id=patient_id)
        session.add(link)
    link.member_id, link.candidate_member_id, link.status, link.method, link.score = (
        member_id, candidate, status, method, score)
    if member_id:
        _save_identifiers(session, member_id, idents)
        audit.record(session, actor, action="link", resource_type="FhirPatientLink", member_id=member_id,
                     detail={"method": method})
    session.flush()
    return link


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
