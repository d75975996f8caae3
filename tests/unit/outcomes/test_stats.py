"""Bootstrap and last-observation helpers."""

import numpy as np
import pytest

from openmsk.outcomes.stats import _order_statistic_median, bootstrap_ci, bootstrap_distribution, last_observed


def test_last_observed_within_a_window():
    values = np.full((3, 13), np.nan)
    values[0, [2, 9, 11]] = [1, 2, 3]
    values[1, 8] = 7
    result = last_observed(values, 9, 12)
    assert result[0] == 3 and np.isnan(result[1]) and np.isnan(result[2])
    assert last_observed(values)[1] == 7


def test_bootstrap_is_deterministic_for_a_seed():
    values = np.arange(30.0)
    assert bootstrap_ci(values, "mean", resamples=300, seed=1) == bootstrap_ci(values, "mean", resamples=300, seed=1)


def test_single_value_gives_a_degenerate_interval():
    assert bootstrap_ci(np.array([-40.0]), "median", resamples=50) == [-40.0, -40.0]


def test_count_based_median_matches_numpy_median():
    distinct = np.array([-50.0, 0.0, 20.0])
    counts = np.array([[2, 1, 1], [1, 2, 1], [0, 1, 3]])
    expected = [np.median(np.repeat(distinct, row)) for row in counts]
    assert list(_order_statistic_median(distinct, counts, 4)) == expected


def test_count_and_index_resampling_agree_in_distribution():
    rng = np.random.default_rng(3)
    discrete = rng.integers(-10, 10, 400).astype(float)
    continuous = discrete + rng.uniform(-1e-6, 1e-6, 400)  # forces index resampling (all distinct)
    counts_path = bootstrap_distribution(discrete, "mean", resamples=2000, seed=5)
    index_path = bootstrap_distribution(continuous, "mean", resamples=2000, seed=6)
    assert counts_path.mean() == pytest.approx(discrete.mean(), abs=0.05)
    assert counts_path.std() == pytest.approx(index_path.std(), rel=0.1)
    assert counts_path.std() == pytest.approx(discrete.std() / np.sqrt(400), rel=0.1)


def test_unknown_statistic_is_refused():
    with pytest.raises(ValueError):
        bootstrap_ci(np.array([1.0]), "mode")
