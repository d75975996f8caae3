"""Local day, ISO week and quiet hours, including both 2026 US DST changes."""

from datetime import UTC, date, datetime, time

import pytest

from openmsk.coaching.localtime import (
    QuietHours,
    end_of_quiet_hours,
    in_quiet_hours,
    iso_week,
    local_date,
    local_to_utc,
)

NY = "America/New_York"
NIGHT = QuietHours(time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    ("quiet", "clock", "expected"),
    [
        (NIGHT, time(20, 59), False),
        (NIGHT, time(21, 0), True),
        (NIGHT, time(23, 59), True),
        (NIGHT, time(0, 0), True),
        (NIGHT, time(7, 59), True),
        (NIGHT, time(8, 0), False),
        (QuietHours(time(13, 0), time(15, 0)), time(14, 0), True),
        (QuietHours(time(13, 0), time(15, 0)), time(15, 0), False),
        (QuietHours(time(13, 0), time(15, 0)), time(12, 59), False),
        (QuietHours(time(0, 0), time(0, 0)), time(3, 0), False),
    ],
)
def test_quiet_hours_window_wraps_midnight_start_inclusive_end_exclusive(quiet, clock, expected):
    assert quiet.contains(clock) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 2026-03-08 02:00 EST jumps to 03:00 EDT: 08:00 EDT that morning is 12:00 UTC.
        (datetime(2026, 3, 8, 6, 0, tzinfo=UTC), datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # 22:00 EST on 2026-03-07 (03:00 UTC on the 8th) also waits for 08:00 EDT.
        (datetime(2026, 3, 8, 3, 0, tzinfo=UTC), datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # 2026-11-01 02:00 EDT falls back to 01:00 EST: 08:00 EST is 13:00 UTC.
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
        # Outside quiet hours nothing is deferred (10:00 EDT).
        (datetime(2026, 3, 9, 14, 0, tzinfo=UTC), datetime(2026, 3, 9, 14, 0, tzinfo=UTC)),
    ],
)
def test_nudge_due_in_quiet_hours_is_deferred_to_local_end_across_dst(now, expected):
    assert end_of_quiet_hours(now, NY, NIGHT) == expected
    assert not in_quiet_hours(expected, NY, NIGHT)


def test_quiet_hours_ending_inside_the_spring_gap_resolve_to_just_after_it():
    gap_end = QuietHours(time(21, 0), time(2, 30))
    # 01:30 EST (06:30 UTC); 02:30 does not exist that night, PEP 495 fold=0 reads it as EST.
    assert end_of_quiet_hours(datetime(2026, 3, 8, 6, 30, tzinfo=UTC), NY, gap_end) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )


def test_local_day_and_iso_week_follow_the_member_zone_not_utc():
    sunday_night = datetime(2026, 3, 16, 3, 0, tzinfo=UTC)  # Sunday 2026-03-15 23:00 EDT
    assert local_date(sunday_night, NY) == date(2026, 3, 15)
    assert iso_week(sunday_night, NY) == (2026, 11)
    assert iso_week(sunday_night, "UTC") == (2026, 12)


def test_local_to_utc_uses_the_offset_in_force_on_that_day():
    assert local_to_utc(date(2026, 3, 7), time(8), NY) == datetime(2026, 3, 7, 13, tzinfo=UTC)
    assert local_to_utc(date(2026, 3, 9), time(8), NY) == datetime(2026, 3, 9, 12, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 3, 1, 12), NY)
