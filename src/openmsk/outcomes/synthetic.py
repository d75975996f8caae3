"""Deterministic SYNTHETIC cohorts for demos and benchmarks (no real person's data)."""

import csv
from pathlib import Path

import numpy as np

from openmsk.outcomes.cohort import Cohort
from openmsk.outcomes.definitions import N_WEEKS

REGIONS = np.array(["northeast", "midwest", "south", "west"], dtype=object)
SEXES = np.array(["female", "male"], dtype=object)
RISKS = np.array(["low", "medium", "high"], dtype=object)
CSV_COLUMNS = ("member_id", "week", "pain", "phq9", "gad7", "sessions", "surgery_intent",
               "opioid_use", "region", "sex", "age", "risk")


def _observed_until(rng, n: int) -> np.ndarray:
    """Last active week per member: most stay to week 12, a third drop out earlier."""
    dropout = rng.random(n) < 0.35
    return np.where(dropout, rng.integers(0, 9, n), N_WEEKS - 1)


def generate_cohort(n_members: int, seed: int = 0) -> Cohort:
    """A plausible synthetic 12-week cohort: baseline pain 3-9, mixed improvement, dropouts."""
    rng = np.random.default_rng(seed)
    weeks = np.arange(N_WEEKS)
    last_week = _observed_until(rng, n_members)
    in_program = weeks[None, :] <= last_week[:, None]
    baseline = rng.integers(3, 10, n_members).astype(float)
    # Improvement fraction: a quarter barely change or worsen, the rest improve 20-90%.
    improvement = np.where(rng.random(n_members) < 0.25, rng.uniform(-0.2, 0.15, n_members),
                           rng.uniform(0.2, 0.9, n_members))
    curve = 1.0 - improvement[:, None] * (1.0 - np.exp(-weeks[None, :] / 3.0))
    noise = rng.normal(0.0, 0.7, (n_members, N_WEEKS))
    pain = np.clip(np.rint(baseline[:, None] * curve + noise), 0, 10)
    pain[:, 0] = baseline
    skipped = rng.random(pain.shape) < 0.25
    skipped[:, 0] = False
    pain[~in_program | skipped] = np.nan
    pain[rng.random(n_members) < 0.02, 0] = np.nan  # a few members never give a baseline
    measures = {"pain": pain}
    for name, high, scale in (("phq9", 27, 0.45), ("gad7", 21, 0.4)):
        start = np.clip(rng.normal(7, 5, n_members), 0, high)
        values = np.clip(np.rint(start[:, None] * (1 - scale * (1 - np.exp(-weeks / 4.0)))
                                 + rng.normal(0, 1.5, (n_members, N_WEEKS))), 0, high)
        values[:, 0] = np.rint(start)
        values[:, ~np.isin(weeks, (0, 4, 8, 12))] = np.nan
        values[~in_program] = np.nan
        measures[name] = values
    sessions = rng.poisson(np.maximum(3.0 - weeks / 6.0, 0.5), (n_members, N_WEEKS)).astype(float)
    sessions[~in_program] = np.nan
    measures["sessions"] = sessions
    intent = np.full((n_members, N_WEEKS), np.nan)
    intent[:, 0] = rng.integers(0, 11, n_members)
    intent[:, 12] = np.clip(intent[:, 0] - rng.integers(0, 5, n_members), 0, 10)
    intent[~in_program] = np.nan
    measures["surgery_intent"] = intent
    opioid = np.full((n_members, N_WEEKS), np.nan)
    opioid[:, 0] = rng.random(n_members) < 0.18
    opioid[:, 12] = opioid[:, 0] * (rng.random(n_members) < 0.6)
    opioid[~in_program] = np.nan
    measures["opioid_use"] = opioid
    attributes = {
        "region": REGIONS[rng.integers(0, len(REGIONS), n_members)],
        "sex": SEXES[rng.integers(0, 2, n_members)],
        "age": rng.integers(22, 71, n_members).astype(float),
        "risk": RISKS[rng.integers(0, 3, n_members)],
    }
    ids = np.array([f"SYN-{i:07d}" for i in range(n_members)])
    return Cohort(member_ids=ids, measures=measures, attributes=attributes, synthetic=True)


def _cell(value) -> str:
    """CSV text for a value: '' for missing, integers without a decimal point."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cohort_rows(cohort: Cohort):
    """Yield flat CSV rows (one per member-week with any data) for a cohort."""
    for i, member in enumerate(cohort.member_ids):
        for week in range(N_WEEKS):
            values = {name: grid[i, week] for name, grid in cohort.measures.items()}
            if all(np.isnan(v) for v in values.values()):
                continue
            row = {"member_id": member, "week": week} | values
            row |= {name: column[i] for name, column in cohort.attributes.items()}
            yield {k: _cell(v) for k, v in row.items()}


def write_cohort_csv(cohort: Cohort, path: str | Path) -> int:
    """Write a cohort as a flat longitudinal CSV; returns the number of rows written."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in cohort_rows(cohort):
            writer.writerow(row)
            count += 1
    return count
