"""The reassessment schedule: which instruments are due for a member this week (pure).

Program design from the OpenMSK intake specification (issue 3), not a clinical cut-off: pain (NRS)
weekly; PHQ-9, GAD-7 and the member's function instrument at program weeks 0, 4, 8 and 12. A
scheduled reassessment stays due until it is answered, the next scheduled week arrives, or
`window_weeks` pass (program policy; default 4). Organizations may set their own schedule.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

GROUPS = ("pain", "phq9", "gad7", "function")
DEFAULT_WEEKS: dict[str, tuple[int, ...]] = {"phq9": (0, 4, 8, 12), "gad7": (0, 4, 8, 12),
                                             "function": (0, 4, 8, 12)}
MAX_WEEK = 104


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Schedule:
    """Pain every `pain_every_weeks` weeks (0 = never); other groups at the listed program weeks."""

    pain_every_weeks: int = 1
    weeks: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEKS))
    window_weeks: int = 4

    def as_dict(self) -> dict:
        """The schedule as JSON-ready data."""
        return {"pain_every_weeks": self.pain_every_weeks, "window_weeks": self.window_weeks,
                "weeks": {k: list(v) for k, v in self.weeks.items()}}


def schedule_from_dict(data: Mapping) -> Schedule:
    """Validate a stored or submitted schedule; raises ScheduleError naming the bad field."""
    pain = data.get("pain_every_weeks", 1)
    window = data.get("window_weeks", 4)
    for name, value, low in (("pain_every_weeks", pain, 0), ("window_weeks", window, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 52:
            raise ScheduleError(f"{name}: expected a whole number of weeks from {low} to 52")
    weeks = dict(DEFAULT_WEEKS)
    for group, listed in (data.get("weeks") or {}).items():
        if group not in DEFAULT_WEEKS:
            raise ScheduleError(f"weeks.{group}: unknown group; use one of {', '.join(DEFAULT_WEEKS)}")
        if not isinstance(listed, (list, tuple)) or any(
                isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= MAX_WEEK for w in listed):
            raise ScheduleError(f"weeks.{group}: expected a list of program weeks from 0 to {MAX_WEEK}")
        weeks[group] = tuple(sorted(set(listed)))
    return Schedule(pain_every_weeks=pain, weeks=weeks, window_weeks=window)


@dataclass(frozen=True)
class Due:
    """One reassessment due: the instrument, the scheduled program week and the date it fell due."""

    instrument: str
    group: str
    week: int
    due_on: date


def due_reassessments(schedule: Schedule, *, program_start: date, today: date,
                      taken: Iterable[tuple[str, int]], function_instruments: tuple[str, ...]) -> list[Due]:
    """Reassessments due today, given the (instrument, program week) pairs already answered.

    >>> s = Schedule()
    >>> [d.instrument for d in due_reassessments(s, program_start=date(2026, 1, 1), today=date(2026, 1, 30),
    ...                                         taken=[("nrs", 4)], function_instruments=("odi",))]
    ['phq9', 'gad7', 'odi']
    """
    week = (today - program_start).days // 7
    if week < 0:
        return []
    answered: dict[str, set[int]] = {}
    for instrument, w in taken:
        answered.setdefault(instrument, set()).add(w)
    due: list[Due] = []
    every = schedule.pain_every_weeks
    if every and week % every == 0 and week not in answered.get("nrs", ()):
        due.append(Due("nrs", "pain", week, program_start + timedelta(weeks=week)))
    for group in ("phq9", "gad7", "function"):
        planned = [w for w in schedule.weeks.get(group, ()) if w <= week]
        if not planned:
            continue
        scheduled = planned[-1]
        later = [w for w in schedule.weeks.get(group, ()) if w > scheduled]
        until = min([scheduled + schedule.window_weeks, *later])
        if week >= until:
            continue
        for instrument in ((group,) if group != "function" else function_instruments):
            if not any(w >= scheduled for w in answered.get(instrument, ())):
                due.append(Due(instrument, group, scheduled, program_start + timedelta(weeks=scheduled)))
    return due
