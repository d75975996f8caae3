"""De-identified export of a cohort as the flat longitudinal CSV (random keys, no names or dates)."""

import csv
import secrets
from pathlib import Path

from openmsk.outcomes.synthetic import CSV_COLUMNS

# HIPAA Privacy Rule, Safe Harbor (45 CFR 164.514(b)(2)(i)(C)): ages over 89 are aggregated
# into a single category of 90 or older.
AGE_TOP_CODE = 90


def export_age(text: str, band_years: int | None = None) -> str:
    """Age for export: top-coded at 90; with band_years, the lower bound of its band.

    >>> export_age("93"), export_age("47", 5), export_age("")
    ('90', '45', '')
    """
    if not text:
        return ""
    age = min(int(float(text)), AGE_TOP_CODE)
    if band_years:
        age -= age % band_years
    return str(age)


def deidentify(rows: list[dict], *, band_years: int | None = None) -> list[dict]:
    """Replace member ids with fresh random keys and coarsen age; rows sorted by key then week."""
    keys: dict[str, str] = {}
    out = []
    present = {c for row in rows for c in row}
    columns = [c for c in CSV_COLUMNS if c in present or c in ("member_id", "week")]
    for row in rows:
        member = row["member_id"]
        if member not in keys:
            keys[member] = f"M{secrets.token_hex(8)}"
        clean = {c: row.get(c, "") for c in columns}
        clean["member_id"] = keys[member]
        if "age" in clean:
            clean["age"] = export_age(clean["age"], band_years)
        out.append(clean)
    # Sorting by the random key drops any trace of enrollment order from the file.
    return sorted(out, key=lambda r: (r["member_id"], int(r["week"])))


def write_rows(rows: list[dict], path: str | Path) -> int:
    """Write de-identified rows as CSV; returns the row count."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        # Only the columns the cohort has: an empty column would load as an all-unknown subgroup.
        present = {c for row in rows for c in row}
        writer = csv.DictWriter(handle, fieldnames=[c for c in CSV_COLUMNS if c in present or c in ("member_id", "week")])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
