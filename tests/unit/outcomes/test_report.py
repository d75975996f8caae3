"""compute_report: required keys, top-level withholding, and agreement with a per-member reference."""

import statistics

import numpy as np
import pytest

from openmsk.outcomes.report import compute_report
from openmsk.outcomes.synthetic import generate_cohort

REQUIRED_KEYS = {"enrolled", "completers", "completers_pain_change_pct_mean", "completers_pain_change_pct_median",
                 "completers_pain_change_pct_ci95", "completers_responders_30pct", "completers_responders_50pct",
                 "itt_pain_change_pct_mean", "itt_responders_30pct", "observed_only_pain_change_pct_mean",
                 "phq9_elevated_change_mean", "gad7_elevated_change_mean", "subgroups", "definitions_version"}


def test_report_has_the_documented_keys(hand_cohort):
    report = compute_report(hand_cohort, min_cell_size=1, resamples=200)
    assert REQUIRED_KEYS <= report.keys()
    assert report["enrolled"] == 9 and report["completers"] == 7
    assert report["enrolled_baseline_zero_excluded"] == 1
    assert report["phq9_elevated_change_mean"] == pytest.approx(-3.5)


def test_statistics_on_fewer_than_11_members_are_withheld(hand_cohort):
    report = compute_report(hand_cohort, resamples=200)
    assert report["completers_pain_change_pct_mean"] is None
    assert "completers_pain_change_pct_mean" in report["suppressed_fields"]
    assert report["phq9_elevated"]["suppressed"] is True and report["phq9_elevated_change_mean"] is None
    assert all(entry["suppressed"] for entry in report["pain_by_week"])
    assert report["subgroups"]["region"][0]["members"]["suppressed"] is True


def test_report_from_a_csv_path_counts_excluded_rows(data_dir):
    report = compute_report(data_dir / "bad_rows.csv", min_cell_size=1, resamples=50)
    assert report["input"]["rows_excluded"] == 8 and report["input"]["problems_count"] == 7


def _reference(cohort):
    """Independent per-member loop over plain Python lists."""
    changes, itt_changes, responders = [], [], 0
    for row in cohort.measures["pain"].tolist():
        baseline = row[0]
        if baseline != baseline or baseline == 0:
            continue
        observed = [v for v in row if v == v]
        final_window = [v for v in row[9:13] if v == v]
        itt_changes.append((observed[-1] - baseline) / baseline * 100)
        if final_window:
            change = (final_window[-1] - baseline) / baseline * 100
            changes.append(change)
            responders += change <= -30
    return statistics.fmean(changes), statistics.median(changes), responders / len(changes), statistics.fmean(itt_changes)


def test_vectorized_report_agrees_with_a_per_member_reference_on_a_random_cohort():
    cohort = generate_cohort(600, seed=11)
    pain = cohort.measures["pain"]
    pain[np.random.default_rng(2).random(pain.shape) < 0.1] = np.nan  # extra random gaps
    mean, median, responders, itt_mean = _reference(cohort)
    report = compute_report(cohort, resamples=200)
    assert report["completers_pain_change_pct_mean"] == pytest.approx(mean, abs=1e-9)
    assert report["completers_pain_change_pct_median"] == pytest.approx(median, abs=1e-9)
    assert report["completers_responders_30pct"] == pytest.approx(responders, abs=1e-12)
    assert report["itt_pain_change_pct_mean"] == pytest.approx(itt_mean, abs=1e-9)
