"""The reply target is counted in the clinician's working hours: weekends, nights and holidays do not count."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from openmsk.messaging.business_time import (
    BusinessCalendar, add_business_time, business_time_between, response_due_at,
)
from openmsk.messaging.holidays import us_federal_holidays

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
CAL = BusinessCalendar(timezone="America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(("received", "due"), [
    (ny(2026, 11, 20, 15, 0), ny(2026, 11, 23, 15, 0)),   # Friday afternoon -> Monday afternoon
    (ny(2026, 11, 21, 10, 0), ny(2026, 11, 23, 17, 0)),   # Saturday -> close of Monday
    (ny(2026, 11, 17, 7, 30), ny(2026, 11, 17, 17, 0)),   # before opening -> close of the same day
    (ny(2026, 11, 17, 20, 0), ny(2026, 11, 18, 17, 0)),   # after closing -> close of the next day
    (ny(2026, 11, 25, 15, 0), ny(2026, 11, 27, 15, 0)),   # Thanksgiving (Thu 26 Nov 2026) does not count
])
def test_one_business_day_target_skips_nights_weekends_and_holidays(received, due):
    assert response_due_at(received, CAL) == due.astimezone(UTC)


def test_the_same_instant_is_due_at_different_times_for_clinicians_in_different_zones():
    received = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)  # Friday 16:00 in New York, 13:00 in Los Angeles
    east = response_due_at(received, BusinessCalendar(timezone="America/New_York"))
    west = response_due_at(received, BusinessCalendar(timezone="America/Los_Angeles"))
    assert east == ny(2026, 11, 23, 16, 0).astimezone(UTC)
    assert west == datetime(2026, 11, 23, 13, 0, tzinfo=LA).astimezone(UTC)


def test_the_due_time_keeps_local_wall_clock_across_the_spring_clock_change():
    due = response_due_at(ny(2026, 3, 6, 15, 0), CAL)  # DST starts Sunday 8 March 2026
    assert due.astimezone(NY).time() == time(15, 0) and due.astimezone(NY).date() == date(2026, 3, 9)
    assert due.hour == 19  # 15:00 EDT is 19:00 UTC (it would be 20:00 under EST)


def test_configured_holidays_and_targets_move_the_due_time():
    received = ny(2026, 11, 23, 12, 0)  # Monday noon
    closed_tuesday = BusinessCalendar(timezone="America/New_York", holidays=frozenset({date(2026, 11, 24)}))
    assert response_due_at(received, closed_tuesday) == ny(2026, 11, 25, 12, 0).astimezone(UTC)
    assert response_due_at(received, CAL, target_business_days=0.5) == ny(2026, 11, 23, 16, 0).astimezone(UTC)
    no_federal = BusinessCalendar(timezone="America/New_York", us_federal=False)
    assert response_due_at(ny(2026, 11, 25, 15, 0), no_federal) == ny(2026, 11, 26, 15, 0).astimezone(UTC)


def test_working_hours_are_configurable():
    early = BusinessCalendar(timezone="America/New_York", day_start=time(7), day_end=time(19))
    assert early.day_length == timedelta(hours=12)
    assert response_due_at(ny(2026, 11, 17, 18, 0), early) == ny(2026, 11, 18, 18, 0).astimezone(UTC)


def test_a_weekend_contains_no_business_time():
    assert business_time_between(ny(2026, 11, 21, 0, 0), ny(2026, 11, 23, 9, 0), CAL) == timedelta()
    assert business_time_between(ny(2026, 11, 23, 9, 0), ny(2026, 11, 21, 0, 0), CAL) == timedelta()


def test_observed_federal_holidays_follow_the_weekend_rule():
    days = us_federal_holidays(2026)
    assert len(days) == 11
    assert date(2026, 7, 3) in days and date(2026, 7, 4) not in days  # 4 July 2026 is a Saturday
    assert date(2027, 12, 24) in us_federal_holidays(2027)           # Christmas 2027 is a Saturday
    assert not CAL.is_business_day(date(2027, 12, 31))                # New Year 2028 (Saturday), observed in 2027
    assert CAL.is_business_day(date(2026, 11, 25)) and not CAL.is_business_day(date(2026, 11, 26))


def test_naive_datetimes_and_impossible_calendars_are_refused():
    with pytest.raises(ValueError, match="naive"):
        response_due_at(datetime(2026, 11, 20, 15, 0), CAL)
    with pytest.raises(ValueError):
        BusinessCalendar(day_start=time(17), day_end=time(9))
    with pytest.raises(ValueError):
        BusinessCalendar(weekend=frozenset(range(7)))


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                        timezones=st.just(UTC))


@settings(max_examples=150, deadline=None)
@given(start=instants, minutes=st.integers(min_value=1, max_value=60 * 8 * 15),
       zone=st.sampled_from(["America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu"]))
def test_adding_business_time_and_measuring_it_back_agree(start, minutes, zone):
    calendar = BusinessCalendar(timezone=zone)
    duration = timedelta(minutes=minutes)
    end = add_business_time(start, duration, calendar)
    assert end > start
    assert business_time_between(start, end, calendar) == duration
    local = end.astimezone(ZoneInfo(zone))
    assert calendar.is_business_day(local.date()) and time(9) < local.time() <= time(17)


def test_the_messaging_settings_build_the_calendar_from_configured_holidays_and_hours():
    from pydantic import ValidationError

    from openmsk.messaging.config import MessagingConfig

    config = MessagingConfig(holidays="us_federal, 2026-12-24", business_day_start=time(8),
                             business_day_end=time(16), _env_file=None)
    calendar = config.calendar("America/Chicago")
    assert not calendar.is_business_day(date(2026, 12, 24)) and not calendar.is_business_day(date(2026, 12, 25))
    assert calendar.day_length == timedelta(hours=8) and calendar.timezone == "America/Chicago"
    assert MessagingConfig(holidays="none", _env_file=None).calendar("UTC").is_business_day(date(2026, 12, 25))
    with pytest.raises(ValidationError):
        MessagingConfig(holidays="2026-13-01", _env_file=None)
    with pytest.raises(ValidationError):
        MessagingConfig(response_target_business_days=0, _env_file=None)
