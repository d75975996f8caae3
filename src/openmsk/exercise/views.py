"""HTTP API of exercise therapy (the pages are in pages.py and included here)."""

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Response, status

from openmsk.auth.policy import AnyUser, CurrentAdmin, CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import ERROR_RESPONSES, Forbidden, NotFound
from openmsk.exercise import pages, plans, sessions as logging_service, service
from openmsk.exercise.drafting import DraftInput
from openmsk.exercise.library import exercise_json
from openmsk.exercise.schemas import (
    AdherenceRead, ApproveRequest, CustomExerciseCreate, DraftRequest, EntryRead, MotionSummaryWrite, PlanCreate,
    PlanRead, ProposalDecision, ProposalRead, SessionCreate, SessionRead, SettingsWrite,
)
from openmsk.jobs import emit

log = logging.getLogger(__name__)
api = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["exercise"])
PlanAccess = Annotated[Principal, Depends(member_scope("ExercisePlan"))]
SessionAccess = Annotated[Principal, Depends(member_scope("ExerciseSession"))]
ProposalAccess = Annotated[Principal, Depends(member_scope("ExerciseProposal"))]
AdherenceAccess = Annotated[Principal, Depends(member_scope("ExerciseAdherence"))]


def require_pt(principal: Principal) -> None:
    """Plans are owned by the member's physical therapist."""
    if not (principal.is_clinician and "physical_therapist" in principal.roles):
        raise Forbidden("only the member's physical therapist may change the exercise plan")


def emit_signals(queue, payloads: list[dict]) -> None:
    """After the commit: hand each pain spike to the escalation capability's subscribers."""
    for payload in payloads:
        try:
            emit(queue, "signal.reported", payload)
        except Exception as exc:  # noqa: BLE001 - the session is stored; a broker hiccup must not hide it
            log.warning("signal not emitted", extra={"error_type": type(exc).__name__})


@api.get("/exercises")
def list_exercises(session: SessionDep, _: AnyUser, region: str | None = None, type: str | None = None) -> list[dict]:
    """The exercise library with PT-added exercises, optionally filtered by region or type."""
    return [exercise_json(e) for e in plans.library_for(session).exercises.values()
            if (region is None or region in e.regions) and (type is None or e.type == type)]


@api.post("/exercises", status_code=status.HTTP_201_CREATED)
def add_exercise(body: CustomExerciseCreate, session: SessionDep, principal: CurrentClinician) -> dict:
    """Add an exercise of your own to the library (physical therapists)."""
    require_pt(principal)
    return exercise_json(plans.add_custom_exercise(session, data=body.model_dump(exclude_none=True) | {
        "dose": body.dose.model_dump(exclude_none=True)}, actor=principal))


@api.post("/members/{member_id}/exercise-plans/draft", response_model=PlanRead, status_code=201)
def draft_plan(member_id: str, session: SessionDep, principal: PlanAccess, body: DraftRequest | None = None):
    """Draft a plan from the stored intake (or the given inputs); it waits for PT approval."""
    require_pt(principal)
    data = None
    if body is not None and body.regions:
        data = DraftInput(regions=tuple(body.regions), pain=body.pain, risk_level=body.risk_level,
                          psfs_activities=tuple(body.psfs_activities), goals=tuple(body.goals))
    return plans.draft_for_member(session, member_id=member_id, actor=principal, data=data)


@api.post("/members/{member_id}/exercise-plans", response_model=PlanRead, status_code=201)
def write_plan(member_id: str, body: PlanCreate, session: SessionDep, principal: PlanAccess):
    """Save an edited plan as a new draft version, with the reason for the change."""
    require_pt(principal)
    items = plans.normalize_items([i.model_dump() for i in body.items], plans.library_for(session))
    return plans.write_version(session, member_id=member_id, items=items, actor=principal, source="edit",
                               note=body.note, sessions_per_week=body.sessions_per_week,
                               target_minutes=body.target_minutes)


@api.post("/members/{member_id}/exercise-plans/{version}/approve", response_model=PlanRead)
def approve_plan(member_id: str, version: int, session: SessionDep, principal: PlanAccess,
                 body: ApproveRequest | None = None):
    """Approve a draft: it becomes the member's current plan."""
    require_pt(principal)
    return plans.approve(session, member_id=member_id, version=version, actor=principal,
                         note=body.note if body else "")


@api.get("/members/{member_id}/exercise-plans", response_model=list[PlanRead])
def list_plans(member_id: str, session: SessionDep, principal: PlanAccess):
    """Plan versions, newest first (members see approved ones only)."""
    return plans.plan_versions(session, member_id=member_id, approved_only=not principal.is_clinician)


@api.get("/members/{member_id}/exercise-plan", response_model=PlanRead)
def read_current_plan(member_id: str, session: SessionDep, _: PlanAccess):
    """The member's current approved plan."""
    plan = plans.current_plan(session, member_id=member_id)
    if plan is None:
        raise NotFound("this member has no approved exercise plan")
    return plan


def _session_read(row, entries, created: bool = False) -> SessionRead:
    return SessionRead(id=row.id, member_id=row.member_id, plan_version=row.plan_version,
                       completed_at=row.completed_at, program_week=row.program_week, note=row.note,
                       entries=[EntryRead.model_validate(e) for e in entries], created=created)


@api.post("/members/{member_id}/exercise-sessions", response_model=SessionRead, status_code=201)
def log_session(member_id: str, body: SessionCreate, response: Response, background: BackgroundTasks,
                session: SessionDep, queue: QueueDep, principal: SessionAccess) -> SessionRead:
    """Log a completed session; resending the same idempotency key returns the stored one (200)."""
    result = logging_service.log_session(
        session, member_id=member_id, plan_version=body.plan_version, idempotency_key=body.idempotency_key,
        entries=[e.model_dump() for e in body.entries], completed_at=body.completed_at, note=body.note,
        actor=principal)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    background.add_task(emit_signals, queue, result.signals)
    return _session_read(result.session, result.entries, result.created)


@api.get("/members/{member_id}/exercise-sessions", response_model=list[SessionRead])
def list_sessions(member_id: str, session: SessionDep, _: SessionAccess,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[SessionRead]:
    """Logged sessions, newest first."""
    rows = logging_service.sessions_for(session, member_id=member_id, limit=limit)
    grouped = logging_service.entries_of(session, [r.id for r in rows])
    return [_session_read(r, grouped[r.id]) for r in rows]


@api.put("/members/{member_id}/exercise-sessions/{session_id}/entries/{exercise_id}/motion-summary",
            response_model=EntryRead)
def attach_motion(member_id: str, session_id: str, exercise_id: str, body: MotionSummaryWrite,
                  session: SessionDep, principal: SessionAccess):
    """Attach a motion analysis summary to one logged exercise."""
    return logging_service.attach_motion_summary(session, member_id=member_id, session_id=session_id,
                                                 exercise_id=exercise_id, summary=body.summary, actor=principal)


@api.get("/members/{member_id}/exercise-adherence", response_model=AdherenceRead)
def read_adherence(member_id: str, session: SessionDep, _: AdherenceAccess):
    """Sessions per program week against the plan, the streak and the habit point."""
    return service.adherence_for(session, member_id=member_id)


@api.get("/members/{member_id}/exercise-proposals", response_model=list[ProposalRead])
def list_proposals(member_id: str, session: SessionDep, principal: ProposalAccess,
                   status: str | None = Query(None, pattern="^(pending|approved|rejected|auto_applied)$")):
    """Progression and regression proposals, newest first (care team only: members see approved plans)."""
    if not principal.is_clinician:
        raise Forbidden("proposals are for the care team; approved changes appear in your plan")
    return logging_service.proposals_for(session, member_id=member_id, statuses=(status,) if status else None)


@api.post("/members/{member_id}/exercise-proposals/{proposal_id}/decision", response_model=ProposalRead)
def decide_proposal(member_id: str, proposal_id: str, body: ProposalDecision, session: SessionDep,
                    principal: ProposalAccess):
    """Approve (a new plan version) or reject a proposal (physical therapists)."""
    require_pt(principal)
    return logging_service.decide(session, member_id=member_id, proposal_id=proposal_id, approve=body.approve,
                                  note=body.note, actor=principal)


@api.put("/organizations/{organization_id}/exercise-settings")
def write_settings(organization_id: str, body: SettingsWrite, session: SessionDep, admin: CurrentAdmin) -> dict:
    """Per-program option: auto-apply safe progressions (admins)."""
    found = service.set_program_settings(session, organization_id=organization_id, actor=admin,
                                         auto_apply_safe_progressions=body.auto_apply_safe_progressions)
    return {"organization_id": found.organization_id,
            "auto_apply_safe_progressions": found.auto_apply_safe_progressions}


# Pages and API in one router, as the app includes one `router` per capability.
router = APIRouter()
router.include_router(api)
router.include_router(pages.router)
