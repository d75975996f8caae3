"""Synthetic cohort generator and the explicit-assumption cost estimate."""

import json

import numpy as np
import pytest

from openmsk.outcomes.costs import estimate_costs, load_cost_assumptions
from openmsk.outcomes.loader import load_cohort_csv
from openmsk.outcomes.synthetic import generate_cohort, write_cohort_csv


def test_same_seed_same_cohort_and_labelled_synthetic():
    first, second = generate_cohort(200, seed=4), generate_cohort(200, seed=4)
    assert first.synthetic
    np.testing.assert_array_equal(first.measures["pain"], second.measures["pain"])


def test_synthetic_values_are_in_range_with_baselines_3_to_9_and_dropouts():
    cohort = generate_cohort(2000, seed=1)
    pain = cohort.measures["pain"]
    baseline = pain[:, 0][~np.isnan(pain[:, 0])]
    assert baseline.min() >= 3 and baseline.max() <= 9
    assert np.nanmin(pain) >= 0 and np.nanmax(pain) <= 10
    assert 0.1 < np.isnan(pain[:, 12]).mean() < 0.9


def test_synthetic_csv_round_trips_through_the_loader(tmp_path):
    cohort = generate_cohort(50, seed=2)
    write_cohort_csv(cohort, tmp_path / "syn.csv")
    loaded = load_cohort_csv(tmp_path / "syn.csv", strict=True)
    np.testing.assert_array_equal(loaded.measures["pain"], cohort.measures["pain"])


def test_cost_estimate_is_arithmetic_on_stated_assumptions(tmp_path):
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"currency": "USD", "surgery_unit_cost": 30000, "imaging_unit_cost": 1000,
                                "avoided_surgeries_per_1000_enrolled": 2, "avoided_imaging_per_1000_enrolled": 10}))
    estimate = estimate_costs({"enrolled": 500}, load_cost_assumptions(path))
    assert estimate["estimated_avoided_cost"] == pytest.approx(0.5 * 2 * 30000 + 0.5 * 10 * 1000)
    assert "ESTIMATE" in estimate["label"]


def test_cost_assumptions_missing_fields_are_named(tmp_path):
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"currency": "USD"}))
    with pytest.raises(ValueError, match="surgery_unit_cost"):
        load_cost_assumptions(path)
