"""Shared scoring for KOOS JR and HOOS JR: a complete raw sum looked up in a published table."""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Instrument, Score
from openmsk.intake.instruments.validation import integer_answers

# KOOS/HOOS response scale: 0 None ... 4 Extreme.
SEVERITY_OPTIONS = (
    AnswerOption(0, "None"),
    AnswerOption(1, "Mild"),
    AnswerOption(2, "Moderate"),
    AnswerOption(3, "Severe"),
    AnswerOption(4, "Extreme"),
)


def score_with_table(instrument: Instrument, answers: object, table: tuple[float, ...]) -> Score:
    """Sum the items (no missing allowed) and convert the raw sum with the interval table."""
    values = integer_answers(instrument, answers)
    raw = sum(v for v in values if v is not None)
    return Score(instrument.id, table[raw], subscores={"raw_sum": raw})
