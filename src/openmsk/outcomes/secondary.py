"""Secondary outcomes: PHQ-9/GAD-7 among elevated members, surgery intent, opioids, engagement."""

import numpy as np

from openmsk.outcomes.definitions import FINAL_WINDOW, N_WEEKS
from openmsk.outcomes.stats import finite_or_none, last_observed

Z_95 = 1.959963984540054  # two-sided 95% standard normal quantile


def score_change(values: np.ndarray, members: np.ndarray, window: tuple[int, int] = FINAL_WINDOW,
                 final: np.ndarray | None = None) -> dict:
    """Mean change in points (last score in weeks 9-12 minus week 0) among selected members."""
    baseline = values[:, 0]
    final = last_observed(values, window[0], window[1]) if final is None else final
    paired = members & ~np.isnan(baseline) & ~np.isnan(final)
    change = final[paired] - baseline[paired]
    n = int(paired.sum())
    return {
        "n_baseline": int((members & ~np.isnan(baseline)).sum()),
        "n_paired": n,
        "mean_baseline": finite_or_none(baseline[paired].mean()) if n else None,
        "mean_final": finite_or_none(final[paired].mean()) if n else None,
        "mean_change": finite_or_none(change.mean()) if n else None,
    }


def elevated_score_change(values: np.ndarray, enrolled: np.ndarray, cutoff: float) -> dict:
    """Change among enrolled members at or above the cut-off at baseline (PHQ-9/GAD-7 >= 10)."""
    elevated = enrolled & (values[:, 0] >= cutoff)
    final = last_observed(values, FINAL_WINDOW[0], FINAL_WINDOW[1])
    summary = score_change(values, elevated, final=final)
    paired = elevated & ~np.isnan(final)
    below = int((final[paired] < cutoff).sum())
    summary["cutoff"] = cutoff
    summary["n_below_cutoff_at_final"] = below
    summary["share_below_cutoff_at_final"] = below / summary["n_paired"] if summary["n_paired"] else None
    return summary


def opioid_use_shares(opioid: np.ndarray, enrolled: np.ndarray) -> dict:
    """Share of enrolled members using opioids at week 0 and at week 12, among those answering."""
    result = {}
    for label, week in (("baseline", 0), ("week12", N_WEEKS - 1)):
        answered = enrolled & ~np.isnan(opioid[:, week])
        users = int((opioid[answered, week] == 1).sum())
        n = int(answered.sum())
        result[f"{label}_n"] = n
        result[f"{label}_users"] = users
        result[f"{label}_share"] = users / n if n else None
    return result


def any_data_by_week(measures: dict[str, np.ndarray], n_members: int) -> np.ndarray:
    """(members, 13) booleans: any recorded value that week (an 'active week')."""
    active = np.zeros((n_members, N_WEEKS), dtype=bool)
    for values in measures.values():
        active |= ~np.isnan(values)
    return active


def engagement(measures: dict[str, np.ndarray], enrolled: np.ndarray) -> dict:
    """Sessions per active week (enrolled members) and retention by week."""
    active = any_data_by_week(measures, len(enrolled))[enrolled]
    n = int(enrolled.sum())
    active_weeks = active.sum(axis=1)
    result: dict = {"n_enrolled": n}
    if "sessions" in measures and n:
        sessions = np.nansum(measures["sessions"][enrolled], axis=1)
        per_week = sessions / np.maximum(active_weeks, 1)
        result["sessions_per_active_week_mean"] = finite_or_none(per_week.mean())
        result["sessions_per_active_week_median"] = finite_or_none(np.median(per_week))
    else:
        result["sessions_per_active_week_mean"] = result["sessions_per_active_week_median"] = None
    # Retained at week w = last active week >= w: count last weeks, then a reverse cumulative sum.
    positions = np.arange(1, N_WEEKS + 1, dtype=np.int8)
    last_active = (active * positions).max(axis=1).astype(np.int64) - 1
    per_last_week = np.bincount(last_active[last_active >= 0], minlength=N_WEEKS)
    counts = np.cumsum(per_last_week[::-1])[::-1]
    result["retention_by_week"] = [
        {"week": w, "n": int(counts[w]), "share": int(counts[w]) / n if n else None} for w in range(N_WEEKS)
    ]
    return result


def pain_trajectory(pain: np.ndarray, enrolled: np.ndarray) -> list[dict]:
    """Mean pain by week among enrolled members observed that week, with a normal 95% CI."""
    observed = ~np.isnan(pain) & enrolled[:, None]
    filled = np.where(observed, pain, 0.0)
    counts = observed.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = filled.sum(axis=0) / counts
        # Scores are bounded (0-10), so the one-pass variance formula loses no precision here.
        variance = (np.einsum("ij,ij->j", filled, filled) - counts * means**2) / (counts - 1)
        half = Z_95 * np.sqrt(np.maximum(variance, 0.0) / counts)
    half = np.where(counts >= 2, half, np.nan)
    return [{"week": w, "n": int(counts[w]), "mean": finite_or_none(means[w]),
             "ci95": [finite_or_none(means[w] - half[w]), finite_or_none(means[w] + half[w])]}
            for w in range(N_WEEKS)]
