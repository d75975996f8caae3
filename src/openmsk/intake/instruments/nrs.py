"""Pain intensity numeric rating scale, 0-10 (single item).

Source: Hawker GA, Mian S, Kendzerska T, French M. Measures of adult pain. Arthritis Care
Res 2011;63(S11):S240-S252 (11-point NRS, 0 = no pain, 10 = worst imaginable pain).
Code: LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported".
Bands: no single published mild/moderate/severe cut-off applies to MSK pain, so none is set.
Licence: public domain (generic scale).
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Instrument, Item, Score
from openmsk.intake.instruments.validation import integer_answers

INSTRUMENT = Instrument(
    id="nrs",
    name="Pain intensity numeric rating scale (0-10)",
    items=(Item("1", "Pain intensity now (0 = no pain, 10 = worst imaginable)", "integer", 0, 10, loinc="72514-3"),),
    scoring="The single 0-10 rating.",
    missing_rule="The single item is required.",
    source="Hawker GA et al. Arthritis Care Res 2011;63(S11):S240-S252.",
    licence="Public domain; item wording shipped.",
    ships_item_wording=True,
    loinc_total="72514-3",
    bands_note="No bands: the source gives no cut-offs for MSK pain.",
)


def score(answers: object) -> Score:
    """Score a 0-10 pain rating."""
    (value,) = integer_answers(INSTRUMENT, answers)
    return Score(INSTRUMENT.id, value)
