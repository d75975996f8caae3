"""Load a flat longitudinal CSV (member_id, week, measures...) into a Cohort, reporting problems."""

import csv
import math
from pathlib import Path

import numpy as np

from openmsk.outcomes.cohort import MEASURES, TEXT_ATTRIBUTES, Cohort, CohortFileError, Problem
from openmsk.outcomes.definitions import N_WEEKS

REQUIRED_COLUMNS = ("member_id", "week")
# Instrument ranges: pain NRS 0-10, PHQ-9 0-27, GAD-7 0-21, surgery intent 0-10 (program scale).
RANGES = {
    "pain": (0.0, 10.0),
    "phq9": (0.0, 27.0),
    "gad7": (0.0, 21.0),
    "sessions": (0.0, math.inf),
    "surgery_intent": (0.0, 10.0),
    "opioid_use": (0.0, 1.0),
    "age": (0.0, 120.0),
}
INTEGER_COLUMNS = ("week", "opioid_use")


def _parse_number(text: str, column: str) -> tuple[float | None, str | None]:
    """Parse one numeric cell: (value or None if empty, problem message or None)."""
    if text == "":
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, "not a number"
    if not math.isfinite(value):
        return None, "not a finite number"
    if column in INTEGER_COLUMNS and value != int(value):
        return None, "not an integer"
    low, high = RANGES.get(column, (0.0, N_WEEKS - 1.0))
    if not low <= value <= high:
        return None, f"outside the allowed range {low:g}-{high:g}"
    return value, None


def _parse_row(row: dict, columns: list[str], source: str, line: int):
    """Validate one row: (parsed dict, problems)."""
    problems, parsed = [], {}
    member = (row.get("member_id") or "").strip()
    if not member:
        problems.append(Problem(source, line, "member_id", "missing member id"))
    parsed["member_id"] = member
    for column in columns:
        text = (row.get(column) or "").strip()
        if column in TEXT_ATTRIBUTES:
            parsed[column] = text or None
            continue
        value, message = _parse_number(text, column)
        if column == "week" and value is None and message is None:
            message = "missing week"
        if message:
            problems.append(Problem(source, line, column, message))
        parsed[column] = value
    return parsed, problems


def cohort_from_rows(rows, *, source: str = "<rows>", strict: bool = False, first_line: int = 2):
    """Validate dict rows (CSV semantics: strings, '' = missing) and build a Cohort."""
    rows = list(rows)
    columns = sorted({c for r in rows for c in r} - {"member_id"}) if rows else []
    known = [c for c in columns if c in MEASURES or c in TEXT_ATTRIBUTES or c in ("week", "age")]
    return _build(rows, known, source, strict, first_line, lines=None)


def load_cohort_csv(path: str | Path, *, strict: bool = False) -> Cohort:
    """Read a longitudinal CSV; exclude bad rows with problems listed, or reject the file."""
    path = Path(path)
    source = path.name
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            problems = [Problem(source, 1, c, "required column missing") for c in missing]
            raise CohortFileError("required columns missing", problems)
        reader.fieldnames = header
        rows, lines = [], []
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
    known = [c for c in header if c in MEASURES or c in TEXT_ATTRIBUTES or c in ("week", "age")]
    return _build(rows, known, source, strict, 2, lines)


def _build(rows, columns, source, strict, first_line, lines) -> Cohort:
    """Validate rows, drop bad and duplicated member-weeks, and assemble dense arrays."""
    if "week" not in columns:
        raise CohortFileError("required columns missing", [Problem(source, 1, "week", "required column missing")])
    problems: list[Problem] = []
    good: list[tuple[int, dict]] = []
    for i, row in enumerate(rows):
        line = lines[i] if lines else first_line + i
        parsed, row_problems = _parse_row(row, columns, source, line)
        problems.extend(row_problems)
        if not row_problems:
            good.append((line, parsed))
    seen: dict[tuple[str, int], int] = {}
    duplicated: set[tuple[str, int]] = set()
    for line, parsed in good:
        key = (parsed["member_id"], int(parsed["week"]))
        if key in seen:
            duplicated.add(key)
            problems.append(Problem(source, line, "week", f"duplicate member-week row (first at line {seen[key]})"))
        else:
            seen[key] = line
    # Which copy of a duplicate is right is unknowable, so every copy is excluded.
    kept = [p for _, p in good if (p["member_id"], int(p["week"])) not in duplicated]
    excluded = len(rows) - len(kept)
    if strict and problems:
        raise CohortFileError(f"{len(problems)} problem(s) found in strict mode", problems)
    if not kept:
        problems.append(Problem(source, 0, "*", "no valid rows remain"))
        raise CohortFileError("no valid rows remain", problems)
    cohort = _assemble(kept, columns)
    cohort.rows_read, cohort.rows_excluded, cohort.problems = len(rows), excluded, problems
    return cohort


def _assemble(kept: list[dict], columns: list[str]) -> Cohort:
    """Scatter validated rows into (members, 13) arrays; attributes from the earliest week."""
    ids = np.array([p["member_id"] for p in kept], dtype=object)
    weeks = np.array([int(p["week"]) for p in kept])
    member_ids, member_index = np.unique(ids.astype(str), return_inverse=True)
    n = len(member_ids)
    measures = {}
    for name in (c for c in columns if c in MEASURES):
        values = np.array([np.nan if p[name] is None else p[name] for p in kept], dtype=float)
        grid = np.full((n, N_WEEKS), np.nan)
        grid[member_index, weeks] = values
        measures[name] = grid
    attributes = {}
    order = np.lexsort((-weeks, member_index))  # later weeks first, so earliest assignment wins
    for name in (c for c in columns if c in TEXT_ATTRIBUTES or c == "age"):
        values = [kept[i][name] for i in order]
        column = np.full(n, np.nan) if name == "age" else np.full(n, None, dtype=object)
        for i, value in zip(order, values):
            if value is not None:
                column[member_index[i]] = value
        attributes[name] = column
    return Cohort(member_ids=member_ids, measures=measures, attributes=attributes)
