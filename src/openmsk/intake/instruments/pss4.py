"""Perceived Stress Scale, 4-item form (PSS-4): items 0-4, items 2 and 3 reverse-scored, total 0-16.

Source: Cohen S, Kamarck T, Mermelstein R. A global measure of perceived stress. J Health
Soc Behav 1983;24(4):385-396; Cohen S, Williamson G. Perceived stress in a probability
sample of the United States. In: Spacapan S, Oskamp S (eds). The Social Psychology of
Health. Sage, 1988:31-67 (4-item form; items 2 and 3 are the positively worded items and
are reversed, 0=4 ... 4=0). The sources give no cut-off (none set) and no rule for missing
items (any missing item is rejected).
LOINC: not recorded here (not verified).
Licence: free for non-commercial academic use (Cohen); item wording NOT shipped, only
short neutral labels and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Instrument, Item, Score
from openmsk.intake.instruments.validation import integer_answers

_OPTIONS = (
    AnswerOption(0, "Never"),
    AnswerOption(1, "Almost never"),
    AnswerOption(2, "Sometimes"),
    AnswerOption(3, "Fairly often"),
    AnswerOption(4, "Very often"),
)

_LABELS = (
    "Past month: felt unable to control important things",
    "Past month: felt confident handling personal problems",
    "Past month: felt things were going your way",
    "Past month: felt difficulties were piling up too high",
)

REVERSED_ITEMS = frozenset({"2", "3"})

INSTRUMENT = Instrument(
    id="pss4",
    name="Perceived Stress Scale, 4-item (PSS-4)",
    items=tuple(Item(str(n), label, "integer", 0, 4, _OPTIONS) for n, label in enumerate(_LABELS, 1)),
    scoring="Sum of 4 items after reversing items 2 and 3 (0-16; higher = more stress).",
    missing_rule="No missing items (the sources define no prorating).",
    source="Cohen S et al. J Health Soc Behav 1983;24(4):385-396; Cohen S, Williamson G, 1988.",
    licence="Free for non-commercial academic use; item wording not shipped.",
    ships_item_wording=False,
    bands_note="No bands: the sources give no cut-off.",
)


def score(answers: object) -> Score:
    """Score a PSS-4 with items 2 and 3 reversed."""
    values = integer_answers(INSTRUMENT, answers)
    total = sum(
        (4 - value) if item.id in REVERSED_ITEMS else value
        for item, value in zip(INSTRUMENT.items, values)
        if value is not None
    )
    return Score(INSTRUMENT.id, total)
