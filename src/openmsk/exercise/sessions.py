"""Session logging and progression proposals: the only writer of sessions, entries and proposals."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam.tasks import create_task
from openmsk.db import utcnow
from openmsk.errors import Conflict, ErrorDetail, Invalid, NotFound
from openmsk.exercise import plans
from openmsk.exercise.library import Dose
from openmsk.exercise.models import ExerciseSession, PlanProposal, ProgramSettings, SessionEntry
from openmsk.exercise.progression import EntryView, Proposal, pain_spike, propose
from openmsk.members.models import Member
from openmsk.program import program_week

HISTORY_SESSIONS = 5
# Clock skew tolerated on a client-reported completion time.
FUTURE_SLACK = timedelta(minutes=5)


@dataclass
class LogResult:
    """The stored session, whether this call created it, the signals to emit and any proposals."""

    session: ExerciseSession
    entries: list[SessionEntry]
    created: bool
    signals: list[dict] = field(default_factory=list)
    proposals: list[PlanProposal] = field(default_factory=list)


def entries_of(session: Session, session_ids: list[str]) -> dict[str, list[SessionEntry]]:
    """Entries grouped by session id, in logged order."""
    grouped: dict[str, list[SessionEntry]] = {sid: [] for sid in session_ids}
    for entry in session.scalars(select(SessionEntry).where(SessionEntry.session_id.in_(session_ids))
                                 .order_by(SessionEntry.position)):
        grouped[entry.session_id].append(entry)
    return grouped


def _check_entries(entries: list[dict], plan_items: dict[str, dict], library) -> None:
    details = []
    for i, e in enumerate(entries):
        where = ["entries", i]
        if library.get(e["exercise_id"]) is None:
            details.append(ErrorDetail(location=[*where, "exercise_id"], message="unknown exercise id"))
        elif e["exercise_id"] not in plan_items:
            details.append(ErrorDetail(location=[*where, "exercise_id"], message="not in the current plan"))
        if e.get("skipped"):
            if not (e.get("skip_reason") or "").strip():
                details.append(ErrorDetail(location=[*where, "skip_reason"], message="say why it was skipped"))
            continue
        for key in ("difficulty", "pain_before", "pain_after"):
            if e.get(key) is None:
                details.append(ErrorDetail(location=[*where, key], message="required for a done exercise"))
        if not any(e.get(k) for k in ("reps_done", "hold_s_done", "minutes_done")):
            details.append(ErrorDetail(location=[*where], message="give reps_done, hold_s_done or minutes_done"))
        if not e.get("minutes_done") and not e.get("sets_done"):
            details.append(ErrorDetail(location=[*where, "sets_done"], message="at least one set"))
    if len({e["exercise_id"] for e in entries}) != len(entries):
        details.append(ErrorDetail(location=["entries"], message="an exercise is listed twice"))
    if details:
        raise Invalid("the session has invalid entries", details=details)


def log_session(session: Session, *, member_id: str, plan_version: int, entries: list[dict],
                idempotency_key: str, actor: Principal | None, completed_at: datetime | None = None,
                note: str = "", evaluate: bool = True) -> LogResult:
    """Store a completed session against the current plan; the same key returns the stored session.

    `evaluate=False` skips the progression rules (bulk back-fills such as the demo history).
    """
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    existing = session.scalar(select(ExerciseSession).where(
        ExerciseSession.member_id == member_id, ExerciseSession.idempotency_key == idempotency_key))
    if existing is not None:
        return LogResult(existing, entries_of(session, [existing.id])[existing.id], False)
    plan = plans.current_plan(session, member_id=member_id)
    if plan is None:
        raise Conflict("this member has no approved exercise plan")
    if plan.version != plan_version:
        raise Conflict(f"plan version {plan_version} is not the member's current plan (version {plan.version}); "
                       "reload the plan and log again")
    now = utcnow()
    completed_at = completed_at or now
    if completed_at.tzinfo is None:
        raise Invalid("completed_at: give a time zone offset")
    completed_at = completed_at.astimezone(UTC)
    if completed_at > now + FUTURE_SLACK:
        raise Invalid("completed_at: must not be in the future")
    library = plans.library_for(session)
    _check_entries(entries, {i["exercise_id"]: i for i in plan.items}, library)
    row = ExerciseSession(member_id=member_id, plan_id=plan.id, plan_version=plan.version,
                          completed_at=completed_at, program_week=program_week(member.program_start, completed_at),
                          idempotency_key=idempotency_key, note=note, recorded_by=actor.user_id if actor else None)
    session.add(row)
    session.flush()
    stored = [SessionEntry(session_id=row.id, position=i, exercise_id=e["exercise_id"],
                           sets_done=e.get("sets_done"), reps_done=e.get("reps_done"),
                           hold_s_done=e.get("hold_s_done"), minutes_done=e.get("minutes_done"),
                           difficulty=None if e.get("skipped") else e.get("difficulty"),
                           pain_before=e.get("pain_before"), pain_after=e.get("pain_after"),
                           skipped=bool(e.get("skipped")), skip_reason=(e.get("skip_reason") or "").strip(),
                           motion_summary=e.get("motion_summary")) for i, e in enumerate(entries)]
    session.add_all(stored)
    session.flush()
    audit.record(session, actor, action="create", resource_type="ExerciseSession", resource_id=row.id,
                 member_id=member_id, detail={"plan_version": plan.version, "entries": len(stored)})
    signals = [{"member_id": member_id, "kind": "pain_spike", "occurred_at": completed_at.isoformat(),
                "signal_id": e.id, "text": "Pain rose during a home exercise session"}
               for e in stored if pain_spike(_view(e))]
    proposals = _propose(session, member=member, plan=plan, row=row, actor=actor, library=library) if evaluate else []
    return LogResult(row, stored, True, signals, proposals)


def _view(e: SessionEntry) -> EntryView:
    return EntryView(e.exercise_id, e.difficulty, e.pain_before, e.pain_after, e.skipped)


def _propose(session, *, member, plan, row, actor, library) -> list[PlanProposal]:
    recent = list(session.scalars(select(ExerciseSession).where(ExerciseSession.member_id == member.id)
                                  .order_by(ExerciseSession.completed_at.desc()).limit(HISTORY_SESSIONS)))
    if not recent or recent[0].id != row.id:
        return []  # a late-logged older session does not drive proposals
    grouped = entries_of(session, [s.id for s in recent])
    history = [[_view(e) for e in grouped[s.id]] for s in recent]
    doses = {i["exercise_id"]: Dose(**i["dose"]) for i in plan.items}
    pending = {(p.exercise_id, p.kind) for p in session.scalars(select(PlanProposal).where(
        PlanProposal.member_id == member.id, PlanProposal.status == "pending"))}
    auto = bool(session.scalar(select(ProgramSettings.auto_apply_safe_progressions).where(
        ProgramSettings.organization_id == member.organization_id)))
    stored = []
    for p in propose(doses, history, library):
        if (p.exercise_id, p.kind) in pending:
            continue
        stored.append(_store(session, member_id=member.id, plan=plan, row=row, p=p, actor=actor, auto=auto))
    return stored


def _store(session, *, member_id, plan, row, p: Proposal, actor, auto: bool) -> PlanProposal:
    proposal = PlanProposal(member_id=member_id, plan_id=plan.id, session_id=row.id, kind=p.kind, rule=p.rule,
                            exercise_id=p.exercise_id, new_exercise_id=p.new_exercise_id,
                            new_dose=p.new_dose.as_dict(), reason=p.reason, safe=p.safe,
                            dedup_key=f"{row.id}:{p.exercise_id}")
    session.add(proposal)
    session.flush()
    audit.record(session, actor, action="create", resource_type="ExerciseProposal", resource_id=proposal.id,
                 member_id=member_id, detail={"kind": p.kind, "rule": p.rule})
    if p.notify_pt:
        task = create_task(session, member_id=member_id, assignee_role="physical_therapist",
                           kind="exercise_regression", priority="high",
                           title="Exercise regression proposed: review the plan",
                           detail=f"{p.reason} Open /console/members/{member_id}/plan to decide.",
                           source=f"exercise:{proposal.id}", dedup_key=f"exercise-proposal:{proposal.id}",
                           actor=actor)
        proposal.task_id = task.id
    if auto and p.safe:
        apply_proposal(session, proposal=proposal, actor=None, status="auto_applied",
                       note="Safe progression applied automatically (program setting)")
    return proposal


def apply_proposal(session: Session, *, proposal: PlanProposal, actor: Principal | None, status: str,
                   note: str) -> None:
    """Write the proposal into a new approved plan version."""
    plan = plans.current_plan(session, member_id=proposal.member_id)
    if plan is None or proposal.exercise_id not in {i["exercise_id"] for i in plan.items}:
        raise Conflict("the exercise is no longer in the current plan; reject this proposal instead")
    items = []
    for item in plan.items:
        if item["exercise_id"] == proposal.exercise_id:
            item = {"exercise_id": proposal.new_exercise_id, "dose": proposal.new_dose,
                    "rationale": f"{item['rationale']} [{proposal.kind}: {proposal.reason}]".strip()}
        items.append(item)
    plans.write_version(session, member_id=proposal.member_id, items=items, actor=actor, source="proposal",
                        note=note, sessions_per_week=plan.sessions_per_week, target_minutes=plan.target_minutes,
                        status="approved")
    proposal.status, proposal.decided_at = status, utcnow()
    proposal.decided_by, proposal.decision_note = (actor.user_id if actor else None), note


def decide(session: Session, *, member_id: str, proposal_id: str, approve: bool, note: str,
           actor: Principal) -> PlanProposal:
    """Approve (apply to a new plan version) or reject a pending proposal."""
    proposal = session.get(PlanProposal, proposal_id)
    if proposal is None or proposal.member_id != member_id:
        raise NotFound("no proposal with this id for this member")
    if proposal.status != "pending":
        raise Conflict(f"this proposal is already {proposal.status}")
    if approve:
        apply_proposal(session, proposal=proposal, actor=actor, status="approved",
                       note=note or f"Approved {proposal.kind}: {proposal.reason}")
    else:
        proposal.status, proposal.decided_at = "rejected", utcnow()
        proposal.decided_by, proposal.decision_note = actor.user_id, note
    audit.record(session, actor, action="update", resource_type="ExerciseProposal", resource_id=proposal.id,
                 member_id=member_id, detail={"status": proposal.status})
    return proposal


def attach_motion_summary(session: Session, *, member_id: str, session_id: str, exercise_id: str,
                          summary: dict, actor: Principal | None) -> SessionEntry:
    """Attach a motion analysis summary to one logged exercise (the motion capability's live sessions)."""
    entry = session.scalar(select(SessionEntry).join(ExerciseSession).where(
        ExerciseSession.id == session_id, ExerciseSession.member_id == member_id,
        SessionEntry.exercise_id == exercise_id))
    if entry is None:
        raise NotFound("no logged exercise with this id in this session")
    entry.motion_summary = summary
    audit.record(session, actor, action="update", resource_type="ExerciseSession", resource_id=session_id,
                 member_id=member_id, detail={"motion_summary": exercise_id})
    return entry


def proposals_for(session: Session, *, member_id: str, statuses: tuple[str, ...] | None = None) -> list[PlanProposal]:
    """The member's proposals, newest first."""
    query = select(PlanProposal).where(PlanProposal.member_id == member_id)
    if statuses:
        query = query.where(PlanProposal.status.in_(statuses))
    return list(session.scalars(query.order_by(PlanProposal.created_at.desc())))


def sessions_for(session: Session, *, member_id: str, limit: int = 50) -> list[ExerciseSession]:
    """The member's logged sessions, newest first."""
    return list(session.scalars(select(ExerciseSession).where(ExerciseSession.member_id == member_id)
                                .order_by(ExerciseSession.completed_at.desc()).limit(limit)))
