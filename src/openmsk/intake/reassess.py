"""Reassessments: the schedule setting per organization, what is due, drafts, submitting one, and the task job."""

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.careteam.tasks import create_task
from openmsk.db import utcnow
from openmsk.errors import Invalid, NotFound
from openmsk.intake.document import FUNCTION_BY_REGION
from openmsk.intake.models import Assessment, IntakeSubmission, ReassessmentDraft, ReassessmentSchedule
from openmsk.intake.schedule import Due, Schedule, ScheduleError, due_reassessments, schedule_from_dict
from openmsk.intake.scoring import get_instrument, instrument_ids
from openmsk.intake.service import record_assessment
from openmsk.jobs import JobContext, every, job
from openmsk.members.models import Member, Organization
from openmsk.program import program_week

FUNCTION_INSTRUMENTS = ("psfs", "odi", "ndi", "koos_jr", "hoos_jr", "quickdash")
# Instruments a member may submit as a reassessment (the intake-only screens are excluded).
REASSESSABLE = ("nrs", "peg", "phq9", "gad7", *FUNCTION_INSTRUMENTS)
TASK_JOB_PERIOD_S = 6 * 3600


def schedule_for(session: Session, *, organization_id: str) -> Schedule:
    """The organization's reassessment schedule, or the default."""
    row = session.get(ReassessmentSchedule, organization_id)
    return schedule_from_dict(row.weeks) if row else Schedule()


def set_schedule(session: Session, *, organization_id: str, data: dict, actor: Principal) -> Schedule:
    """Set an organization's reassessment schedule (admins)."""
    if session.get(Organization, organization_id) is None:
        raise NotFound("no organization with this id")
    try:
        schedule = schedule_from_dict(data)
    except ScheduleError as exc:
        raise Invalid(str(exc)) from None
    row = session.get(ReassessmentSchedule, organization_id) or ReassessmentSchedule(organization_id=organization_id)
    row.weeks, row.updated_at = schedule.as_dict(), utcnow()
    session.add(row)
    audit.record(session, actor, action="update", resource_type="ReassessmentSchedule",
                 resource_id=organization_id, detail=schedule.as_dict())
    return schedule


def function_instruments(submission: IntakeSubmission | None) -> tuple[str, ...]:
    """The function instruments the member answered at intake, else those of their painful regions."""
    if submission is None:
        return ()
    answers = submission.document.get("answers", {})
    answered = tuple(i for i in FUNCTION_INSTRUMENTS if i in answers)
    if answered:
        return answered
    regions = answers.get("lifestyle", {}).get("body_regions") or ()
    return tuple(dict.fromkeys(FUNCTION_BY_REGION[r] for r in regions if r in FUNCTION_BY_REGION))


def due_for_member(session: Session, *, member: Member, today: date) -> list[Due]:
    """Reassessments due for one member today (callers audit the read)."""
    submission = session.scalar(select(IntakeSubmission).where(IntakeSubmission.member_id == member.id))
    # The schedule counts the week each answer was actually given (an intake is labelled week 0 even
    # when a member starts it late).
    taken = session.execute(select(Assessment.instrument, Assessment.taken_at)
                            .where(Assessment.member_id == member.id)).all()
    return due_reassessments(schedule_for(session, organization_id=member.organization_id),
                             program_start=member.program_start, today=today,
                             taken=[(i, program_week(member.program_start, t)) for i, t in taken],
                             function_instruments=function_instruments(submission))


def _check_reassessable(instrument: str) -> None:
    if instrument not in REASSESSABLE:
        known = instrument in instrument_ids()
        raise Invalid(f"instrument: {instrument!r} is {'not a reassessment' if known else 'unknown'}; "
                      f"use one of {', '.join(REASSESSABLE)}")


def psfs_activities(submission: IntakeSubmission | None) -> list[str]:
    """The activities the member named at intake, one per PSFS rating given then."""
    if submission is None:
        return []
    named = list(submission.document.get("psfs_activities") or [])
    rated = len(submission.document.get("answers", {}).get("psfs") or [])
    return [named[i] if i < len(named) and named[i] else f"Activity {i + 1}" for i in range(rated)]


def save_draft(session: Session, *, member_id: str, instrument: str, answers: list, position: int,
               idempotency_key: str | None, actor: Principal) -> ReassessmentDraft:
    """Store (replace) the member's partial answers to one reassessment so any device can resume them."""
    _check_reassessable(instrument)
    if len(answers) > len(get_instrument(instrument).items):
        raise Invalid(f"answers: at most {len(get_instrument(instrument).items)} for {instrument}")
    draft = session.get(ReassessmentDraft, (member_id, instrument)) or ReassessmentDraft(
        member_id=member_id, instrument=instrument)
    draft.answers, draft.position, draft.updated_at = list(answers), position, utcnow()
    draft.idempotency_key = idempotency_key or draft.idempotency_key
    session.add(draft)
    session.flush()
    audit.record(session, actor, action="update", resource_type="ReassessmentDraft",
                 resource_id=f"{member_id}:{instrument}", member_id=member_id)
    return draft


def get_draft(session: Session, *, member_id: str, instrument: str) -> ReassessmentDraft | None:
    """The member's saved draft of one reassessment, if any (callers check access and audit)."""
    _check_reassessable(instrument)
    return session.get(ReassessmentDraft, (member_id, instrument))


def submit_reassessment(session: Session, *, member_id: str, instrument: str, answers: list | dict,
                        idempotency_key: str, actor: Principal, taken_at: datetime | None = None) -> Assessment:
    """Record one reassessment answered by the member; its draft is cleared."""
    _check_reassessable(instrument)
    assessment = record_assessment(session, member_id=member_id, instrument=instrument, answers=answers,
                                   taken_at=taken_at or utcnow(), actor=actor, source="reassessment",
                                   idempotency_key=idempotency_key)
    session.execute(delete(ReassessmentDraft).where(ReassessmentDraft.member_id == member_id,
                                                    ReassessmentDraft.instrument == instrument))
    if "self_harm_risk" in (assessment.flags or []):
        # Same rule as at intake (PHQ-9 item 9 > 0, Kroenke 2001): behavioral health now, in this request.
        careteam.auto_assign(session, member=session.get(Member, member_id), roles=["behavioral_health"],
                             actor=actor, reason="PHQ-9 item 9 positive")
        create_task(session, member_id=member_id, assignee_role="behavioral_health",
                    kind="urgent_behavioral_health", title="PHQ-9 item 9 positive: contact the member today",
                    priority="urgent", source=f"assessment:{assessment.id}",
                    dedup_key=f"reassess-safety:{assessment.id}", actor=actor)
    return assessment


def signal_payload(assessment: Assessment) -> dict | None:
    """The `signal.reported` payload of a reassessment with PHQ-9 item 9 positive, else None."""
    if "self_harm_risk" not in (assessment.flags or []):
        return None
    return {"member_id": assessment.member_id, "kind": "self_harm_risk",
            "occurred_at": assessment.taken_at.isoformat(), "signal_id": assessment.id,
            "text": "PHQ-9 item 9 positive at reassessment"}


def open_reassessment_tasks(session: Session, *, today: date) -> int:
    """Open one deduplicated "reassess" task per member and scheduled week with mood or function due."""
    opened = 0
    members = session.scalars(select(Member).join(IntakeSubmission, IntakeSubmission.member_id == Member.id)
                              .where(Member.status == "active"))
    for member in members:
        due = [d for d in due_for_member(session, member=member, today=today) if d.group != "pain"]
        audit.record(session, None, action="read", resource_type="Assessment", member_id=member.id,
                     detail={"job": "intake.open_reassessment_tasks"})
        if not due:
            continue
        week = max(d.week for d in due)
        names = ", ".join(sorted({d.instrument.upper() for d in due}))
        create_task(session, member_id=member.id, assignee_role="physical_therapist", kind="reassess",
                    title=f"Week {week} reassessment due: {names}", priority="routine",
                    source="intake.reassessment", dedup_key=f"reassess:{member.id}:{week}")
        opened += 1
    return opened


@job("intake.open_reassessment_tasks")
def open_reassessment_tasks_job(ctx: JobContext, **_: object) -> None:
    """Periodic job: open the care team's reassessment tasks."""
    with ctx.db.transaction() as session:
        open_reassessment_tasks(session, today=utcnow().date())


every(TASK_JOB_PERIOD_S, "intake.open_reassessment_tasks")
