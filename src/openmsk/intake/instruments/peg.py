"""PEG-3: pain intensity, interference with Enjoyment of life and with General activity.

Source: Krebs EE, Lorenz KA, Bair MJ, et al. Development and initial validation of the PEG,
a three-item scale assessing pain intensity and interference. J Gen Intern Med
2009;24(6):733-738 (three 0-10 items; score = mean of the three). The source gives no
severity cut-offs (none set) and no rule for missing items (any missing item is rejected).
LOINC: not recorded here (not verified against LOINC).
Licence: freely available (developed with US VA funding); only short neutral labels shipped.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Instrument, Item, Score
from openmsk.intake.instruments.validation import integer_answers

INSTRUMENT = Instrument(
    id="peg",
    name="PEG-3 pain intensity and interference",
    items=(
        Item("1", "Average pain in the past week (0-10)", "integer", 0, 10),
        Item("2", "Pain interference with enjoyment of life in the past week (0-10)", "integer", 0, 10),
        Item("3", "Pain interference with general activity in the past week (0-10)", "integer", 0, 10),
    ),
    scoring="Mean of the three items (0-10).",
    missing_rule="No missing items (the source defines no prorating).",
    source="Krebs EE et al. J Gen Intern Med 2009;24(6):733-738.",
    licence="Freely available; short neutral labels shipped, not the published wording.",
    ships_item_wording=False,
    bands_note="No bands: the source gives no cut-offs.",
)


def score(answers: object) -> Score:
    """Score a PEG-3 as the mean of its three items."""
    values = integer_answers(INSTRUMENT, answers)
    total = sum(v for v in values if v is not None) / len(values)
    return Score(INSTRUMENT.id, total)
