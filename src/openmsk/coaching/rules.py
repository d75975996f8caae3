"""Nudge rules for engagement: missed session, inactivity, streak milestones, goals.

Each rule is a pure function of (snapshot, now, config) returning candidate nudges. Rules do not
look at what was already sent; the delivery policy removes repeats by episode.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from openmsk.coaching.candidates import CandidateNudge
from openmsk.coaching.kinds import Kind
from openmsk.coaching.localtime import local_date, require_utc
from openmsk.coaching.plan import latest_planned_day_before, plan_weekdays
from openmsk.coaching.snapshot import ActivitySnapshot


@dataclass(frozen=True)
class RuleConfig:
    """Tunable rule parameters (program choices, not clinical cut-offs unless cited)."""

    inactive_days: int = 3
    missed_session_lookback_days: int = 2
    # Farrar JT et al. Pain 2001;94(2):149-158: about 2 points (or 30%) on the 0-10 pain NRS is
    # a clinically important change. They measured improvement; using it for a rise is our
    # extrapolation, so it is a parameter. It only prompts a coaching check-in, never an alert.
    pain_spike_points: int = 2
    pain_baseline_days: int = 14
    pain_baseline_min_checkins: int = 1
    pain_checkin_fresh_hours: int = 48
    streak_milestones: tuple[int, ...] = (3, 7, 14, 30, 60, 90, 180, 365)
    goal_recent_days: int = 7
    unread_after_hours: int = 24
    reassessment_repeat_days: int = 3


def missed_session(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """A recent planned session day passed with no session, and none has been done since."""
    today = local_date(now, snap.timezone)
    weekdays = plan_weekdays(snap.sessions_per_week, snap.plan_weekdays)
    missed = latest_planned_day_before(today, weekdays, config.missed_session_lookback_days)
    if missed is None or missed < local_date(snap.enrolled_at, snap.timezone):
        return []
    horizon = now - timedelta(days=config.missed_session_lookback_days + 2)  # cheap pre-filter
    recent = (s for s in snap.completed_sessions if horizon <= s <= now)
    if any(local_date(s, snap.timezone) >= missed for s in recent):
        return []
    weekday = missed.strftime("%A")
    return [
        CandidateNudge(
            Kind.MISSED_SESSION,
            missed.isoformat(),
            f"No session was logged on your planned day ({weekday}).",
            "A planned session slipped by. A short session today keeps your plan on track.",
        )
    ]


def inactive(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """No activity for inactive_days or more; repeats every further inactive_days."""
    since = snap.last_activity_at or snap.enrolled_at
    idle_days = (now - since) // timedelta(days=1)
    if config.inactive_days <= 0 or idle_days < config.inactive_days:
        return []
    step = idle_days // config.inactive_days * config.inactive_days
    episode = f"{local_date(since, snap.timezone).isoformat()}+{step}d"
    return [
        CandidateNudge(
            Kind.INACTIVE,
            episode,
            f"No activity logged for {step} days.",
            "We miss you! Even five minutes of your exercises today counts.",
        )
    ]


def streak_milestone(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """The current on-plan streak reached a milestone (the highest one reached, once per run)."""
    reached = [m for m in config.streak_milestones if m <= snap.streak_days]
    if not reached or snap.streak_started_on is None:
        return []
    top = max(reached)
    return [
        CandidateNudge(
            Kind.STREAK_MILESTONE,
            f"{snap.streak_started_on.isoformat()}:{top}",
            f"You have stayed on plan for {top} days in a row.",
            f"{top} days on plan. That is how habits are built. Keep going!",
        )
    ]


def goal_achieved(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """A goal was achieved within the last goal_recent_days."""
    recent = now - timedelta(days=config.goal_recent_days)
    return [
        CandidateNudge(
            Kind.GOAL_ACHIEVED,
            goal.goal_id,
            "You reached one of your goals.",
            "Goal reached! Take a moment to notice the progress you have made.",
        )
        for goal in snap.goals_achieved
        if recent <= goal.achieved_at <= now
    ]


def engagement_rules(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """All engagement-rule candidates at an instant."""
    require_utc(now)
    return [
        *missed_session(snap, now, config),
        *inactive(snap, now, config),
        *streak_milestone(snap, now, config),
        *goal_achieved(snap, now, config),
    ]
