"""Business time: how much of a clinician's working week lies between two instants.

Pure functions over aware datetimes. A business day is a weekday (by default Monday to Friday)
that is not a holiday, between `day_start` and `day_end` in the clinician's own time zone; time
outside those hours does not count. The response target "one business day" is therefore the
length of one business day of working time: a message at 15:00 on a Friday is due at 15:00 on
Monday, one sent on a Saturday is due at the close of Monday.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openmsk.messaging.holidays import us_federal_holidays

# More than ten years of calendar days without a business day means the calendar has none.
_MAX_DAYS = 3700


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in one time zone, the weekend, and the holidays that do not count."""

    timezone: str = "America/New_York"
    day_start: time = time(9)
    day_end: time = time(17)
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)
    us_federal: bool = True

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # an unknown zone fails here, not in the middle of a computation
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        if len(self.weekend) >= 7:
            raise ValueError("a calendar needs at least one working weekday")

    @property
    def day_length(self) -> timedelta:
        """The working time in one business day."""
        return datetime.combine(date.min, self.day_end) - datetime.combine(date.min, self.day_start)

    def is_business_day(self, day: date) -> bool:
        """True for a working weekday that is not a holiday."""
        if day.weekday() in self.weekend or day in self.holidays:
            return False
        # New Year's Day on a Saturday is observed on 31 December of the year before.
        return not (self.us_federal and (day in us_federal_holidays(day.year)
                                         or day in us_federal_holidays(day.year + 1)))

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working hours of a local date as UTC instants."""
        zone = ZoneInfo(self.timezone)
        opens = datetime.combine(day, self.day_start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.day_end, tzinfo=zone).astimezone(UTC)
        return opens, closes


def _check(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: use an aware UTC datetime")
    return moment.astimezone(UTC)


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Working time from `start` to `end` (zero when `end` is not after `start`)."""
    start, end = _check(start), _check(end)
    total = timedelta()
    if end <= start:
        return total
    day = start.astimezone(ZoneInfo(calendar.timezone)).date()
    last = end.astimezone(ZoneInfo(calendar.timezone)).date()
    while day <= last:
        if calendar.is_business_day(day):
            opens, closes = calendar.window(day)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The UTC instant at which `duration` of working time has passed after `start`."""
    start = _check(start)
    if duration <= timedelta():
        return start
    remaining = duration
    day = start.astimezone(ZoneInfo(calendar.timezone)).date()
    for _ in range(_MAX_DAYS):
        if calendar.is_business_day(day):
            opens, closes = calendar.window(day)
            begin = max(opens, start)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("the calendar has no business days in reach")


def response_due_at(received_at: datetime, calendar: BusinessCalendar, target_business_days: float = 1.0) -> datetime:
    """When a reply to a message received at `received_at` is due under the response target."""
    return add_business_time(received_at, calendar.day_length * target_business_days, calendar)
