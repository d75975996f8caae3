"""QuickDASH: 11 upper-limb disability and symptom items scored 1-5, score 0-100.

Source: Beaton DE, Wright JG, Katz JN; Upper Extremity Collaborative Group. Development
of the QuickDASH: comparison of three item-reduction approaches. J Bone Joint Surg Am
2005;87(5):1038-1046. Score = ((sum / n) - 1) x 25 where n = items answered; the score may
not be calculated if more than 1 item is missing. Higher = more disability. The optional
work and sports/music modules are not shipped. Bands: none published (none set).
LOINC: not recorded here (not verified).
Licence: copyright Institute for Work & Health (IWH); free for non-commercial use, wording
must not be altered. Item wording is NOT shipped: only short neutral labels and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Instrument, Item, Score
from openmsk.intake.instruments.validation import integer_answers

_OPTIONS = tuple(AnswerOption(n, f"Level {n} of 5 (1 = none, 5 = extreme/unable)") for n in range(1, 6))

_LABELS = (
    "Open a tight or new jar", "Heavy household chores", "Carry a shopping bag or briefcase",
    "Wash your back", "Use a knife to cut food", "Recreation with force or impact through the arm",
    "Interference with social activities", "Limitation in work or daily activities",
    "Arm, shoulder or hand pain", "Tingling (pins and needles)", "Difficulty sleeping because of pain",
)

MAX_MISSING = 1

INSTRUMENT = Instrument(
    id="quickdash",
    name="QuickDASH (Disabilities of the Arm, Shoulder and Hand, short form)",
    items=tuple(Item(str(n), label, "integer", 1, 5, _OPTIONS) for n, label in enumerate(_LABELS, 1)),
    scoring="((sum / n) - 1) x 25 over the n answered items (0-100; higher = more disability).",
    missing_rule="At most 1 missing item.",
    source="Beaton DE et al. J Bone Joint Surg Am 2005;87(5):1038-1046.",
    licence="Copyright Institute for Work & Health; item wording not shipped.",
    ships_item_wording=False,
    bands_note="No bands: none published.",
)


def score(answers: object) -> Score:
    """Score a QuickDASH disability/symptom score (0-100)."""
    values = integer_answers(INSTRUMENT, answers, max_missing=MAX_MISSING)
    answered = [v for v in values if v is not None]
    total = (sum(answered) / len(answered) - 1) * 25
    return Score(INSTRUMENT.id, total, subscores={"items_answered": len(answered)})
