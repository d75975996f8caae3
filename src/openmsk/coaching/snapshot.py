"""Plain value types the rules and the policy read: a member's activity at an instant."""

from dataclasses import dataclass, field
from datetime import date, datetime

from openmsk.coaching.kinds import COACH_HANDOFF


@dataclass(frozen=True)
class PainCheckin:
    """A member-reported pain score on the 0-10 numeric rating scale."""

    at: datetime
    score: int


@dataclass(frozen=True)
class UnreadMessage:
    """A care-team message the member has not opened yet."""

    message_id: str
    received_at: datetime


@dataclass(frozen=True)
class GoalAchievement:
    """A member goal marked as achieved."""

    goal_id: str
    achieved_at: datetime


@dataclass(frozen=True)
class SentNudgeRecord:
    """A nudge (or coach hand-off) already sent, and whether the member responded."""

    kind: str
    episode: str
    sent_at: datetime
    channel: str
    responded_at: datetime | None = None

    @property
    def is_handoff(self) -> bool:
        """True for a coach hand-off task rather than a member-facing nudge."""
        return self.kind == COACH_HANDOFF


@dataclass(frozen=True)
class ActivitySnapshot:
    """Everything the nudge rules may look at for one member (all datetimes UTC-aware)."""

    member_id: str
    timezone: str
    enrolled_at: datetime
    sessions_per_week: int
    completed_sessions: tuple[datetime, ...] = ()
    last_activity_at: datetime | None = None
    reassessments_due: tuple[date, ...] = ()
    pain_checkins: tuple[PainCheckin, ...] = ()
    streak_days: int = 0
    streak_started_on: date | None = None
    goals_achieved: tuple[GoalAchievement, ...] = ()
    unread_messages: tuple[UnreadMessage, ...] = ()
    nudge_history: tuple[SentNudgeRecord, ...] = ()
    plan_weekdays: tuple[int, ...] | None = field(default=None)
