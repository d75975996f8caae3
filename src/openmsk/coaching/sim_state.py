"""The simulated member: scripted events applied in time order, and snapshots for the rules."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from openmsk.coaching.localtime import local_date, local_to_utc
from openmsk.coaching.plan import on_plan_streak, plan_weekdays
from openmsk.coaching.scenario import Scenario, ScenarioEvent
from openmsk.coaching.snapshot import (
    ActivitySnapshot,
    GoalAchievement,
    PainCheckin,
    SentNudgeRecord,
    UnreadMessage,
)


def scripted_events(scenario: Scenario, begin: datetime, end: datetime) -> list[ScenarioEvent]:
    """The scenario's events plus the routine sessions its behaviour section describes."""
    events = list(scenario.events)
    habit = scenario.behaviour
    day = local_date(begin, scenario.timezone)
    while habit.session_weekdays and local_to_utc(day, habit.session_time, scenario.timezone) < end:
        in_range = (habit.sessions_from is None or day >= habit.sessions_from) and (
            habit.sessions_until is None or day <= habit.sessions_until
        )
        if in_range and day.weekday() in habit.session_weekdays:
            at = local_to_utc(day, habit.session_time, scenario.timezone)
            events.append(ScenarioEvent(at, "session_completed"))
        day += timedelta(days=1)
    return events


class MemberState:
    """Mutable simulation state for one member (the engine itself stays pure)."""

    def __init__(self, scenario: Scenario, enrolled_at: datetime) -> None:
        self.scenario = scenario
        self.enrolled_at = enrolled_at
        self.preferences = scenario.preferences
        self.sessions: list[datetime] = []
        self.pain: list[PainCheckin] = []
        self.unread: dict[str, UnreadMessage] = {}
        self.reassessments: set[date] = set()
        self.goals: list[GoalAchievement] = []
        self.history: list[SentNudgeRecord] = []
        self._messages = 0
        self._streak_cache: tuple[tuple[date, int], tuple[int, date | None]] | None = None

    def apply(self, event: ScenarioEvent) -> None:
        """Apply one scripted event at its instant."""
        data, at, tz = event.data, event.at, self.scenario.timezone
        match event.type:
            case "session_completed":
                self.sessions.append(at)
            case "pain_checkin":
                self.pain.append(PainCheckin(at, data["pain"]))
            case "message_received":
                self._messages += 1
                message_id = str(data.get("id", f"msg-{self._messages}"))
                self.unread[message_id] = UnreadMessage(message_id, at)
            case "message_read":
                if "id" in data:
                    self.unread.pop(str(data["id"]), None)
                else:
                    self.unread.clear()
            case "opt_out" | "opt_in":
                self._set_opt_out(event)
            case "reassessment_due":
                self.reassessments.add(data.get("due") or local_date(at, tz))
            case "reassessment_completed":
                self.reassessments.clear()
            case "goal_achieved":
                self.goals.append(GoalAchievement(str(data.get("goal", f"goal-{len(self.goals) + 1}")), at))
            case "nudge_response":
                self._respond(at, data.get("kind"))

    def _set_opt_out(self, event: ScenarioEvent) -> None:
        prefs, data = self.preferences, event.data
        add = event.type == "opt_out"
        if "kind" in data:
            kinds = prefs.opted_out_kinds | {data["kind"]} if add else prefs.opted_out_kinds - {data["kind"]}
            self.preferences = replace(prefs, opted_out_kinds=kinds)
        else:
            chans = prefs.opted_out_channels | {data["channel"]} if add else prefs.opted_out_channels - {data["channel"]}
            self.preferences = replace(prefs, opted_out_channels=chans)

    def _respond(self, at: datetime, kind: str | None) -> None:
        for index in range(len(self.history) - 1, -1, -1):
            record = self.history[index]
            if record.is_handoff or record.sent_at > at or (kind and record.kind != kind):
                continue
            if record.responded_at is None or record.responded_at > at:
                self.history[index] = replace(record, responded_at=at)
            return

    def _streak(self, now: datetime) -> tuple[int, date | None]:
        # Recomputed only when the local day or the session count changes (hourly ticks).
        tz = self.scenario.timezone
        cache_key = (local_date(now, tz), len(self.sessions))
        if self._streak_cache is None or self._streak_cache[0] != cache_key:
            weekdays = plan_weekdays(self.scenario.sessions_per_week, self.scenario.plan_weekdays)
            days = [local_date(t, tz) for t in self.sessions]
            result = on_plan_streak(days, weekdays, cache_key[0], local_date(self.enrolled_at, tz))
            self._streak_cache = (cache_key, result)
        return self._streak_cache[1]

    def snapshot(self, now: datetime) -> ActivitySnapshot:
        """The member's activity snapshot at an instant."""
        tz = self.scenario.timezone
        activity = [t for t in self.sessions if t <= now] + [c.at for c in self.pain if c.at <= now]
        streak, started = self._streak(now)
        return ActivitySnapshot(
            member_id=self.scenario.member_id,
            timezone=tz,
            enrolled_at=self.enrolled_at,
            sessions_per_week=self.scenario.sessions_per_week,
            completed_sessions=tuple(self.sessions),
            last_activity_at=max(activity, default=None),
            reassessments_due=tuple(sorted(self.reassessments)),
            pain_checkins=tuple(self.pain),
            streak_days=streak,
            streak_started_on=started,
            goals_achieved=tuple(self.goals),
            unread_messages=tuple(self.unread.values()),
            nudge_history=tuple(self.history),
            plan_weekdays=self.scenario.plan_weekdays,
        )
