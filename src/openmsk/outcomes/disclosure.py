"""Extra small-cell withholding for reports that leave the clinic (program admins, employers)."""

from openmsk.outcomes.definitions import MIN_CELL_SIZE

TOP_COUNTS = ("enrolled", "enrolled_baseline_zero_excluded", "completers", "itt_members")
COUNT_SUFFIXES = ("_n_members", "_n_baseline_zero_excluded", "_n_analysed", "_count")
VIEWS = ("completers", "itt", "observed_only")
RESPONDERS = ("30pct", "50pct", "2points")
SECTIONS = {"phq9_elevated": ("n_baseline", "n_paired", "n_below_cutoff_at_final"),
            "gad7_elevated": ("n_baseline", "n_paired", "n_below_cutoff_at_final"),
            "surgery_intent": ("n_baseline", "n_paired"),
            "opioid_use": ("baseline_n", "baseline_users", "week12_n", "week12_users"),
            "engagement": ("n_enrolled",),
            "input": ("members_in_file", "rows_read", "rows_excluded")}


def small(n, min_cell: int) -> bool:
    """A count from 1 to min_cell - 1 (CMS: cells of 1-10 are never shown).

    >>> small(0, 11), small(10, 11), small(11, 11), small(None, 11)
    (False, True, False, False)
    """
    return isinstance(n, int) and 0 < n < min_cell


def _hide(report: dict, key: str) -> None:
    """Withhold one top-level field and list it as suppressed."""
    report[key] = None
    if key not in report["suppressed_fields"]:
        report["suppressed_fields"].append(key)


def withhold_small_counts(report: dict, min_cell: int = MIN_CELL_SIZE) -> dict:
    """Hide every count of 1 to min_cell - 1 and every share it could be recovered from (in place)."""
    if small(report["enrolled"] - (report["completers"] or 0), min_cell):
        _hide(report, "completers")  # else completers would give the non-completers by subtraction
    for view in VIEWS:
        n = report.get(f"{view}_n_analysed")
        for name in RESPONDERS:
            count = report.get(f"{view}_responders_{name}_count")
            if isinstance(n, int) and isinstance(count, int) and (small(count, min_cell) or small(n - count, min_cell)):
                _hide(report, f"{view}_responders_{name}")
                _hide(report, f"{view}_responders_{name}_count")
    for key, value in list(report.items()):
        if (key in TOP_COUNTS or key.endswith(COUNT_SUFFIXES)) and small(value, min_cell):
            _hide(report, key)
    for section, keys in SECTIONS.items():
        part = report[section]
        for key in keys:
            if small(part.get(key), min_cell):
                part[key] = None
                if key.startswith("n_below"):
                    part["share_below_cutoff_at_final"] = None
                if key.endswith("_users"):
                    part[key.replace("_users", "_share")] = None
        below = part.get("n_below_cutoff_at_final")
        if isinstance(below, int) and isinstance(part.get("n_paired"), int) and small(part["n_paired"] - below, min_cell):
            part["n_below_cutoff_at_final"] = part["share_below_cutoff_at_final"] = None
    opioids = report["opioid_use"]
    for label in ("baseline", "week12"):
        n, users = opioids.get(f"{label}_n"), opioids.get(f"{label}_users")
        if isinstance(n, int) and isinstance(users, int) and small(n - users, min_cell):
            opioids[f"{label}_users"] = opioids[f"{label}_share"] = None
    report["parameters"]["withheld_small_counts"] = True
    return report
