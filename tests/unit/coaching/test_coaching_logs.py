"""Pure log checks: device sessions and exports, habits and streaks, weekly MME from CDC 2022 factors."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from openmsk.coaching.checks import FieldProblem
from openmsk.coaching.devicelog import parse_export, relief_by_week, validate_session
from openmsk.coaching.habits import HABITS, meets, streak, week_summary
from openmsk.coaching.medweeks import MedPeriod, day_total, weekly_mme

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
GOOD = {"start": "2026-03-09T19:00:00-04:00", "duration_min": 30, "mode": "Conventional", "intensity": 20,
        "body_site": "lower back", "pain_before": 6, "pain_after": 2}


@pytest.mark.parametrize(("change", "field"), [
    ({"pain_before": 12}, "pain_before"), ({"pain_after": -1}, "pain_after"), ({"pain_after": 2.5}, "pain_after"),
    ({"duration_min": -10}, "duration_min"), ({"duration_min": 0}, "duration_min"),
    ({"intensity": 80.5}, "intensity"), ({"start": "2026-03-11T09:00:00Z"}, "start"),
    ({"start": "2026-03-09T19:00:00"}, "start"), ({"mode": "laser"}, "mode"), ({"body_site": "ear"}, "body_site"),
])
def test_an_impossible_session_value_names_its_field(change, field):
    with pytest.raises(FieldProblem) as problem:
        validate_session(GOOD | change, now=NOW)
    assert problem.value.field == field and str(change[field]) not in problem.value.message


def test_a_good_session_is_normalized_and_its_relief_computed():
    record = validate_session(GOOD, now=NOW)
    assert (record.mode, record.body_site, record.relief) == ("conventional", "lower_back", 4)
    assert record.started_at == datetime(2026, 3, 9, 23, tzinfo=UTC)
    assert validate_session(GOOD | {"intensity": 95}, now=NOW, intensity_max=100).intensity == 95


def test_an_export_keeps_good_rows_and_numbers_each_rejected_one():
    rows = [GOOD, GOOD | {"pain_before": 11}, "not an object", GOOD | {"extra": 1}, GOOD | {"start": "2026-03-08T19:00:00Z"}]
    good, rejected = parse_export(json.dumps({"device": {"intensity_max": 50}, "sessions": rows}), "json", now=NOW)
    assert len(good) == 2
    assert [(r.row, r.field) for r in rejected] == [(2, "pain_before"), (3, "row"), (4, "extra")]
    with pytest.raises(FieldProblem) as problem:
        parse_export("start,mode\n", "csv", now=NOW)
    assert problem.value.field == "file"


def test_streaks_count_back_from_today_or_yesterday():
    today = date(2026, 3, 10)
    days = [today - timedelta(days=i) for i in (1, 2, 3, 5)]
    assert streak(days, today) == 3
    assert streak(days + [today], today) == 4
    assert streak([today - timedelta(days=2)], today) == 0


def test_sugary_drinks_are_met_by_staying_under_the_target():
    drinks, walk = HABITS["sugary_drinks"], HABITS["walking_minutes"]
    assert meets(drinks, 0, 1) and not meets(drinks, 2, 1)
    assert meets(walk, 30, 20) and not meets(walk, 10, 20)
    today = date(2026, 3, 10)
    week = week_summary({today: 30, today - timedelta(days=1): 10, today - timedelta(days=9): 40}, walk, 20, 3, today)
    assert (week.days_met, week.days_logged, week.average, week.on_track) == (1, 2, 20.0, False)


# CDC 2022 (MMWR 71(RR-3), Table 1): daily MME = mg per dose x doses a day x factor.
CDC_CASES = [
    ("codeine 30 mg tablet", 2, 4, 30 * 2 * 4 * 0.15),
    ("hydrocodone 10 mg tablet", 1, 4, 10 * 4 * 1),
    ("hydromorphone 2 mg tablet", 1, 6, 2 * 6 * 5),
    ("methadone 10 mg tablet", 1, 2, 10 * 2 * 4.7),
    ("morphine 15 mg tablet", 1, 3, 15 * 3 * 1),
    ("oxycodone 5 mg tablet", 1, 4, 5 * 4 * 1.5),
    ("oxymorphone 10 mg tablet", 1, 2, 10 * 2 * 3),
    ("tapentadol 50 mg tablet", 1, 4, 50 * 4 * 0.4),
    ("tramadol 50 mg tablet", 1, 4, 50 * 4 * 0.2),
]


@pytest.mark.parametrize(("product", "dose", "per_day", "expected"), CDC_CASES)
def test_daily_mme_follows_the_cdc_2022_factors(product, dose, per_day, expected):
    period = MedPeriod(product, date(2026, 3, 1), dose_value=dose, dose_unit="tablet", doses_per_day=per_day)
    assert period.opioid and period.mme() == pytest.approx(expected)


def test_weekly_mme_tapers_is_unknown_without_a_dose_and_ignores_other_drugs():
    start = date(2026, 3, 2)
    oxy = dict(dose_value=1, dose_unit="tablet")
    periods = [MedPeriod("oxycodone 10 mg tablet", start - timedelta(days=20), start + timedelta(days=10), doses_per_day=4, **oxy),
               MedPeriod("oxycodone 10 mg tablet", start + timedelta(days=10), start + timedelta(days=21), doses_per_day=2, **oxy),
               MedPeriod("ibuprofen 400 mg tablet", start, None, 1, "tablet", 3),
               MedPeriod("tramadol", start + timedelta(days=28))]
    weeks = weekly_mme(periods, start, start + timedelta(days=30))
    assert weeks == {0: 60.0, 1: 60.0, 2: 30.0, 3: 0.0, 4: None}
    assert day_total(periods, start + timedelta(days=12)) == 30.0


def test_relief_over_time_is_averaged_per_iso_week():
    monday = datetime(2026, 3, 9, 19, tzinfo=UTC)
    sessions = [(monday, 4), (monday + timedelta(days=2), 1), (monday - timedelta(days=1), -2)]
    assert relief_by_week(sessions) == [("2026-W10", 1, -2.0), ("2026-W11", 2, 2.5)]
