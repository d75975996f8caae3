"""Member trajectories, their SVG charts and the "not improving" rule, on hand-made data."""

from types import SimpleNamespace as A

from openmsk.outcomes.progress import build_series, last_per_week, pain_change_pct
from openmsk.outcomes.signals import NotImprovingParams, adherence, not_improving
from openmsk.outcomes.svgchart import chart_svg


def _a(instrument, week, total=None, subscores=None, answers=None):
    return A(instrument=instrument, program_week=week, total=total, subscores=subscores or {}, answers=answers or {})


def test_the_last_score_of_a_week_wins_and_weeks_before_the_program_are_dropped():
    assert last_per_week([(0, 8), (0, 7), (1, None), (-1, 9), (3, 5)]) == [(0, 7.0), (3, 5.0)]


def test_series_cover_pain_function_mood_bmi_weight_mme_and_sessions_only_where_data_exist():
    history = [_a("nrs", 0, 8), _a("nrs", 4, 6), _a("psfs", 0, 3.5), _a("phq9", 0, 12),
               _a("lifestyle", 0, subscores={"bmi": 27.4}, answers={"weight_kg": 80.5}),
               _a("lifestyle", 8, subscores={"bmi": None}, answers={"weight_kg": 78})]
    series = {s.key: s for s in build_series(history, sessions={0: 2, 1: 3}, mme={0: 30.0, 1: None, 2: 15.0},
                                             device={2: 4}, weights=[(8, 77.0, 26.1), (9, 76.5, None)])}
    assert set(series) == {"nrs", "psfs", "phq9", "bmi", "weight", "mme", "sessions", "device"}
    assert series["nrs"].points == [(0, 8.0), (4, 6.0)]
    assert series["weight"].points == [(0, 80.5), (8, 77.0), (9, 76.5)]  # the logged weight wins in week 8
    assert series["bmi"].points == [(0, 27.4), (8, 26.1)] and series["device"].points == [(2, 4.0)]
    assert series["mme"].points == [(0, 30.0), (2, 15.0)]
    assert series["sessions"].kind == "bar"
    assert build_series([]) == []


def test_pain_change_needs_a_week_zero_baseline_above_zero():
    assert pain_change_pct(build_series([_a("nrs", 0, 8), _a("nrs", 5, 6)])) == -25.0
    assert pain_change_pct(build_series([_a("nrs", 1, 8), _a("nrs", 5, 6)])) is None
    assert pain_change_pct(build_series([_a("nrs", 0, 0), _a("nrs", 5, 6)])) is None


def test_chart_is_an_accessible_svg_with_one_marker_per_week():
    (series,) = build_series([_a("nrs", 0, 8), _a("nrs", 2, 6), _a("nrs", 5, 4)])
    svg = chart_svg(series)
    assert svg.startswith("<svg") and svg.endswith("</svg>") and 'role="img"' in svg
    assert svg.count("<circle") == 3 and "week 5 4" in svg
    bars = chart_svg(build_series([], sessions={0: 1, 1: 3})[0])
    assert bars.count("<rect") == 2


PARAMS = NotImprovingParams(evaluation_week=6, min_improvement_pct=30.0, min_sessions_per_week=2.0)
ADHERENT = {w: 3 for w in range(6)}


def test_adherence_averages_weeks_before_the_evaluation_week_counting_missing_weeks_as_zero():
    assert adherence({0: 6, 7: 9}, PARAMS) == 1.0


def test_less_than_thirty_percent_by_week_six_with_good_adherence_fires():
    signal = not_improving({0: 8, 3: 7, 6: 6}, ADHERENT, current_week=6, params=PARAMS)
    assert signal is not None and signal.week == 6 and signal.improvement_pct == 25.0


def test_exactly_thirty_percent_counts_as_improving():
    assert not_improving({0: 10, 6: 7}, ADHERENT, current_week=7, params=PARAMS) is None


def test_no_signal_without_adherence_data_low_adherence_baseline_zero_or_before_week_six():
    assert not_improving({0: 8, 6: 8}, None, current_week=6, params=PARAMS) is None
    assert not_improving({0: 8, 6: 8}, {0: 1, 1: 1}, current_week=6, params=PARAMS) is None
    assert not_improving({0: 0, 6: 4}, ADHERENT, current_week=6, params=PARAMS) is None
    assert not_improving({0: 8, 5: 8}, ADHERENT, current_week=6, params=PARAMS) is None
    assert not_improving({0: 8, 6: 8}, ADHERENT, current_week=5, params=PARAMS) is None


def test_the_latest_score_up_to_week_twelve_is_judged():
    assert not_improving({0: 8, 6: 8, 9: 3}, ADHERENT, current_week=9, params=PARAMS) is None
    late = not_improving({0: 8, 6: 3, 8: 7, 13: 2}, ADHERENT, current_week=13, params=PARAMS)
    assert late.week == 8 and late.latest == 7
