"""Submitting the onboarding intake: the only writer of intake submissions and drafts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.careteam.models import Task
from openmsk.careteam.tasks import create_task
from openmsk.db import utcnow
from openmsk.errors import Conflict, Invalid, NotFound
from openmsk.intake.document import IntakeError, summarize
from openmsk.intake.models import Assessment, IntakeDraft, IntakeSubmission
from openmsk.intake.onboarding import planned_signals, planned_tasks
from openmsk.intake.routing import route
from openmsk.intake.service import record_assessment
from openmsk.members.models import Member


@dataclass
class SubmitResult:
    """The stored submission, its assessments and tasks, and whether this call created them."""

    submission: IntakeSubmission
    assessments: list[Assessment]
    tasks: list[Task]
    created: bool


def submit_intake(session: Session, *, member_id: str, answers: dict, psfs_activities: list[str],
                  idempotency_key: str, actor: Principal | None, now: datetime | None = None) -> SubmitResult:
    """Score, route and store the intake with its assessments, care team, tasks and safety actions."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    existing = session.scalar(select(IntakeSubmission).where(IntakeSubmission.member_id == member_id))
    if existing is not None:
        if existing.idempotency_key != idempotency_key:
            raise Conflict("this member has already submitted an intake; use reassessments to update scores")
        return SubmitResult(existing, _assessments(session, existing), _tasks(session, existing), False)
    try:
        summary = summarize(answers, psfs_activities)
    except IntakeError as exc:
        raise Invalid(str(exc)) from None
    decision = route(summary)
    now = now or utcnow()
    submission = IntakeSubmission(
        member_id=member_id, idempotency_key=idempotency_key, submitted_at=now,
        document={"answers": answers, "psfs_activities": list(psfs_activities)},
        risk_level=decision.risk_level, risk_reasons=list(decision.risk_reasons), roles=list(decision.roles),
        role_reasons={r: list(v) for r, v in decision.reasons.items()}, exercise_hold=decision.exercise_hold,
        crisis_resources=decision.show_crisis_resources, unfilled_roles=[], signals=[],
        submitted_by=actor.user_id if actor else None)
    try:
        with session.begin_nested():  # a concurrent first submission wins; this one then answers as a repeat
            session.add(submission)
            session.flush()
    except IntegrityError:
        if get_submission(session, member_id=member_id) is None:
            raise
        return submit_intake(session, member_id=member_id, answers=answers, psfs_activities=psfs_activities,
                             idempotency_key=idempotency_key, actor=actor, now=now)
    assessments = [record_assessment(session, member_id=member_id, instrument=instrument, answers=given,
                                     taken_at=now, actor=actor, source="intake", program_week=0,
                                     idempotency_key=f"intake:{submission.id}:{instrument}")
                   for instrument, given in answers.items()]
    by_instrument = {a.instrument: a for a in assessments}
    submission.unfilled_roles = careteam.auto_assign(session, member=member, roles=list(decision.roles),
                                                     actor=actor, reason="intake routing")
    tasks = [create_task(session, member_id=member_id, assignee_role=t.role, kind=t.kind, title=t.title,
                         priority=t.priority, due_at=t.due_at, source=f"intake:{submission.id}",
                         dedup_key=f"intake:{submission.id}:{t.kind}", actor=actor)
             for t in planned_tasks(decision, now)]
    submission.signals = [{"kind": s.kind, "signal_id": by_instrument[s.instrument].id, "text": s.text}
                          for s in planned_signals(summary)]
    session.execute(delete(IntakeDraft).where(IntakeDraft.member_id == member_id))
    audit.record(session, actor, action="create", resource_type="Intake", resource_id=submission.id,
                 member_id=member_id, detail={"risk_level": decision.risk_level})
    return SubmitResult(submission, assessments, tasks, True)


def signal_payloads(submission: IntakeSubmission) -> list[dict]:
    """The `signal.reported` payloads of a stored submission (contract of the escalation capability)."""
    occurred = submission.submitted_at.isoformat()
    return [{"member_id": submission.member_id, "kind": s["kind"], "occurred_at": occurred,
             "signal_id": s["signal_id"], "text": s["text"]} for s in submission.signals]


def get_submission(session: Session, *, member_id: str) -> IntakeSubmission | None:
    """The member's submitted intake, if any (callers check access: member_scope audits the read)."""
    return session.scalar(select(IntakeSubmission).where(IntakeSubmission.member_id == member_id))


def submission_details(session: Session, submission: IntakeSubmission) -> tuple[list[Assessment], list[Task]]:
    """The assessments recorded by the submission and the tasks it opened."""
    return _assessments(session, submission), _tasks(session, submission)


def exercise_on_hold(session: Session, *, member_id: str) -> bool:
    """True when the member's intake put the exercise program on hold (a red flag awaiting review)."""
    return bool(session.scalar(select(IntakeSubmission.exercise_hold).where(
        IntakeSubmission.member_id == member_id)))


def release_exercise_hold(session: Session, *, member_id: str, actor: Principal, reason: str) -> IntakeSubmission:
    """Lift the intake's exercise hold after clinical review."""
    submission = get_submission(session, member_id=member_id)
    if submission is None:
        raise NotFound("this member has not submitted an intake")
    submission.exercise_hold = False
    audit.record(session, actor, action="update", resource_type="Intake", resource_id=submission.id,
                 member_id=member_id, detail={"exercise_hold": False, "reason_length": len(reason)})
    return submission


def save_draft(session: Session, *, member_id: str, answers: dict, position: int,
               actor: Principal | None) -> IntakeDraft:
    """Store (replace) the member's partial answers so any device can resume them."""
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    if get_submission(session, member_id=member_id) is not None:
        raise Conflict("the intake is already submitted")
    draft = session.get(IntakeDraft, member_id) or IntakeDraft(member_id=member_id)
    draft.answers, draft.position, draft.updated_at = answers, position, utcnow()
    session.add(draft)
    session.flush()
    audit.record(session, actor, action="update", resource_type="IntakeDraft", resource_id=member_id,
                 member_id=member_id)
    return draft


def get_draft(session: Session, *, member_id: str) -> IntakeDraft | None:
    """The member's saved draft, if any."""
    return session.get(IntakeDraft, member_id)


def _assessments(session: Session, submission: IntakeSubmission) -> list[Assessment]:
    return list(session.scalars(select(Assessment).where(
        Assessment.member_id == submission.member_id,
        Assessment.idempotency_key.like(f"intake:{submission.id}:%")).order_by(Assessment.instrument)))


def _tasks(session: Session, submission: IntakeSubmission) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.source == f"intake:{submission.id}")
                                .order_by(Task.due_at)))
