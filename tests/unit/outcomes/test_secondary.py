"""PHQ-9/GAD-7 among elevated members, opioid shares, engagement and trajectory, by hand."""

import numpy as np
import pytest

from openmsk.outcomes.pain import enrolled_mask
from openmsk.outcomes.secondary import elevated_score_change, engagement, opioid_use_shares, pain_trajectory


def _nan_grid(n):
    return np.full((n, 13), np.nan)


def test_phq9_change_only_among_members_at_or_above_10(hand_cohort):
    enrolled = enrolled_mask(hand_cohort.measures["pain"])
    # M01 12 -> 6, M05 15 -> 14 (week 10), M03 20 unpaired; M02 (9) is below the cut-off.
    summary = elevated_score_change(hand_cohort.measures["phq9"], enrolled, 10)
    assert summary["n_baseline"] == 3 and summary["n_paired"] == 2
    assert summary["mean_change"] == pytest.approx(-3.5)
    assert summary["n_below_cutoff_at_final"] == 1


def test_gad7_cut_off_is_inclusive_at_10(hand_cohort):
    enrolled = enrolled_mask(hand_cohort.measures["pain"])
    # M01 10 -> 10, M08 11 -> 5
    summary = elevated_score_change(hand_cohort.measures["gad7"], enrolled, 10)
    assert summary["n_paired"] == 2 and summary["mean_change"] == pytest.approx(-3)


def test_opioid_shares_at_baseline_and_week_12(hand_cohort):
    enrolled = enrolled_mask(hand_cohort.measures["pain"])
    shares = opioid_use_shares(hand_cohort.measures["opioid_use"], enrolled)
    assert (shares["baseline_n"], shares["baseline_users"]) == (4, 2)
    assert (shares["week12_n"], shares["week12_users"]) == (2, 1)


def test_retention_is_any_data_at_or_after_each_week():
    pain = _nan_grid(3)
    pain[:, 0] = 5
    pain[0, 12] = 3  # stays to the end
    pain[1, 4] = 4  # last seen week 4 (weeks 1-3 had no data but count as retained)
    measures = {"pain": pain}
    retention = engagement(measures, enrolled_mask(pain))["retention_by_week"]
    assert [r["n"] for r in retention] == [3, 2, 2, 2, 2] + [1] * 8
    assert retention[4]["share"] == pytest.approx(2 / 3)


def test_sessions_per_active_week():
    pain, sessions = _nan_grid(2), _nan_grid(2)
    pain[:, 0] = 5
    sessions[0, [0, 1, 2]] = [3, 1, 2]  # 6 sessions over 3 active weeks
    pain[1, 5] = 4
    sessions[1, 0] = 2  # 2 sessions over 2 active weeks (week 0 and week 5)
    result = engagement({"pain": pain, "sessions": sessions}, enrolled_mask(pain))
    assert result["sessions_per_active_week_mean"] == pytest.approx((2 + 1) / 2)


def test_trajectory_mean_and_normal_ci_by_week():
    pain = _nan_grid(3)
    pain[:, 0] = [4, 6, 8]
    trajectory = pain_trajectory(pain, enrolled_mask(pain))
    assert trajectory[0]["mean"] == 6 and trajectory[0]["n"] == 3
    half = 1.959963984540054 * 2 / np.sqrt(3)
    assert trajectory[0]["ci95"] == pytest.approx([6 - half, 6 + half])
    assert trajectory[1]["n"] == 0 and trajectory[1]["mean"] is None
