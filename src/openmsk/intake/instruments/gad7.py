"""GAD-7 anxiety severity (7 items, 0-3 each, total 0-21).

Source: Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for assessing
generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097
(items, sum scoring, cut-offs 5/10/15 for mild/moderate/severe). Missing items: the
source defines no prorating, so any missing item is rejected.
Codes: LOINC 69737-5 (GAD-7 panel), 70274-6 (total score); item codes as published in LOINC.
Licence: public domain (Pfizer; no permission required), so item wording is shipped.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Band, Instrument, Item, Score, band_for
from openmsk.intake.instruments.phq9 import FREQUENCY_OPTIONS
from openmsk.intake.instruments.validation import integer_answers

_ITEMS = (
    ("1", "Feeling nervous, anxious, or on edge", "69725-0"),
    ("2", "Not being able to stop or control worrying", "68509-9"),
    ("3", "Worrying too much about different things", "69733-4"),
    ("4", "Trouble relaxing", "69734-2"),
    ("5", "Being so restless that it is hard to sit still", "69735-9"),
    ("6", "Becoming easily annoyed or irritable", "69689-8"),
    ("7", "Feeling afraid, as if something awful might happen", "69736-7"),
)

INSTRUMENT = Instrument(
    id="gad7",
    name="Generalized Anxiety Disorder-7 (GAD-7)",
    items=tuple(Item(i, text, "integer", 0, 3, FREQUENCY_OPTIONS, loinc) for i, text, loinc in _ITEMS),
    scoring="Sum of 7 items (0-21).",
    missing_rule="No missing items (the source defines no prorating).",
    source="Spitzer RL, Kroenke K, Williams JBW, Lowe B. Arch Intern Med 2006;166(10):1092-1097.",
    licence="Public domain (Pfizer); item wording shipped.",
    ships_item_wording=True,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    # Spitzer 2006: 5, 10 and 15 are the cut-offs for mild, moderate and severe anxiety.
    bands=(Band(4, "minimal"), Band(9, "mild"), Band(14, "moderate"), Band(21, "severe")),
)


def score(answers: object) -> Score:
    """Score a GAD-7: total and severity band."""
    values = integer_answers(INSTRUMENT, answers)
    total = sum(v for v in values if v is not None)
    return Score(INSTRUMENT.id, total, band_for(total, INSTRUMENT.bands))
