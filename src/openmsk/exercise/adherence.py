"""Adherence to the exercise plan: sessions per program week, streaks and the habit point (pure).

The "habit point" (6 sessions in the first 2 program weeks) is program policy: digital MSK programs
report it as an early engagement signal, but no peer-reviewed cut-off exists, so it is a parameter.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from openmsk.program import program_week


@dataclass(frozen=True)
class AdherencePolicy:
    """Program policy parameters of the adherence summary."""

    habit_sessions: int = 6
    habit_weeks: int = 2


@dataclass(frozen=True)
class Adherence:
    """A member's adherence: counts per program week against the planned frequency."""

    sessions_by_week: dict[int, int]
    target_per_week: int
    current_week: int
    sessions_this_week: int
    weeks_met: int
    weeks_elapsed: int
    percent: float | None
    week_streak: int
    habit_sessions: int
    habit_status: str  # reached | on_track | at_risk | missed
    last_session_at: datetime | None


def sessions_per_week(program_start: date, completed: Iterable[datetime]) -> dict[int, int]:
    """Completed sessions counted by program week (week 0 = the first seven days)."""
    return dict(sorted(Counter(program_week(program_start, at) for at in completed).items()))


def summarize(program_start: date, completed: Iterable[datetime], *, target_per_week: int, now: datetime,
              policy: AdherencePolicy = AdherencePolicy()) -> Adherence:
    """Weekly counts, completed weeks meeting the target, the streak and the habit point."""
    times = sorted(completed)
    by_week = sessions_per_week(program_start, times)
    current = program_week(program_start, now)
    full_weeks = [w for w in range(0, max(current, 0))]
    met = sum(1 for w in full_weeks if by_week.get(w, 0) >= target_per_week)
    streak = 0
    # The running week counts towards the streak once it has met its target; otherwise start before it.
    week = current if by_week.get(current, 0) >= target_per_week else current - 1
    while week >= 0 and by_week.get(week, 0) >= target_per_week:
        streak += 1
        week -= 1
    habit = sum(n for w, n in by_week.items() if 0 <= w < policy.habit_weeks)
    if habit >= policy.habit_sessions:
        status = "reached"
    elif current >= policy.habit_weeks:
        status = "missed"
    else:
        # Still inside the habit window: on track while keeping pace with an even spread of sessions.
        elapsed = max((now.date() - program_start).days + 1, 0)
        pace = policy.habit_sessions * elapsed // (policy.habit_weeks * 7)
        status = "on_track" if habit >= pace else "at_risk"
    percent = round(100 * sum(min(by_week.get(w, 0), target_per_week) for w in full_weeks)
                    / (target_per_week * len(full_weeks)), 1) if full_weeks and target_per_week else None
    return Adherence(by_week, target_per_week, current, by_week.get(current, 0), met, len(full_weeks), percent,
                     streak, habit, status, times[-1] if times else None)
