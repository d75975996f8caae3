"""PHQ-9 depression severity (9 items, 0-3 each, total 0-27).

Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression
severity measure. J Gen Intern Med 2001;16(9):606-613 (items, sum scoring and the
severity cut-offs 5/10/15/20). Missing items: the source defines no prorating, so any
missing item is rejected.
Codes: LOINC 44249-1 (PHQ-9 panel), 44261-6 (total score); item codes 44250-9 ... 44260-8
and answer codes LA6568-5 ... LA6571-9 as published in LOINC for the PHQ-9 panel.
Licence: public domain (developed with an educational grant from Pfizer; "no permission
required to reproduce, translate, display or distribute"), so item wording is shipped.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Band, Instrument, Item, Score, band_for
from openmsk.intake.instruments.validation import integer_answers

# Frequency over the last two weeks, with the LOINC answer codes used by the PHQ-9 and GAD-7 panels.
FREQUENCY_OPTIONS = (
    AnswerOption(0, "Not at all", "LA6568-5"),
    AnswerOption(1, "Several days", "LA6569-3"),
    AnswerOption(2, "More than half the days", "LA6570-1"),
    AnswerOption(3, "Nearly every day", "LA6571-9"),
)

_ITEMS = (
    ("1", "Little interest or pleasure in doing things", "44250-9"),
    ("2", "Feeling down, depressed, or hopeless", "44255-8"),
    ("3", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("4", "Feeling tired or having little energy", "44254-1"),
    ("5", "Poor appetite or overeating", "44251-7"),
    ("6", "Feeling bad about yourself - or that you are a failure or have let yourself or your family down", "44258-2"),
    ("7", "Trouble concentrating on things, such as reading the newspaper or watching television", "44252-5"),
    ("8", "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
          "being so fidgety or restless that you have been moving around a lot more than usual", "44253-3"),
    ("9", "Thoughts that you would be better off dead or of hurting yourself in some way", "44260-8"),
)

SELF_HARM_ITEM = "9"

INSTRUMENT = Instrument(
    id="phq9",
    name="Patient Health Questionnaire-9 (PHQ-9)",
    items=tuple(Item(i, text, "integer", 0, 3, FREQUENCY_OPTIONS, loinc) for i, text, loinc in _ITEMS),
    scoring="Sum of 9 items (0-27). Item 9 > 0 raises the safety flag self_harm_risk whatever the total.",
    missing_rule="No missing items (the source defines no prorating).",
    source="Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16(9):606-613.",
    licence="Public domain (Pfizer); item wording shipped.",
    ships_item_wording=True,
    loinc_panel="44249-1",
    loinc_total="44261-6",
    # Kroenke 2001: 5, 10, 15 and 20 represent mild, moderate, moderately severe and severe.
    bands=(
        Band(4, "minimal"),
        Band(9, "mild"),
        Band(14, "moderate"),
        Band(19, "moderately_severe"),
        Band(27, "severe"),
    ),
)


def score(answers: object) -> Score:
    """Score a PHQ-9: total, severity band and the item-9 self-harm flag."""
    values = integer_answers(INSTRUMENT, answers)
    total = sum(v for v in values if v is not None)
    item9 = values[-1]
    flags = ("self_harm_risk",) if item9 is not None and item9 > 0 else ()
    return Score(INSTRUMENT.id, total, band_for(total, INSTRUMENT.bands), flags)
