"""Weekly data owned by other capabilities, read through their contract functions (absent: None)."""

import importlib
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session


def _contract(module: str, name: str) -> Callable | None:
    """The contract function, or None while that capability is not installed."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def sessions_by_week(session: Session, *, member_ids: list[str]) -> dict[str, dict[int, int]] | None:
    """Completed exercise sessions per member and program week; None when exercise is absent."""
    fn = _contract("openmsk.exercise.service", "sessions_by_week")
    return None if fn is None else fn(session, member_ids=member_ids)


def mme_by_week(session: Session, *, member_ids: list[str]) -> dict[str, dict[int, float | None]] | None:
    """Daily morphine milligram equivalents per member and week; None when coaching is absent."""
    fn = _contract("openmsk.coaching.service", "daily_mme_by_week")
    return None if fn is None else fn(session, member_ids=member_ids)


def _week(start: date, day: date) -> int:
    """Program week of a calendar day (as openmsk.program.program_week)."""
    return (day - start).days // 7


def device_sessions_by_week(session: Session, *, member_id: str, program_start: date) -> dict[int, int] | None:
    """TENS/device sessions per program week from coaching's device log; None when unavailable."""
    fn = _contract("openmsk.coaching.service", "device_sessions")
    if fn is None:
        return None
    weeks: dict[int, int] = {}
    for row in fn(session, member_id=member_id):
        week = _week(program_start, row.started_at.date())
        weeks[week] = weeks.get(week, 0) + 1
    return weeks


def weights_by_week(session: Session, *, member_id: str, program_start: date) -> list[tuple[int, float, float | None]]:
    """(week, weight kg, BMI) from coaching's weight log, oldest first; empty when unavailable."""
    fn = _contract("openmsk.coaching.service", "weights_with_bmi")
    if fn is None:
        return []
    return [(_week(program_start, row.measured_on), float(row.weight_kg), bmi)
            for row, bmi in fn(session, member_id=member_id)]
