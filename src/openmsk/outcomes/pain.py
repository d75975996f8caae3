"""Pain outcomes: enrolled, completers, percent change, responders, ITT (LOCF), observed-only."""

import numpy as np

from openmsk.outcomes.definitions import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    FINAL_WINDOW,
    RESPONDER_MODERATE_PCT,
    RESPONDER_POINTS,
    RESPONDER_SUBSTANTIAL_PCT,
)
from openmsk.outcomes.stats import bootstrap_mean_median_ci, finite_or_none, last_observed


def enrolled_mask(pain: np.ndarray) -> np.ndarray:
    """Enrolled = a pain score recorded at week 0 (baseline)."""
    return ~np.isnan(pain[:, 0])


def completer_final_pain(pain: np.ndarray, window: tuple[int, int] = FINAL_WINDOW) -> np.ndarray:
    """Final pain = the last pain score in the final window (weeks 9-12); NaN if none."""
    return last_observed(pain, window[0], window[1])


def completers_mask(pain: np.ndarray, window: tuple[int, int] = FINAL_WINDOW) -> np.ndarray:
    """Completers = enrolled members with at least one pain score in weeks 9-12."""
    return enrolled_mask(pain) & ~np.isnan(completer_final_pain(pain, window))


def itt_final_pain(pain: np.ndarray) -> np.ndarray:
    """Intention-to-treat final pain: last observation carried forward from any week."""
    return last_observed(pain)


def percent_change(baseline: np.ndarray, final: np.ndarray) -> np.ndarray:
    """(final - baseline) / baseline x 100 per member; NaN where baseline is 0 or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (final - baseline) / baseline * 100.0
    return np.where(baseline > 0, change, np.nan)


def responder_flags(baseline: np.ndarray, final: np.ndarray) -> dict[str, np.ndarray]:
    """Responder booleans: >=30% and >=50% reduction (Dworkin 2008), >=2 points (Farrar 2001)."""
    change = percent_change(baseline, final)
    return {
        "30pct": change <= -RESPONDER_MODERATE_PCT,
        "50pct": change <= -RESPONDER_SUBSTANTIAL_PCT,
        "2points": (baseline - final) >= RESPONDER_POINTS,
    }


def summarize_change(baseline: np.ndarray, final: np.ndarray, *, resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = BOOTSTRAP_SEED) -> dict:
    """Summary of pain change for members with both scores: counts, mean/median % change, CIs, responders."""
    present = ~np.isnan(baseline) & ~np.isnan(final)
    baseline, final = baseline[present], final[present]
    analysed = baseline > 0
    change = percent_change(baseline, final)[analysed]
    b, f = baseline[analysed], final[analysed]
    n = int(analysed.sum())
    flags = responder_flags(b, f)
    intervals = bootstrap_mean_median_ci(change, resamples=resamples, seed=seed)
    summary = {
        "n_members": int(present.sum()),
        "n_baseline_zero_excluded": int((~analysed).sum()),
        "n_analysed": n,
        "pain_change_pct_mean": finite_or_none(change.mean()) if n else None,
        "pain_change_pct_median": finite_or_none(np.median(change)) if n else None,
        "pain_change_pct_ci95": intervals["mean"],
        "pain_change_pct_median_ci95": intervals["median"],
        "mean_pain_baseline": finite_or_none(b.mean()) if n else None,
        "mean_pain_final": finite_or_none(f.mean()) if n else None,
        "cohort_mean_pain_change_pct": finite_or_none((f.mean() - b.mean()) / b.mean() * 100) if n else None,
    }
    for name, flag in flags.items():
        count = int(flag.sum())
        summary[f"responders_{name}_count"] = count
        summary[f"responders_{name}"] = count / n if n else None
    return summary


def pain_outcomes(pain: np.ndarray, *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> dict:
    """Completer, intention-to-treat and observed-only pain analyses of a (members, 13) array."""
    enrolled = enrolled_mask(pain)
    baseline = np.where(enrolled, pain[:, 0], np.nan)
    completer_final = np.where(enrolled, completer_final_pain(pain), np.nan)
    itt_final = np.where(enrolled, itt_final_pain(pain), np.nan)
    completers = summarize_change(baseline, completer_final, resamples=resamples, seed=seed)
    itt = summarize_change(baseline, itt_final, resamples=resamples, seed=seed)
    return {
        "enrolled": int(enrolled.sum()),
        "enrolled_baseline_zero": int((baseline == 0).sum()),
        "completers": completers,
        "intention_to_treat": itt,
        # By definition the observed-only view uses the completers' observed finals.
        "observed_only": completers,
    }
