"""Exercise service: adherence, program settings, the clinician overview and the cross-capability contracts.

Plans live in `plans.py`, session logging and proposals in `sessions.py`; this module re-exports the
functions other capabilities call.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import utcnow
from openmsk.errors import NotFound
from openmsk.exercise import adherence as adherence_rules
from openmsk.exercise.models import ExerciseSession, PlanProposal, PlanVersion, ProgramSettings
from openmsk.exercise.plans import current_plan, draft_for_member, library_for  # noqa: F401 - re-exported
from openmsk.exercise.sessions import decide, log_session  # noqa: F401 - re-exported
from openmsk.members.models import Member, Organization


def sessions_by_week(session: Session, *, member_ids: Iterable[str]) -> dict[str, dict[int, int]]:
    """Contract: member id -> program week -> completed sessions (callers audit their reads)."""
    ids = list(member_ids)
    result: dict[str, dict[int, int]] = {m: {} for m in ids}
    if not ids:
        return result
    rows = session.execute(select(ExerciseSession.member_id, ExerciseSession.program_week,
                                  func.count(ExerciseSession.id))
                           .where(ExerciseSession.member_id.in_(ids))
                           .group_by(ExerciseSession.member_id, ExerciseSession.program_week))
    for member_id, week, count in rows:
        result[member_id][int(week)] = int(count)
    return {m: dict(sorted(weeks.items())) for m, weeks in result.items()}


def current_plan_exercise_ids(session: Session, *, member_id: str) -> list[str]:
    """Contract: exercise ids in the member's current approved plan (empty without one)."""
    plan = current_plan(session, member_id=member_id)
    return [item["exercise_id"] for item in plan.items] if plan else []


def adherence_for(session: Session, *, member_id: str, now: datetime | None = None) -> adherence_rules.Adherence:
    """The member's adherence against their current plan's frequency."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    plan = current_plan(session, member_id=member_id)
    times = list(session.scalars(select(ExerciseSession.completed_at).where(ExerciseSession.member_id == member_id)))
    return adherence_rules.summarize(member.program_start, times, target_per_week=plan.sessions_per_week if plan else 3,
                                     now=now or utcnow())


def overview(session: Session, *, principal: Principal, members: list[Member],
             now: datetime | None = None) -> list[dict]:
    """One row per member: plan status, adherence and pending proposals (three queries in all)."""
    ids = [m.id for m in members]
    now = now or utcnow()
    targets: dict[str, int] = {}
    statuses: dict[str, set[str]] = defaultdict(set)
    for member_id, status, per_week in session.execute(select(
            PlanVersion.member_id, PlanVersion.status, PlanVersion.sessions_per_week).where(
            PlanVersion.member_id.in_(ids), PlanVersion.status.in_(("approved", "draft")))):
        statuses[member_id].add(status)
        if status == "approved":
            targets[member_id] = per_week
    times: dict[str, list[datetime]] = defaultdict(list)
    for member_id, at in session.execute(select(ExerciseSession.member_id, ExerciseSession.completed_at)
                                         .where(ExerciseSession.member_id.in_(ids))):
        times[member_id].append(at)
    pending = dict(session.execute(select(PlanProposal.member_id, func.count(PlanProposal.id)).where(
        PlanProposal.member_id.in_(ids), PlanProposal.status == "pending").group_by(PlanProposal.member_id)).all())
    rows = []
    for member in members:
        target = targets.get(member.id, 3)
        stats = adherence_rules.summarize(member.program_start, times[member.id], target_per_week=target, now=now)
        rows.append({"member": member, "has_plan": "approved" in statuses[member.id],
                     "has_draft": "draft" in statuses[member.id], "adherence": stats,
                     "pending": int(pending.get(member.id, 0))})
    audit.record_reads(session, principal, resource_type="ExerciseAdherence", member_ids=ids)
    return rows


def program_settings(session: Session, *, organization_id: str) -> ProgramSettings:
    """The program's exercise options (defaults when never set)."""
    found = session.get(ProgramSettings, organization_id)
    return found or ProgramSettings(organization_id=organization_id, auto_apply_safe_progressions=False)


def set_program_settings(session: Session, *, organization_id: str, auto_apply_safe_progressions: bool,
                         actor: Principal) -> ProgramSettings:
    """Turn auto-applying safe progressions on or off for one program."""
    if session.get(Organization, organization_id) is None:
        raise NotFound("no organization with this id")
    settings = session.get(ProgramSettings, organization_id)
    if settings is None:
        settings = ProgramSettings(organization_id=organization_id)
        session.add(settings)
    settings.auto_apply_safe_progressions = auto_apply_safe_progressions
    settings.updated_by, settings.updated_at = actor.user_id, utcnow()
    session.flush()
    audit.record(session, actor, action="update", resource_type="ExerciseSettings", resource_id=organization_id,
                 detail={"auto_apply_safe_progressions": auto_apply_safe_progressions})
    return settings
