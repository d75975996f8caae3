"""Assessments: the only reader and writer of the assessments table."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.errors import Invalid, NotFound
from openmsk.intake.instruments.base import ScoringError
from openmsk.intake.models import Assessment
from openmsk.intake.scoring import score
from openmsk.members.models import Member
from openmsk.program import program_week as _week


def record_assessment(session: Session, *, member_id: str, instrument: str, answers: list | dict,
                      taken_at: datetime, actor: Principal | None, source: str = "member",
                      idempotency_key: str | None = None, program_week: int | None = None) -> Assessment:
    """Score and store one submission; the same idempotency key returns the stored one unchanged.

    `program_week` labels the assessment explicitly (the intake is the week-0 baseline whenever it is
    answered); by default it is the week of `taken_at` in the member's program.
    """
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    if idempotency_key:
        existing = session.scalar(select(Assessment).where(
            Assessment.member_id == member_id, Assessment.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    try:
        result = score(instrument, answers)
    except (ScoringError, KeyError) as exc:
        raise Invalid(str(exc).strip("'")) from None
    assessment = Assessment(
        member_id=member_id, instrument=instrument, answers=answers, total=result.total,
        severity=result.severity, flags=list(result.flags), subscores=dict(result.subscores or {}),
        taken_at=taken_at, source=source,
        program_week=program_week if program_week is not None else _week(member.program_start, taken_at),
        idempotency_key=idempotency_key, recorded_by=actor.user_id if actor else None)
    session.add(assessment)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Assessment", resource_id=assessment.id,
                 member_id=member_id, detail={"instrument": instrument})
    return assessment


def score_history(session: Session, *, member_ids: Iterable[str], instruments: Iterable[str]) -> list[Assessment]:
    """Assessments of the members for the instruments, oldest first (callers audit their reads)."""
    return list(session.scalars(
        select(Assessment).where(Assessment.member_id.in_(list(member_ids)),
                                 Assessment.instrument.in_(list(instruments)))
        .order_by(Assessment.member_id, Assessment.taken_at)))
