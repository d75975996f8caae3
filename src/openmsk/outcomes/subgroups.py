"""Subgroup tables (region, sex, age band, risk) with small-cell and complementary suppression."""

import numpy as np

from openmsk.outcomes.cohort import Cohort
from openmsk.outcomes.definitions import DEFAULT_AGE_BANDS, MIN_CELL_SIZE
from openmsk.outcomes.pain import completer_final_pain, enrolled_mask, percent_change, responder_flags
from openmsk.outcomes.stats import finite_or_none
from openmsk.outcomes.suppression import shown_cell, suppress_counts, suppressed_cell

UNKNOWN = "unknown"
COUNT_COLUMNS = ["members", "completers", "responders_30pct_count", "non_responders_30pct_count",
                 "responders_50pct_count", "non_responders_50pct_count"]
IMPLIES = {
    "members": ["completers"],
    "completers": COUNT_COLUMNS[2:],
    "responders_30pct_count": ["non_responders_30pct_count"],
    "non_responders_30pct_count": ["responders_30pct_count"],
    "responders_50pct_count": ["non_responders_50pct_count"],
    "non_responders_50pct_count": ["responders_50pct_count"],
}
# Each statistic is hidden whenever any count it depends on is hidden.
STATISTICS = {
    "pain_change_pct_mean": ["completers"],
    "pain_change_pct_median": ["completers"],
    "responders_30pct": ["completers", "responders_30pct_count"],
    "responders_50pct": ["completers", "responders_50pct_count"],
}
HIDDEN_COLUMNS = {"non_responders_30pct_count", "non_responders_50pct_count"}


def _band_label(low: int, high: int) -> str:
    """'<35', '35-44' or '65+' for a [low, high) band."""
    if high >= 120:
        return f"{low}+"
    return f"<{high}" if low == 0 else f"{low}-{high - 1}"


def age_band_labels(age: np.ndarray, bands=DEFAULT_AGE_BANDS) -> np.ndarray:
    """Label each age with its band ('35-44', '65+'); 'unknown' when missing or out of bands."""
    labels = np.full(len(age), UNKNOWN, dtype=object)
    for low, high in bands:
        labels[(age >= low) & (age < high)] = _band_label(low, high)
    return labels


def level_codes(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Sorted level names and each member's integer code; missing values become 'unknown'."""
    items = values.tolist()
    distinct = set(items)
    names = sorted({UNKNOWN if v is None else str(v) for v in distinct})
    position = {name: i for i, name in enumerate(names)}
    code_of = {v: position[UNKNOWN if v is None else str(v)] for v in distinct}
    return names, np.fromiter(map(code_of.__getitem__, items), dtype=np.int64, count=len(items))


def age_band_codes(age: np.ndarray, bands=DEFAULT_AGE_BANDS) -> tuple[list[str], np.ndarray]:
    """Sorted band names and each member's band code (as level_codes, without string work)."""
    names = sorted({_band_label(low, high) for low, high in bands} | {UNKNOWN})
    codes = np.full(len(age), names.index(UNKNOWN), dtype=np.int64)
    for low, high in bands:
        codes[(age >= low) & (age < high)] = names.index(_band_label(low, high))
    return names, codes


def group_codes(cohort: Cohort, age_bands=DEFAULT_AGE_BANDS) -> dict[str, tuple[list[str], np.ndarray]]:
    """(level names, member codes) for every subgroup dimension present in the cohort."""
    groups = {name: level_codes(cohort.attributes[name]) for name in ("region", "sex", "risk")
              if name in cohort.attributes}
    if "age" in cohort.attributes:
        groups["age_band"] = age_band_codes(cohort.attributes["age"], age_bands)
    return groups


def _raw_rows(codes, n_levels, enrolled, analysed, change, flags) -> list[dict]:
    """Unsuppressed counts and statistics for every level of one dimension."""
    members = np.bincount(codes[enrolled], minlength=n_levels)
    analysed_codes = codes[analysed]
    completers = np.bincount(analysed_codes, minlength=n_levels)
    sums = np.bincount(analysed_codes, weights=change[analysed], minlength=n_levels)
    responders = {name: np.bincount(analysed_codes, weights=flag[analysed], minlength=n_levels)
                  for name, flag in flags.items() if name != "2points"}
    analysed_change = change[analysed]
    rows = []
    for level in range(n_levels):
        n = int(completers[level])
        row = {"members": int(members[level]), "completers": n,
               "pain_change_pct_mean": finite_or_none(sums[level] / n) if n else None,
               "pain_change_pct_median": finite_or_none(np.median(analysed_change[analysed_codes == level])) if n else None}
        for name, counts in responders.items():
            count = int(counts[level])
            row[f"responders_{name}_count"] = count
            row[f"non_responders_{name}_count"] = n - count
            row[f"responders_{name}"] = count / n if n else None
        rows.append(row)
    return rows


def subgroup_tables(cohort: Cohort, *, min_cell: int = MIN_CELL_SIZE, age_bands=DEFAULT_AGE_BANDS) -> dict:
    """Completer pain outcomes by subgroup level; cells under min_cell and their complements suppressed."""
    pain = cohort.measure("pain")
    enrolled = enrolled_mask(pain)
    final = completer_final_pain(pain)
    change = percent_change(pain[:, 0], final)
    analysed = enrolled & ~np.isnan(change)  # completers with baseline > 0
    flags = responder_flags(pain[:, 0], final)
    tables = {}
    for dimension, (names, codes) in group_codes(cohort, age_bands).items():
        raw = _raw_rows(codes, len(names), enrolled, analysed, change, flags)
        present = [i for i, row in enumerate(raw) if row["members"] > 0]
        raw = [raw[i] for i in present]  # levels with no enrolled member are not shown
        levels = [names[i] for i in present]
        hidden = suppress_counts(raw, COUNT_COLUMNS, IMPLIES, min_cell=min_cell)
        rows = []
        for level, row, row_hidden in zip(levels, raw, hidden):
            out = {"level": level}
            for column in COUNT_COLUMNS:
                if column not in HIDDEN_COLUMNS:
                    out[column] = suppressed_cell() if column in row_hidden else shown_cell(row[column])
            for stat, needs in STATISTICS.items():
                out[stat] = suppressed_cell() if row_hidden & set(needs) else shown_cell(row[stat])
            rows.append(out)
        tables[dimension] = rows
    return tables
