"""Small-cell suppression with complementary suppression (CMS cell size suppression policy)."""

from openmsk.outcomes.definitions import MIN_CELL_SIZE


def suppressed_cell() -> dict:
    """A cell shown as suppressed: no number, only the flag."""
    return {"value": None, "suppressed": True}


def shown_cell(value) -> dict:
    """A cell shown with its value."""
    return {"value": value, "suppressed": False}


def suppress_counts(rows: list[dict[str, int]], count_columns: list[str], implies: dict[str, list[str]],
                    *, min_cell: int = MIN_CELL_SIZE) -> list[set[str]]:
    """Per row, the set of count columns to suppress: primary, implied, then complementary.

    Primary: a count below min_cell (CMS: cells 1-10 are never shown). Implied: suppressing one
    column of a row suppresses those it implies (e.g. non-responders imply responders, since
    one is the denominator minus the other). Complementary: within a column, whose total is
    shown elsewhere, a lone suppressed cell could be recovered by subtraction, so the next
    smallest shown cell is suppressed too. Repeated until nothing changes.
    """
    hidden: list[set[str]] = [set() for _ in rows]
    for row, row_hidden in zip(rows, hidden):
        for column in count_columns:
            if row[column] < min_cell:
                _hide(row_hidden, column, implies)
    changed = True
    while changed:
        changed = False
        for column in count_columns:
            suppressed = [i for i, h in enumerate(hidden) if column in h]
            shown = [i for i, h in enumerate(hidden) if column not in h]
            if len(suppressed) == 1 and shown:
                smallest = min(shown, key=lambda i: (rows[i][column], i))
                _hide(hidden[smallest], column, implies)
                changed = True
    return hidden


def _hide(row_hidden: set[str], column: str, implies: dict[str, list[str]]) -> None:
    """Hide a column and, transitively, every column it implies in the same row."""
    pending = [column]
    while pending:
        current = pending.pop()
        if current not in row_hidden:
            row_hidden.add(current)
            pending.extend(implies.get(current, []))
