"""Builds a member's ActivitySnapshot for the nudge rules from the database."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.coaching import sources
from openmsk.coaching.localtime import local_date, local_to_utc, start_of_local_day
from openmsk.coaching.models import CheckIn, DeviceSession, Goal, Note, Nudge
from openmsk.coaching.plan import on_plan_streak, plan_weekdays
from openmsk.coaching.snapshot import (
    ActivitySnapshot, GoalAchievement, PainCheckin, SentNudgeRecord, UnreadMessage,
)
from openmsk.members.models import Member

# Pain check-ins older than this cannot affect the pain-spike rule (baseline 14 d + freshness 48 h).
PAIN_LOOKBACK = timedelta(days=17)
# A logged exercise day counts as a session at local noon: check-ins carry a date, not a time.
SESSION_CLOCK = time(12, 0)


def _pain(session: Session, member_id: str, now: datetime) -> tuple[PainCheckin, ...]:
    from openmsk.intake.service import score_history

    rows = score_history(session, member_ids=[member_id], instruments=["nrs"])
    return tuple(PainCheckin(a.taken_at, int(a.total)) for a in rows
                 if a.total is not None and now - PAIN_LOOKBACK <= a.taken_at <= now)


def _history(session: Session, member_id: str) -> tuple[SentNudgeRecord, ...]:
    rows = session.scalars(select(Nudge).where(Nudge.member_id == member_id, Nudge.status != "cancelled")
                           .order_by(Nudge.created_at))
    return tuple(SentNudgeRecord(n.kind, n.episode, n.sent_at or n.created_at, n.channel, n.responded_at)
                 for n in rows)


def _planned_per_week(session: Session, member_id: str) -> int:
    """The approved exercise plan's frequency, else the member's own exercise-sessions goal, else none."""
    from_plan = sources.plan_sessions_per_week(session, member_id=member_id)
    if from_plan is not None:
        return from_plan
    goal = session.scalar(select(Goal).where(Goal.member_id == member_id, Goal.status == "active",
                                             Goal.habit == "exercise_sessions").order_by(Goal.created_at))
    return goal.days_per_week if goal else 0


def _sessions(session: Session, member_id: str, tz: str, now: datetime) -> tuple[datetime, ...]:
    """Logged exercise sessions, plus exercise-goal check-in days without one (at local noon)."""
    logged = sources.exercise_session_times(session, member_id=member_id, until=now)
    logged_days = {local_date(t, tz) for t in logged}
    checked = session.scalars(
        select(CheckIn.day).join(Goal, Goal.id == CheckIn.goal_id)
        .where(CheckIn.member_id == member_id, Goal.habit == "exercise_sessions", CheckIn.value > 0))
    # Today's check-in counts for the streak before local noon too; the rules ignore sessions after now.
    extra = (local_to_utc(d, SESSION_CLOCK, tz) for d in set(checked) - logged_days)
    return tuple(sorted((*logged, *extra)))


def _unread(session: Session, member: Member, now: datetime) -> tuple[UnreadMessage, ...]:
    """Unread messaging-thread messages from the care team and unread coaching messages."""
    notes = (UnreadMessage(n.id, n.created_at) for n in session.scalars(
        select(Note).where(Note.member_id == member.id, Note.topic == "message", Note.read_at.is_(None))))
    found = [*sources.unread_care_team_messages(session, member=member, until=now), *notes]
    return tuple(sorted(found, key=lambda m: (m.received_at, m.message_id)))


def build_snapshot(session: Session, member: Member, now: datetime) -> ActivitySnapshot:
    """Everything the rules read for one member at an instant."""
    tz = member.timezone or "UTC"
    per_week = _planned_per_week(session, member.id)
    sessions = _sessions(session, member.id, tz, now)
    pain = _pain(session, member.id, now)
    last = [t for t in (
        max((t for t in sessions if t <= now), default=None),
        session.scalar(select(func.max(CheckIn.created_at)).where(CheckIn.member_id == member.id)),
        session.scalar(select(func.max(DeviceSession.created_at)).where(DeviceSession.member_id == member.id)),
        max((p.at for p in pain), default=None)) if t is not None and t <= now]
    today = local_date(now, tz)
    session_days = sorted({local_date(t, tz) for t in sessions})
    streak_days, streak_start = on_plan_streak(session_days, plan_weekdays(per_week), today, member.program_start)
    achieved = tuple(GoalAchievement(g.id, g.achieved_at) for g in session.scalars(
        select(Goal).where(Goal.member_id == member.id, Goal.achieved_at.is_not(None))))
    return ActivitySnapshot(
        member_id=member.id, timezone=tz, enrolled_at=start_of_local_day(member.program_start, tz),
        sessions_per_week=per_week, completed_sessions=sessions, last_activity_at=max(last, default=None),
        reassessments_due=sources.reassessment_due_dates(session, member=member, today=today),
        pain_checkins=pain, streak_days=streak_days, streak_started_on=streak_start,
        goals_achieved=achieved, unread_messages=_unread(session, member, now),
        nudge_history=_history(session, member.id))
