"""Member progress and the "not improving" check: the outcomes capability's database use cases."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.policy import can_access_member
from openmsk.auth.principal import Principal
from openmsk.careteam.models import Task
from openmsk.careteam.tasks import create_task
from openmsk.errors import Forbidden, NotFound
from openmsk.intake.service import score_history
from openmsk.members.models import Member
from openmsk.outcomes import sources
from openmsk.outcomes.progress import PROGRESS_INSTRUMENTS, Series, build_series, last_per_week, pain_change_pct
from openmsk.outcomes.signals import NotImproving, NotImprovingParams, not_improving
from openmsk.program import program_week

TASK_KIND = "not_improving"


@dataclass(frozen=True)
class Progress:
    """A member's charts and the facts shown beside them."""

    member: Member
    series: list[Series]
    pain_change_pct: float | None
    current_week: int
    not_improving: NotImproving | None = None


def member_progress(session: Session, *, member_id: str, principal: Principal, now: datetime,
                    audited: bool = False) -> Progress:
    """The member's trajectories for the member or their care team (audited unless the route did)."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    if not can_access_member(session, principal, member_id):
        raise Forbidden("this member is not in your care")
    history = score_history(session, member_ids=[member_id], instruments=PROGRESS_INSTRUMENTS)
    by_week = sources.sessions_by_week(session, member_ids=[member_id])
    sessions = None if by_week is None else by_week.get(member_id, {})  # None: adherence unknown
    mme = (sources.mme_by_week(session, member_ids=[member_id]) or {}).get(member_id)
    device = sources.device_sessions_by_week(session, member_id=member_id, program_start=member.program_start)
    weights = sources.weights_by_week(session, member_id=member_id, program_start=member.program_start)
    series = build_series(history, sessions=sessions, mme=mme, device=device, weights=weights)
    if not audited:
        audit.record_reads(session, principal, resource_type="Progress", member_ids=[member_id])
    week = program_week(member.program_start, now)
    pain = dict(next((s.points for s in series if s.key == "nrs"), []))
    return Progress(member=member, series=series, pain_change_pct=pain_change_pct(series), current_week=week,
                    not_improving=not_improving(pain, sessions, current_week=week))


def _candidates(session: Session, *, today: date, params: NotImprovingParams) -> list[Member]:
    """Active members between the evaluation week and the end of the program."""
    latest_start = today - timedelta(weeks=params.evaluation_week)
    earliest_start = today - timedelta(weeks=params.last_week + 1) + timedelta(days=1)
    return list(session.scalars(select(Member).where(
        Member.status == "active", Member.program_start <= latest_start,
        Member.program_start >= earliest_start).order_by(Member.id)))


def _task_detail(signal: NotImproving, params: NotImprovingParams) -> str:
    """The task's explanation for the physical therapist."""
    return (f"Pain {signal.baseline:g} at week 0 and {signal.latest:g} at week {signal.week} "
            f"({-signal.improvement_pct:+.0f}%; improvement below {params.min_improvement_pct:g}%, "
            f"IMMPACT) with {signal.sessions_per_week:.1f} exercise sessions per week in weeks "
            f"0-{params.evaluation_week - 1}. Review the plan.")


def evaluate_not_improving(session: Session, *, today: date,
                           params: NotImprovingParams = NotImprovingParams()) -> list[Task]:
    """Open one physical-therapist task per member and week for members who are not improving."""
    members = _candidates(session, today=today, params=params)
    ids = [m.id for m in members]
    sessions = sources.sessions_by_week(session, member_ids=ids) if ids else None
    if sessions is None:
        return []  # without exercise data adherence is unknown, so the rule cannot be applied
    pain: dict[str, list] = {}
    for a in score_history(session, member_ids=ids, instruments=["nrs"]):
        pain.setdefault(a.member_id, []).append((a.program_week, a.total))
    now = datetime.combine(today, time(12), tzinfo=UTC)
    tasks = []
    for member in members:
        weekly = dict(last_per_week(pain.get(member.id, [])))
        signal = not_improving(weekly, sessions.get(member.id, {}), params=params,
                               current_week=program_week(member.program_start, now))
        if signal is None:
            continue
        tasks.append(create_task(
            session, member_id=member.id, assignee_role="physical_therapist", kind=TASK_KIND,
            title=f"Not improving by week {signal.week}: review the exercise plan",
            detail=_task_detail(signal, params), source="outcomes",
            dedup_key=f"outcomes.not_improving:{member.id}:week{signal.week}"))
    return tasks
