"""Goals and daily check-ins: the only writer of coaching_goals and coaching_checkins."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching import checks, sources
from openmsk.coaching.habits import HABITS, WeekSummary, meets, streak, week_summary
from openmsk.coaching.localtime import local_date
from openmsk.coaching.models import CheckIn, Goal
from openmsk.coaching.schemas import CheckInCreate, GoalCreate
from openmsk.coaching.service_common import checked, local_today, member_or_404
from openmsk.db import utcnow
from openmsk.errors import Invalid, NotFound
from openmsk.members.models import Member


@dataclass(frozen=True)
class GoalProgress:
    """A goal with its streak and the last seven days."""

    goal: Goal
    streak: int
    week: WeekSummary


def create_goal(session: Session, *, member_id: str, data: GoalCreate, actor: Principal | None) -> Goal:
    """Record a goal agreed with the coach."""
    member = member_or_404(session, member_id)
    habit = HABITS[data.habit]
    checked(checks.number, "target", data.target, 0, habit.max_per_day)
    if data.by_date < local_today(member):
        raise Invalid("by_date cannot be in the past")
    goal = Goal(member_id=member_id, habit=data.habit, what=data.what, target=data.target,
                days_per_week=data.days_per_week, by_date=data.by_date, confidence=data.confidence,
                agreed_by=actor.user_id if actor else None)
    session.add(goal)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Goal", resource_id=goal.id,
                 member_id=member_id, detail={"habit": data.habit})
    return goal


def _goal(session: Session, member_id: str, goal_id: str) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.member_id != member_id:
        raise NotFound("no goal with this id")
    return goal


def set_goal_status(session: Session, *, member_id: str, goal_id: str, status: str,
                    actor: Principal | None) -> Goal:
    """Mark a goal achieved, dropped or active again."""
    goal = _goal(session, member_id, goal_id)
    goal.status = status
    goal.achieved_at = utcnow() if status == "achieved" else None
    audit.record(session, actor, action="update", resource_type="Goal", resource_id=goal.id,
                 member_id=member_id, detail={"status": status})
    return goal


def record_checkin(session: Session, *, member_id: str, goal_id: str, data: CheckInCreate,
                   actor: Principal | None) -> CheckIn:
    """Record (or replace) the day's value for a goal; refuses future days and impossible values."""
    member = member_or_404(session, member_id)
    goal = _goal(session, member_id, goal_id)
    checked(checks.not_future_day, "day", data.day, local_today(member))
    checked(checks.number, "value", data.value, 0, HABITS[goal.habit].max_per_day)
    row = session.scalar(select(CheckIn).where(CheckIn.goal_id == goal_id, CheckIn.day == data.day))
    if row is None:
        row = CheckIn(goal_id=goal_id, member_id=member_id, day=data.day, value=data.value)
        session.add(row)
    else:
        row.value = data.value
    session.flush()
    audit.record(session, actor, action="create", resource_type="GoalCheckIn", resource_id=row.id,
                 member_id=member_id)
    return row


def _logged_sessions_by_day(session: Session, member: Member) -> dict[date, int]:
    """Sessions logged on the exercise page per local day: they meet an exercise-sessions goal too."""
    tz = member.timezone or "UTC"
    return Counter(local_date(t, tz) for t in sources.exercise_session_times(session, member_id=member.id,
                                                                             until=utcnow()))


def goals_progress(session: Session, *, member_id: str, today: date | None = None,
                   include_closed: bool = False) -> list[GoalProgress]:
    """The member's goals with streak and weekly summary (callers audit the read)."""
    member = member_or_404(session, member_id)
    today = today or local_today(member)
    query = select(Goal).where(Goal.member_id == member_id).order_by(Goal.created_at)
    if not include_closed:
        query = query.where(Goal.status == "active")
    goals = list(session.scalars(query))
    values: dict[str, dict[date, float]] = {g.id: {} for g in goals}
    if goals:
        for row in session.scalars(select(CheckIn).where(CheckIn.goal_id.in_(list(values)))):
            values[row.goal_id][row.day] = row.value
    if any(g.habit == "exercise_sessions" for g in goals):
        logged = _logged_sessions_by_day(session, member)
        for goal in (g for g in goals if g.habit == "exercise_sessions"):
            for day, count in logged.items():
                values[goal.id][day] = max(values[goal.id].get(day, 0), count)
    result = []
    for goal in goals:
        habit = HABITS[goal.habit]
        met = [d for d, v in values[goal.id].items() if meets(habit, v, goal.target)]
        result.append(GoalProgress(goal, streak(met, today),
                                   week_summary(values[goal.id], habit, goal.target, goal.days_per_week, today)))
    return result


def checkin_days(session: Session, *, member_id: str, habit: str) -> list[tuple[date, float]]:
    """(day, value) of every check-in of the member's goals for a habit, oldest first."""
    rows = session.execute(select(CheckIn.day, CheckIn.value).join(Goal, Goal.id == CheckIn.goal_id)
                           .where(CheckIn.member_id == member_id, Goal.habit == habit).order_by(CheckIn.day))
    return [(d, v) for d, v in rows]
