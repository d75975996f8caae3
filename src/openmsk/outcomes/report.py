"""compute_report: every program outcome in one JSON-ready dict, aggregate only."""

from pathlib import Path

from openmsk.outcomes.cohort import Cohort
from openmsk.outcomes.definitions import (
    BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, DEFAULT_AGE_BANDS, DEFINITIONS, DEFINITIONS_VERSION,
    FINAL_WINDOW, GAD7_ELEVATED, MIN_CELL_SIZE, PHQ9_ELEVATED,
)
from openmsk.outcomes.loader import load_cohort_csv
from openmsk.outcomes.pain import enrolled_mask, pain_outcomes
from openmsk.outcomes.secondary import (
    elevated_score_change, engagement, opioid_use_shares, pain_trajectory, score_change,
)
from openmsk.outcomes.subgroups import subgroup_tables

MAX_PROBLEMS_LISTED = 200
_STATISTICS = ("pain_change_pct_mean", "pain_change_pct_median", "pain_change_pct_ci95",
               "pain_change_pct_median_ci95", "mean_pain_baseline", "mean_pain_final",
               "cohort_mean_pain_change_pct", "responders_30pct", "responders_50pct", "responders_2points")


def _flatten(prefix: str, summary: dict, min_cell: int, suppressed: list[str]) -> dict:
    """Prefix a pain summary's keys; withhold its statistics when computed on < min_cell members."""
    small = summary["n_analysed"] < min_cell
    out = {}
    for key, value in summary.items():
        name = f"{prefix}_{key}"
        if small and key in _STATISTICS:
            out[name] = None
            suppressed.append(name)
        else:
            out[name] = value
    return out


def _withhold_small(entries: list[dict], value_keys: tuple[str, ...], min_cell: int) -> list[dict]:
    """Mark per-week entries computed on fewer than min_cell members as suppressed."""
    for entry in entries:
        entry["suppressed"] = entry["n"] < min_cell
        if entry["suppressed"]:
            entry["n"] = None
            for key in value_keys:
                entry[key] = None
    return entries


def _secondary_small(summary: dict, n_key: str, min_cell: int) -> dict:
    """Withhold a secondary summary's means and shares when based on fewer than min_cell members."""
    summary["suppressed"] = summary[n_key] < min_cell
    if summary["suppressed"]:
        for key in summary:
            if key.startswith(("mean", "share", "n_below")):
                summary[key] = None
    return summary


def compute_report(data: Cohort | str | Path, *, min_cell_size: int = MIN_CELL_SIZE,
                   resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                   age_bands=DEFAULT_AGE_BANDS) -> dict:
    """All program outcomes for a cohort (or a CSV path) as a JSON-ready dict."""
    cohort = data if isinstance(data, Cohort) else load_cohort_csv(data)
    pain = cohort.measure("pain")
    enrolled = enrolled_mask(pain)
    outcomes = pain_outcomes(pain, resamples=resamples, seed=seed)
    suppressed: list[str] = []
    phq9 = elevated_score_change(cohort.measure("phq9"), enrolled, PHQ9_ELEVATED)
    gad7 = elevated_score_change(cohort.measure("gad7"), enrolled, GAD7_ELEVATED)
    surgery = score_change(cohort.measure("surgery_intent"), enrolled)
    phq9, gad7, surgery = (_secondary_small(s, "n_paired", min_cell_size) for s in (phq9, gad7, surgery))
    engaged = engagement(cohort.measures, enrolled)
    retention = _withhold_small(engaged["retention_by_week"], ("share",), min_cell_size)
    report = {
        "definitions_version": DEFINITIONS_VERSION,
        "synthetic": cohort.synthetic,
        "input": {
            "rows_read": cohort.rows_read,
            "rows_excluded": cohort.rows_excluded,
            "members_in_file": cohort.size,
            "problems_count": len(cohort.problems),
            "problems": [str(p) for p in cohort.problems[:MAX_PROBLEMS_LISTED]],
        },
        "enrolled": outcomes["enrolled"],
        "enrolled_baseline_zero_excluded": outcomes["enrolled_baseline_zero"],
        "completers": outcomes["completers"]["n_members"],
        "itt_members": outcomes["intention_to_treat"]["n_members"],
    }
    report |= _flatten("completers", outcomes["completers"], min_cell_size, suppressed)
    report |= _flatten("itt", outcomes["intention_to_treat"], min_cell_size, suppressed)
    report |= _flatten("observed_only", outcomes["observed_only"], min_cell_size, suppressed)
    report |= {
        "phq9_elevated_change_mean": phq9["mean_change"],
        "phq9_elevated": phq9,
        "gad7_elevated_change_mean": gad7["mean_change"],
        "gad7_elevated": gad7,
        "surgery_intent": surgery,
        "opioid_use": _opioids(cohort, enrolled, min_cell_size),
        "engagement": engaged | {"retention_by_week": retention},
        "pain_by_week": _withhold_small(pain_trajectory(pain, enrolled), ("mean", "ci95"), min_cell_size),
        "subgroups": subgroup_tables(cohort, min_cell=min_cell_size, age_bands=age_bands),
        "suppressed_fields": suppressed,
        "parameters": {"min_cell_size": min_cell_size, "bootstrap_resamples": resamples,
                       "bootstrap_seed": seed, "final_window_weeks": list(FINAL_WINDOW),
                       "age_bands": [list(b) for b in age_bands]},
        "definitions": DEFINITIONS,
    }
    if engaged["n_enrolled"] < min_cell_size:
        report["engagement"]["sessions_per_active_week_mean"] = None
        report["engagement"]["sessions_per_active_week_median"] = None
    return report


def _opioids(cohort: Cohort, enrolled, min_cell: int) -> dict:
    """Opioid shares, each withheld when its denominator is below min_cell."""
    shares = opioid_use_shares(cohort.measure("opioid_use"), enrolled)
    for label in ("baseline", "week12"):
        if shares[f"{label}_n"] < min_cell:
            shares[f"{label}_share"] = None
            shares[f"{label}_users"] = None
            shares[f"{label}_suppressed"] = True
        else:
            shares[f"{label}_suppressed"] = False
    return shares
