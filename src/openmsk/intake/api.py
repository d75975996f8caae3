"""HTTP API of the intake: submit, drafts, the stored intake, reassessments, schedule, FHIR shapes."""

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Response

from openmsk.auth.policy import AnyUser, CurrentAdmin, member_scope
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.db import SessionDep, utcnow
from openmsk.deps import QueueDep
from openmsk.errors import ERROR_RESPONSES, Forbidden, Invalid, NotFound
from openmsk.intake import fhir, reassess, submit
from openmsk.intake.models import IntakeSubmission
from openmsk.intake.onboarding import CRISIS_RESOURCES
from openmsk.intake.schemas import (
    CrisisResources, DraftRead, DraftWrite, DueRead, HoldRelease, IntakeCreate, IntakeRead, ReassessmentCreate,
    ReassessmentDraftRead, ReassessmentDraftWrite, ReassessmentRead, RoleRead, ScheduleWrite, ScoreRead, TaskRead,
)
from openmsk.intake.scoring import instrument_ids
from openmsk.jobs import emit
from openmsk.members.models import Member

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["intake"])
IntakeAccess = Annotated[Principal, Depends(member_scope("Intake"))]
AssessmentAccess = Annotated[Principal, Depends(member_scope("Assessment"))]


def _only_the_member(principal: Principal, member_id: str) -> None:
    if not (principal.is_member and principal.member_id == member_id):
        raise Forbidden("only the member may answer their own questionnaires")


def intake_read(session, result: submit.SubmitResult | IntakeSubmission) -> IntakeRead:
    """Shape a stored intake (with its assessments and tasks) for the API and pages."""
    if isinstance(result, IntakeSubmission):
        assessments, tasks = submit.submission_details(session, result)
        result = submit.SubmitResult(result, assessments, tasks, False)
    s = result.submission
    names = {a.role: c.display_name for a, c in careteam.care_team(session, member_id=s.member_id)}
    return IntakeRead(
        id=s.id, member_id=s.member_id, submitted_at=s.submitted_at, risk_level=s.risk_level,
        risk_reasons=s.risk_reasons, unfilled_roles=s.unfilled_roles, exercise_hold=s.exercise_hold,
        roles=[RoleRead(role=r, reasons=s.role_reasons.get(r, []), clinician_name=names.get(r)) for r in s.roles],
        crisis_resources=CRISIS_RESOURCES if s.crisis_resources else None,
        scores=[ScoreRead.model_validate(a) for a in result.assessments],
        tasks=[TaskRead.model_validate(t) for t in result.tasks], created=result.created)


def emit_signals(queue, payloads: list[dict]) -> None:
    """After the commit: hand each signal to the escalation capability's subscribers."""
    for payload in payloads:
        try:
            emit(queue, "signal.reported", payload)
        except Exception as exc:  # noqa: BLE001 - the intake is stored; a broker hiccup must not hide it
            log.warning("signal not emitted", extra={"error_type": type(exc).__name__})


@router.post("/members/{member_id}/intake", response_model=IntakeRead)
def submit_intake(member_id: str, body: IntakeCreate, response: Response, background: BackgroundTasks,
                  session: SessionDep, queue: QueueDep, principal: IntakeAccess) -> IntakeRead:
    """Submit the onboarding intake (the member): stored whole or not at all; safety tasks open at once."""
    _only_the_member(principal, member_id)
    result = submit.submit_intake(session, member_id=member_id, answers=body.answers,
                                  psfs_activities=body.psfs_activities, idempotency_key=body.idempotency_key,
                                  actor=principal)
    response.status_code = 201 if result.created else 200
    if result.created:
        # Background tasks run after the response, i.e. after this request's transaction committed.
        background.add_task(emit_signals, queue, submit.signal_payloads(result.submission))
    return intake_read(session, result)


@router.get("/members/{member_id}/intake", response_model=IntakeRead)
def read_intake(member_id: str, session: SessionDep, _: IntakeAccess) -> IntakeRead:
    """The member's submitted intake: scores, risk and routing with reasons, first tasks."""
    found = submit.get_submission(session, member_id=member_id)
    if found is None:
        raise NotFound("this member has not submitted an intake")
    return intake_read(session, found)


@router.put("/members/{member_id}/intake/draft", response_model=DraftRead)
def save_draft(member_id: str, body: DraftWrite, session: SessionDep, principal: IntakeAccess) -> DraftRead:
    """Save partial answers on the server so the member can resume on any device."""
    _only_the_member(principal, member_id)
    unknown = sorted(set(body.answers) - set(instrument_ids()))
    if unknown:
        raise Invalid(f"answers: unknown instruments: {', '.join(unknown)}")
    draft = submit.save_draft(session, member_id=member_id, actor=principal, position=body.position,
                              answers={"answers": body.answers, "psfs_activities": body.psfs_activities})
    return DraftRead(answers=draft.answers["answers"], psfs_activities=draft.answers["psfs_activities"],
                     position=draft.position, updated_at=draft.updated_at)


@router.get("/members/{member_id}/intake/draft", response_model=DraftRead)
def read_draft(member_id: str, session: SessionDep, principal: IntakeAccess) -> DraftRead:
    """The saved draft (empty when none)."""
    _only_the_member(principal, member_id)
    draft = submit.get_draft(session, member_id=member_id)
    if draft is None:
        return DraftRead(answers={}, psfs_activities=[], position=0, updated_at=None)
    return DraftRead(answers=draft.answers.get("answers", {}), psfs_activities=draft.answers.get("psfs_activities", []),
                     position=draft.position, updated_at=draft.updated_at)


@router.post("/members/{member_id}/intake/exercise-hold/release", response_model=IntakeRead)
def release_hold(member_id: str, body: HoldRelease, session: SessionDep, principal: IntakeAccess) -> IntakeRead:
    """Lift the exercise hold after review (the member's physician)."""
    if not principal.is_clinician or "physician" not in principal.roles:
        raise Forbidden("only the member's physician may lift an exercise hold")
    return intake_read(session, submit.release_exercise_hold(session, member_id=member_id, actor=principal,
                                                             reason=body.reason))


@router.get("/members/{member_id}/reassessments/due", response_model=list[DueRead])
def due_reassessments(member_id: str, session: SessionDep, _: AssessmentAccess) -> list[DueRead]:
    """Reassessments due for the member today under their program's schedule."""
    member = session.get(Member, member_id)
    return [DueRead.model_validate(d) for d in reassess.due_for_member(session, member=member, today=utcnow().date())]


@router.put("/members/{member_id}/reassessments/{instrument}/draft", response_model=ReassessmentDraftRead)
def save_reassessment_draft(member_id: str, instrument: str, body: ReassessmentDraftWrite, session: SessionDep,
                            principal: AssessmentAccess) -> ReassessmentDraftRead:
    """Save partial reassessment answers on the server so the member can resume on any device."""
    _only_the_member(principal, member_id)
    draft = reassess.save_draft(session, member_id=member_id, instrument=instrument, answers=body.answers,
                                position=body.position, idempotency_key=body.idempotency_key, actor=principal)
    return ReassessmentDraftRead.model_validate(draft)


@router.get("/members/{member_id}/reassessments/{instrument}/draft", response_model=ReassessmentDraftRead)
def read_reassessment_draft(member_id: str, instrument: str, session: SessionDep,
                            principal: AssessmentAccess) -> ReassessmentDraftRead:
    """The saved reassessment draft (empty when none)."""
    _only_the_member(principal, member_id)
    draft = reassess.get_draft(session, member_id=member_id, instrument=instrument)
    if draft is None:
        return ReassessmentDraftRead(instrument=instrument, answers=[], position=0, idempotency_key=None,
                                     updated_at=None)
    return ReassessmentDraftRead.model_validate(draft)


@router.post("/members/{member_id}/assessments", response_model=ReassessmentRead, status_code=201)
def submit_reassessment(member_id: str, body: ReassessmentCreate, background: BackgroundTasks,
                        session: SessionDep, queue: QueueDep, principal: AssessmentAccess) -> ReassessmentRead:
    """Record a reassessment the member answered (idempotent by key); item 9 opens an urgent task at once."""
    _only_the_member(principal, member_id)
    assessment = reassess.submit_reassessment(session, member_id=member_id, instrument=body.instrument,
                                              answers=body.answers, idempotency_key=body.idempotency_key,
                                              actor=principal)
    signal = reassess.signal_payload(assessment)
    if signal:
        background.add_task(emit_signals, queue, [signal])
    read = ReassessmentRead.model_validate(assessment)
    read.crisis_resources = CrisisResources.model_validate(CRISIS_RESOURCES) if signal else None
    return read


@router.get("/organizations/{organization_id}/reassessment-schedule")
def read_schedule(organization_id: str, session: SessionDep, _: CurrentAdmin) -> dict:
    """The organization's reassessment schedule (the default when none is set)."""
    return reassess.schedule_for(session, organization_id=organization_id).as_dict()


@router.put("/organizations/{organization_id}/reassessment-schedule")
def write_schedule(organization_id: str, body: ScheduleWrite, session: SessionDep, admin: CurrentAdmin) -> dict:
    """Set the organization's reassessment weeks per instrument group (admins)."""
    return reassess.set_schedule(session, organization_id=organization_id, data=body.model_dump(),
                                 actor=admin).as_dict()


@router.get("/intake/instruments/{instrument_id}/questionnaire")
def read_questionnaire(instrument_id: str, _: AnyUser) -> dict:
    """The instrument as a FHIR R4 Questionnaire."""
    if instrument_id not in instrument_ids():
        raise NotFound("no instrument with this id")
    return fhir.questionnaire(instrument_id)
