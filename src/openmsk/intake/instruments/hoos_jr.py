"""HOOS JR (hip): 6 items scored 0-4, raw sum 0-24 converted to an interval score 0-100.

Source: Lyman S, Lee YY, Franklin PD, Li W, Mayman DJ, Padgett DE. Validation of the
HOOS, JR: a short-form hip replacement survey. Clin Orthop Relat Res 2016;474(6):1472-1482.
Conversion table: "HOOS, JR. Scoring Instructions", Hospital for Special Surgery (raw 0-24
-> interval score, 100 = perfect hip health, 0 = total hip disability), reproduced below.
Missing: the table converts complete raw sums only and no imputation is given, so any
missing item is rejected. Bands: none published (none set).
LOINC: not recorded here (not verified).
Licence: copyright Hospital for Special Surgery / HOOS authors; free to use, but the item
wording is NOT shipped: only short neutral labels and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Instrument, Item, Score
from openmsk.intake.instruments.joint_jr import SEVERITY_OPTIONS, score_with_table

# HSS HOOS, JR. scoring instructions: index = raw sum 0..24.
INTERVAL_SCORE = (
    100.000, 92.340, 85.257, 80.550, 76.776, 73.472, 70.426, 67.516, 64.664, 61.815,
    58.930, 55.985, 52.965, 49.858, 46.652, 43.335, 39.902, 36.363, 32.735, 29.009,
    25.103, 20.805, 15.633, 8.104, 0.000,
)

_LABELS = (
    "Pain: going up or down stairs",
    "Pain: walking on an uneven surface",
    "Function: rising from sitting",
    "Function: bending to the floor to pick up an object",
    "Function: lying in bed (turning over, keeping hip position)",
    "Function: sitting",
)

INSTRUMENT = Instrument(
    id="hoos_jr",
    name="Hip disability and Osteoarthritis Outcome Score, Joint Replacement (HOOS JR)",
    items=tuple(Item(str(n), label, "integer", 0, 4, SEVERITY_OPTIONS) for n, label in enumerate(_LABELS, 1)),
    scoring="Raw sum 0-24 converted with the HSS table to an interval score 0-100 (100 = best).",
    missing_rule="No missing items (the table converts complete raw sums only).",
    source="Lyman S et al. Clin Orthop Relat Res 2016;474(6):1472-1482; HSS HOOS, JR. scoring instructions.",
    licence="Copyright HSS / HOOS authors, free to use; item wording not shipped.",
    ships_item_wording=False,
    bands_note="No bands: none published.",
)


def score(answers: object) -> Score:
    """Score a HOOS JR as its 0-100 interval score (raw sum in subscores)."""
    return score_with_table(INSTRUMENT, answers, INTERVAL_SCORE)
