"""Pain outcomes on the hand-computed cohort (tests/data/outcomes/hand_cohort.csv).

By hand: enrolled M01-M05, M07-M10 (9; M06 has no week 0). Completers (pain in weeks 9-12):
M01 (8 -> 2, last of weeks 10 and 12), M02 (5 -> 5, week 12 has no pain), M04 (0 -> 0, baseline 0),
M05 (10 -> 5), M08 (5 -> 6), M09 (4 -> 3), M10 (10 -> 6). Percent changes (M04 excluded):
-75, 0, -50, +20, -25, -40.
"""

import numpy as np
import pytest

from openmsk.outcomes.pain import pain_outcomes, percent_change, summarize_change


@pytest.fixture
def outcomes(hand_cohort):
    return pain_outcomes(hand_cohort.measures["pain"], resamples=500)


def test_enrolled_counts_members_with_a_baseline_including_baseline_zero(outcomes):
    assert outcomes["enrolled"] == 9
    assert outcomes["enrolled_baseline_zero"] == 1


def test_completers_need_a_pain_score_in_weeks_9_to_12(outcomes):
    completers = outcomes["completers"]
    assert completers["n_members"] == 7
    assert completers["n_baseline_zero_excluded"] == 1
    assert completers["n_analysed"] == 6


def test_completer_mean_and_even_count_median_of_percent_change(outcomes):
    completers = outcomes["completers"]
    assert completers["pain_change_pct_mean"] == pytest.approx(-170 / 6)
    assert completers["pain_change_pct_median"] == pytest.approx((-40 + -25) / 2)


def test_percent_change_of_cohort_mean_pain_uses_the_same_members(outcomes):
    # baselines 8,5,10,5,4,10 (mean 7); finals 2,5,5,6,3,6 (mean 4.5)
    assert outcomes["completers"]["cohort_mean_pain_change_pct"] == pytest.approx((4.5 - 7) / 7 * 100)


def test_responder_shares_are_fractions_with_their_counts(outcomes):
    completers = outcomes["completers"]
    assert completers["responders_30pct_count"] == 3 and completers["responders_30pct"] == pytest.approx(0.5)
    assert completers["responders_50pct_count"] == 2 and completers["responders_50pct"] == pytest.approx(2 / 6)
    # M01 (-6), M05 (-5), M10 (-4) reach 2 points; M09 (-1) does not.
    assert completers["responders_2points_count"] == 3


def test_intention_to_treat_carries_the_last_observation_forward(outcomes):
    itt = outcomes["intention_to_treat"]
    # adds M03 (4 -> 2 at week 6: -50) and M07 (baseline only: 0%)
    assert itt["n_members"] == 9 and itt["n_analysed"] == 8
    assert itt["pain_change_pct_mean"] == pytest.approx(-220 / 8)
    assert itt["pain_change_pct_median"] == pytest.approx(-32.5)
    assert itt["responders_30pct_count"] == 4 and itt["responders_50pct_count"] == 3


def test_observed_only_uses_the_completers_observed_finals(outcomes):
    assert outcomes["observed_only"]["pain_change_pct_mean"] == outcomes["completers"]["pain_change_pct_mean"]


def test_ci_of_the_mean_brackets_the_mean(outcomes):
    low, high = outcomes["completers"]["pain_change_pct_ci95"]
    assert -75 <= low <= -170 / 6 <= high <= 20


def test_median_with_ties_at_the_centre():
    baseline = np.array([10.0, 10, 10, 10, 4])
    final = np.array([5.0, 5, 5, 9, 4])
    summary = summarize_change(baseline, final, resamples=200)
    assert summary["pain_change_pct_median"] == -50
    assert summary["pain_change_pct_median_ci95"][0] >= -50 and summary["responders_50pct_count"] == 3


def test_percent_change_is_undefined_for_baseline_zero():
    change = percent_change(np.array([0.0, 4.0]), np.array([3.0, 1.0]))
    assert np.isnan(change[0]) and change[1] == -75


def test_members_without_final_scores_are_not_completers():
    pain = np.full((2, 13), np.nan)
    pain[:, 0] = 6
    pain[0, 8] = 2  # week 8 is outside the final month
    outcomes = pain_outcomes(pain, resamples=100)
    assert outcomes["completers"]["n_members"] == 0
    assert outcomes["completers"]["pain_change_pct_mean"] is None
    assert outcomes["completers"]["pain_change_pct_ci95"] is None
    assert outcomes["intention_to_treat"]["pain_change_pct_mean"] == pytest.approx((-200 / 3 + 0) / 2)
