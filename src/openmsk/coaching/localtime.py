"""Local-time arithmetic for one member: calendar day, ISO week and quiet hours (DST-correct)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def require_utc(instant: datetime) -> None:
    """Refuse naive datetimes: every instant in this package is timezone-aware."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def to_local(instant: datetime, tz_name: str) -> datetime:
    """The wall-clock time of an instant in the member's zone."""
    require_utc(instant)
    return instant.astimezone(ZoneInfo(tz_name))


def local_date(instant: datetime, tz_name: str) -> date:
    """The member's local calendar date at an instant."""
    return to_local(instant, tz_name).date()


def iso_week(instant: datetime, tz_name: str) -> tuple[int, int]:
    """The (ISO year, ISO week) of the member's local date at an instant."""
    year, week, _ = local_date(instant, tz_name).isocalendar()
    return year, week


def local_to_utc(day: date, clock: time, tz_name: str) -> datetime:
    """The UTC instant of a local wall-clock time (DST-aware)."""
    # PEP 495 fold=0: a time inside a spring-forward gap resolves to just after the gap, and an
    # ambiguous fall-back time to its first occurrence.
    naive = datetime.combine(day, clock)
    return naive.replace(tzinfo=ZoneInfo(tz_name), fold=0).astimezone(UTC)


def start_of_local_day(day: date, tz_name: str) -> datetime:
    """The UTC instant of local midnight (00:00) starting a day."""
    return local_to_utc(day, time(0, 0), tz_name)


@dataclass(frozen=True)
class QuietHours:
    """A local wall-clock window with no nudges; start > end wraps past midnight."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, clock: time) -> bool:
        """True when a local wall-clock time is inside the window (start inclusive, end exclusive)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


def in_quiet_hours(instant: datetime, tz_name: str, quiet: QuietHours) -> bool:
    """True when an instant falls in the member's local quiet hours."""
    local = to_local(instant, tz_name)
    return quiet.contains(local.time().replace(tzinfo=None))


def end_of_quiet_hours(instant: datetime, tz_name: str, quiet: QuietHours) -> datetime:
    """The instant a nudge due now may go out: now, or the local end of the current quiet hours."""
    if not in_quiet_hours(instant, tz_name, quiet):
        return instant
    local = to_local(instant, tz_name)
    day = local.date()
    if local.time().replace(tzinfo=None) >= quiet.end:
        day += timedelta(days=1)
    return local_to_utc(day, quiet.end, tz_name)
