"""KOOS JR (knee): 7 items scored 0-4, raw sum 0-28 converted to an interval score 0-100.

Source: Lyman S, Lee YY, Franklin PD, Li W, Cross MB, Padgett DE. Validation of the
KOOS, JR: a short-form knee arthroplasty outcomes survey. Clin Orthop Relat Res
2016;474(6):1461-1471. Conversion table: "KOOS, JR. Scoring Instructions", Hospital for
Special Surgery (raw 0-28 -> interval score, 100 = perfect knee health, 0 = total knee
disability), reproduced below to three decimals.
Missing: the table converts complete raw sums only and no imputation is given, so any
missing item is rejected. Bands: none published (none set).
LOINC: not recorded here (not verified).
Licence: copyright Hospital for Special Surgery / KOOS authors; free to use, but the item
wording is NOT shipped: only short neutral labels and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Instrument, Item, Score
from openmsk.intake.instruments.joint_jr import SEVERITY_OPTIONS, score_with_table

# HSS KOOS, JR. scoring instructions: index = raw sum 0..28.
INTERVAL_SCORE = (
    100.000, 91.975, 84.600, 79.914, 76.332, 73.342, 70.704, 68.284, 65.994, 63.776,
    61.583, 59.381, 57.140, 54.840, 52.465, 50.012, 47.487, 44.905, 42.281, 39.625,
    36.931, 34.174, 31.307, 28.251, 24.875, 20.941, 15.939, 8.291, 0.000,
)

_LABELS = (
    "Stiffness: after first wakening in the morning",
    "Pain: twisting or pivoting on the knee",
    "Pain: straightening the knee fully",
    "Pain: going up or down stairs",
    "Pain: standing upright",
    "Function: rising from sitting",
    "Function: bending to the floor to pick up an object",
)

INSTRUMENT = Instrument(
    id="koos_jr",
    name="Knee injury and Osteoarthritis Outcome Score, Joint Replacement (KOOS JR)",
    items=tuple(Item(str(n), label, "integer", 0, 4, SEVERITY_OPTIONS) for n, label in enumerate(_LABELS, 1)),
    scoring="Raw sum 0-28 converted with the HSS table to an interval score 0-100 (100 = best).",
    missing_rule="No missing items (the table converts complete raw sums only).",
    source="Lyman S et al. Clin Orthop Relat Res 2016;474(6):1461-1471; HSS KOOS, JR. scoring instructions.",
    licence="Copyright HSS / KOOS authors, free to use; item wording not shipped.",
    ships_item_wording=False,
    bands_note="No bands: none published.",
)


def score(answers: object) -> Score:
    """Score a KOOS JR as its 0-100 interval score (raw sum in subscores)."""
    return score_with_table(INSTRUMENT, answers, INTERVAL_SCORE)
