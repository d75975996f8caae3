"""The reassessment schedule: pain weekly, mood and function at weeks 0, 4, 8 and 12 (pure)."""

from datetime import date, timedelta

import pytest

from openmsk.intake.schedule import Schedule, ScheduleError, due_reassessments, schedule_from_dict

START = date(2026, 1, 5)


def _due(week: int, taken=(), schedule=Schedule(), day: int = 0, function=("odi",)):
    today = START + timedelta(weeks=week, days=day)
    return [(d.instrument, d.week) for d in due_reassessments(
        schedule, program_start=START, today=today, taken=taken, function_instruments=function)]


@pytest.mark.parametrize(("week", "taken", "expected"), [
    (0, [], [("nrs", 0), ("phq9", 0), ("gad7", 0), ("odi", 0)]),
    (0, [("nrs", 0), ("phq9", 0), ("gad7", 0), ("odi", 0)], []),
    (1, [("nrs", 0), ("phq9", 0), ("gad7", 0), ("odi", 0)], [("nrs", 1)]),
    (4, [("nrs", 4), ("phq9", 0), ("gad7", 0), ("odi", 0)], [("phq9", 4), ("gad7", 4), ("odi", 4)]),
    (5, [("nrs", 5), ("phq9", 4)], [("gad7", 4), ("odi", 4)]),
    (7, [("nrs", 7)], [("phq9", 4), ("gad7", 4), ("odi", 4)]),
    (12, [("nrs", 12), ("phq9", 12), ("gad7", 13), ("odi", 12)], []),
    (16, [("nrs", 16)], []),  # the week-12 window (4 weeks) has passed
    (-1, [], []),
])
def test_due_reassessments_table(week, taken, expected):
    assert _due(week, taken) == expected


def test_an_organization_schedule_changes_the_weeks_and_pain_frequency():
    schedule = schedule_from_dict({"pain_every_weeks": 2, "weeks": {"phq9": [0, 6]}})
    baseline = [("nrs", 0), ("phq9", 0), ("gad7", 0), ("odi", 0)]
    assert _due(3, baseline, schedule) == []
    assert _due(4, baseline, schedule) == [("nrs", 4), ("gad7", 4), ("odi", 4)]
    assert _due(6, baseline, schedule) == [("nrs", 6), ("phq9", 6), ("gad7", 4), ("odi", 4)]
    assert schedule.weeks["gad7"] == (0, 4, 8, 12)


@pytest.mark.parametrize(("data", "field"), [
    ({"weeks": {"mood": [0]}}, "weeks.mood"),
    ({"weeks": {"phq9": [0, -1]}}, "weeks.phq9"),
    ({"pain_every_weeks": True}, "pain_every_weeks"),
    ({"window_weeks": 0}, "window_weeks"),
])
def test_a_bad_schedule_is_refused_naming_the_field(data, field):
    with pytest.raises(ScheduleError, match=field.replace(".", r"\.")):
        schedule_from_dict(data)


def test_a_schedule_round_trips_through_its_stored_form():
    schedule = schedule_from_dict({"weeks": {"function": [0, 6, 12]}, "window_weeks": 2})
    assert schedule_from_dict(schedule.as_dict()) == schedule
