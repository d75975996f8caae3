"""Vectorized summary statistics: last observations, percentile bootstrap, mean CIs."""

import numpy as np

from openmsk.outcomes.definitions import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, CI_LEVEL

# Above this many distinct values, resample indices instead of multinomial counts.
_MAX_DISTINCT_FOR_COUNTS = 4096
_CHUNK = 100


def last_observed(values: np.ndarray, first_week: int = 0, last_week: int | None = None) -> np.ndarray:
    """Per member, the last non-missing value in weeks first..last (inclusive); NaN if none."""
    last_week = values.shape[1] - 1 if last_week is None else last_week
    window = values[:, first_week : last_week + 1]
    # 1-based position of the last observed week (0 = none): max of observed x position.
    positions = np.arange(1, window.shape[1] + 1, dtype=np.int8)
    last = (~np.isnan(window) * positions).max(axis=1)
    column = (np.maximum(last, 1) - 1).astype(np.intp)
    picked = np.take_along_axis(window, column[:, None], axis=1)[:, 0]
    return np.where(last > 0, picked, np.nan)


def _order_statistic_median(sorted_values: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """Median of each resample given multinomial counts over sorted distinct values."""
    cumulative = np.cumsum(counts, axis=1)
    low_rank, high_rank = (n + 1) // 2, n // 2 + 1
    low = sorted_values[(cumulative < low_rank).sum(axis=1)]
    high = sorted_values[(cumulative < high_rank).sum(axis=1)]
    return (low + high) / 2.0


def bootstrap_distributions(values: np.ndarray, *, resamples: int = BOOTSTRAP_RESAMPLES,
                            seed: int = BOOTSTRAP_SEED) -> dict[str, np.ndarray]:
    """Bootstrap replicates of the mean and the median from the same resamples."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    rng = np.random.default_rng(seed)
    distinct, frequency = np.unique(values, return_counts=True)
    if len(distinct) <= _MAX_DISTINCT_FOR_COUNTS:
        # Resampling n values with replacement is exactly a multinomial draw of how many
        # times each distinct value appears; this makes 100,000-member cohorts cheap.
        counts = rng.multinomial(n, frequency / n, size=resamples)
        return {"mean": counts @ distinct / n, "median": _order_statistic_median(distinct, counts, n)}
    means, medians = [], []
    for start in range(0, resamples, _CHUNK):
        sample = values[rng.integers(0, n, size=(min(_CHUNK, resamples - start), n))]
        means.append(sample.mean(axis=1))
        medians.append(np.median(sample, axis=1))
    return {"mean": np.concatenate(means), "median": np.concatenate(medians)}


def bootstrap_distribution(values: np.ndarray, statistic: str, *, resamples: int = BOOTSTRAP_RESAMPLES,
                           seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """Bootstrap replicates of the mean or median of values (resampling with replacement)."""
    return bootstrap_distributions(values, resamples=resamples, seed=seed)[statistic]


def percentile_interval(replicates: np.ndarray, level: float = CI_LEVEL) -> list[float]:
    """The central percentile interval [low, high] of bootstrap replicates."""
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(replicates, [tail, 100.0 - tail])
    return [float(low), float(high)]


def bootstrap_ci(values: np.ndarray, statistic: str = "mean", *, resamples: int = BOOTSTRAP_RESAMPLES,
                 seed: int = BOOTSTRAP_SEED, level: float = CI_LEVEL) -> list[float] | None:
    """Percentile bootstrap confidence interval [low, high] of the mean or median; None if empty."""
    if statistic not in ("mean", "median"):
        raise ValueError("statistic must be 'mean' or 'median'")
    if len(values) == 0:
        return None
    return percentile_interval(bootstrap_distribution(values, statistic, resamples=resamples, seed=seed), level)


def bootstrap_mean_median_ci(values: np.ndarray, *, resamples: int = BOOTSTRAP_RESAMPLES,
                             seed: int = BOOTSTRAP_SEED, level: float = CI_LEVEL) -> dict[str, list[float] | None]:
    """Percentile bootstrap CIs of the mean and the median (same resamples as bootstrap_ci)."""
    if len(values) == 0:
        return {"mean": None, "median": None}
    replicates = bootstrap_distributions(values, resamples=resamples, seed=seed)
    return {name: percentile_interval(r, level) for name, r in replicates.items()}


def finite_or_none(value) -> float | None:
    """A float for JSON, or None for NaN/missing."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None
