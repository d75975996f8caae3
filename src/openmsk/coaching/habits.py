"""Habits a goal can track, whether a day's check-in meets the goal, streaks and weekly summaries."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Habit:
    """A habit: its unit, whether more is better, and the plausible range of one day's value."""

    key: str
    label: str
    unit: str
    more_is_better: bool
    max_per_day: float


# Daily plausibility bounds are input checks, not targets: a day has 1440 minutes and 24 hours;
# the other ceilings only catch typing slips. Targets are agreed with the coach per goal.
HABITS: dict[str, Habit] = {h.key: h for h in (
    Habit("exercise_sessions", "Exercise sessions", "sessions", True, 10),
    Habit("walking_minutes", "Walking", "minutes", True, 1440),
    Habit("sleep_hours", "Sleep", "hours", True, 24),
    Habit("sugary_drinks", "Sugar-sweetened drinks", "drinks", False, 50),
    Habit("fruit_veg", "Fruit and vegetables", "servings", True, 50),
    Habit("weight_checkin", "Weight check-in", "check-ins", True, 1),
)}


def meets(habit: Habit, value: float, target: float) -> bool:
    """True when a day's value reaches the target (at least, or at most for drinks)."""
    return value >= target if habit.more_is_better else value <= target


def streak(met_days: Iterable[date], today: date) -> int:
    """Consecutive days met, ending today (or yesterday while today is still open).

    >>> streak([date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)], date(2026, 3, 4))
    3
    """
    days = set(met_days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class WeekSummary:
    """One goal over the seven local days ending today."""

    days_met: int
    days_logged: int
    days_target: int
    average: float | None

    @property
    def on_track(self) -> bool:
        """True when the goal was met on at least as many days as agreed."""
        return self.days_met >= self.days_target


def week_summary(values: Mapping[date, float], habit: Habit, target: float, days_per_week: int,
                 today: date) -> WeekSummary:
    """Days met and logged, and the average value, over the last seven local days."""
    window = [today - timedelta(days=i) for i in range(7)]
    logged = [values[d] for d in window if d in values]
    met = sum(1 for v in logged if meets(habit, v, target))
    average = round(sum(logged) / len(logged), 1) if logged else None
    return WeekSummary(met, len(logged), days_per_week, average)
