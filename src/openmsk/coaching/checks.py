"""Plausibility checks for log entries: each failure names the field, never the value given."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Clock skew allowed between a member's device and the server before a time counts as future.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class FieldProblem(Exception):
    """One field with an impossible value."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def pain_score(field: str, value: object) -> int:
    """An integer on the 0-10 numeric rating scale (NRS; Farrar JT et al., Pain 2001;94:149-158)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise FieldProblem(field, "must be a whole number from 0 to 10")
    if not 0 <= value <= 10:
        raise FieldProblem(field, "must be between 0 and 10")
    return int(value)


def number(field: str, value: object, low: float, high: float | None = None, *, whole: bool = False) -> float:
    """A number within [low, high]; negative minutes and the like are refused by the caller's bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldProblem(field, "must be a number")
    if whole and value != int(value):
        raise FieldProblem(field, "must be a whole number")
    if value < low:
        raise FieldProblem(field, f"must be at least {low:g}")
    if high is not None and value > high:
        raise FieldProblem(field, f"must be at most {high:g}")
    return float(value)


def not_future_instant(field: str, value: datetime, now: datetime) -> datetime:
    """An aware instant no later than now (plus a small clock-skew tolerance)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldProblem(field, "must include a time zone offset")
    if value > now + FUTURE_TOLERANCE:
        raise FieldProblem(field, "cannot be in the future")
    return value


def not_future_day(field: str, value: date, today: date) -> date:
    """A calendar date no later than the member's local today."""
    if value > today:
        raise FieldProblem(field, "cannot be in the future")
    return value
