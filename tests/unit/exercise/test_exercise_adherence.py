"""Adherence: sessions per program week, weeks on target, streaks and the habit point."""

from datetime import UTC, date, datetime, timedelta

import pytest

from openmsk.exercise.adherence import sessions_per_week, summarize

START = date(2026, 11, 2)


def at(day: int) -> datetime:
    return datetime(2026, 11, 2, 18, tzinfo=UTC) + timedelta(days=day)


def test_sessions_are_counted_by_program_week():
    assert sessions_per_week(START, [at(0), at(6), at(7), at(20)]) == {0: 2, 1: 1, 2: 1}


def test_weeks_on_target_percent_and_streak():
    done = [at(d) for d in (0, 2, 4, 7, 9, 11, 15, 21, 23, 25)]
    result = summarize(START, done, target_per_week=3, now=at(27))
    assert result.sessions_by_week == {0: 3, 1: 3, 2: 1, 3: 3}
    assert (result.weeks_elapsed, result.weeks_met) == (3, 2)
    assert result.percent == round(100 * 7 / 9, 1)
    assert result.week_streak == 1  # week 3 met its target; week 2 broke the run


@pytest.mark.parametrize("days, now_day, status", [
    ([0, 1, 3, 5, 8, 10], 12, "reached"),
    ([0, 2, 4], 6, "on_track"),
    ([0], 6, "at_risk"),
    ([0, 2, 4, 9], 15, "missed"),
])
def test_habit_point_is_six_sessions_in_the_first_two_weeks(days, now_day, status):
    assert summarize(START, [at(d) for d in days], target_per_week=3, now=at(now_day)).habit_status == status


def test_no_sessions_means_no_percent_in_week_one():
    result = summarize(START, [], target_per_week=3, now=at(2))
    assert result.percent is None and result.week_streak == 0 and result.last_session_at is None
