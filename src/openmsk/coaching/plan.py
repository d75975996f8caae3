"""Which local weekdays a plan expects sessions on, and the member's on-plan streak."""

from collections.abc import Iterable
from datetime import date, timedelta

# Weekday numbers follow date.weekday(): Monday is 0. Sessions are spread to leave rest days
# between them; a program choice, overridable per member through plan_weekdays.
DEFAULT_PLAN_WEEKDAYS: dict[int, tuple[int, ...]] = {
    0: (),
    1: (2,),
    2: (1, 4),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def plan_weekdays(sessions_per_week: int, explicit: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """The planned weekdays: the explicit ones, else a default spread for sessions_per_week."""
    if explicit is not None:
        return tuple(sorted(set(explicit)))
    if not 0 <= sessions_per_week <= 7:
        raise ValueError("sessions_per_week must be between 0 and 7")
    return DEFAULT_PLAN_WEEKDAYS[sessions_per_week]


def latest_planned_day_before(today: date, weekdays: tuple[int, ...], lookback_days: int) -> date | None:
    """The most recent planned day strictly before today, within lookback_days; else None."""
    for back in range(1, lookback_days + 1):
        day = today - timedelta(days=back)
        if day.weekday() in weekdays:
            return day
    return None


def on_plan_streak(
    session_days: Iterable[date], weekdays: tuple[int, ...], today: date, enrolled_on: date
) -> tuple[int, date | None]:
    """Consecutive local days kept on plan ending today, and the run's first day ((0, None) if none)."""
    # A day is kept when it had a session or was not a planned day; today is kept while still in
    # progress. A run starts on the first session after the last missed planned day.
    sessions = set(session_days)
    run_start: date | None = None
    day = enrolled_on
    while day <= today:
        if day in sessions:
            if run_start is None:
                run_start = day
        elif day.weekday() in weekdays and day != today:
            run_start = None
        day += timedelta(days=1)
    if run_start is None:
        return 0, None
    return (today - run_start).days + 1, run_start
