"""Oswestry Disability Index (ODI v2.1a): 10 sections scored 0-5, reported as a percentage.

Source: Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-2952.
Scoring: percent = sum / (5 x answered sections) x 100. Worked examples in that paper's
scoring instructions: 16/50 x 100 = 32% with all sections; 16/45 x 100 = 35.5% when one
section is missed or not applicable. Missing: the source describes scoring with one section
missed or not applicable; we do not extrapolate beyond that, so more than one missing
section is rejected (`max_missing_sections`, default 1, is a documented parameter).
Bands (same paper, after Fairbank 1980): 0-20 minimal, 21-40 moderate, 41-60 severe,
61-80 crippled, 81-100 bed-bound; a non-integer percent belongs to the first band whose
upper edge it does not exceed.
LOINC: not recorded here (not verified).
Licence: copyright J. Fairbank; distributed by Mapi Research Trust with licence terms for
commercial use. Item wording is NOT shipped: only section names and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Band, Instrument, Item, Score, band_for
from openmsk.intake.instruments.validation import integer_answers

SECTION_OPTIONS = tuple(AnswerOption(n, f"Statement {n + 1} of 6") for n in range(6))

_SECTIONS = (
    "Pain intensity", "Personal care", "Lifting", "Walking", "Sitting",
    "Standing", "Sleeping", "Sex life (if applicable)", "Social life", "Travelling",
)

INSTRUMENT = Instrument(
    id="odi",
    name="Oswestry Disability Index (ODI)",
    items=tuple(Item(str(n), label, "integer", 0, 5, SECTION_OPTIONS) for n, label in enumerate(_SECTIONS, 1)),
    scoring="Percent = sum / (5 x answered sections) x 100.",
    missing_rule="At most 1 section missed or not applicable (denominator reduced by 5).",
    source="Fairbank JCT, Pynsent PB. Spine 2000;25(22):2940-2952.",
    licence="Copyright J. Fairbank / Mapi Research Trust; item wording not shipped.",
    ships_item_wording=False,
    bands=(
        Band(20, "minimal"),
        Band(40, "moderate"),
        Band(60, "severe"),
        Band(80, "crippling"),
        Band(100, "bedbound"),
    ),
)


def score(answers: object, *, max_missing_sections: int = 1) -> Score:
    """Score an ODI as a 0-100 percentage with its disability band."""
    values = integer_answers(INSTRUMENT, answers, max_missing=max_missing_sections)
    answered = [v for v in values if v is not None]
    raw = sum(answered)
    # raw * 20 / n equals raw / (5n) * 100 but is one correctly rounded division.
    percent = raw * 20 / len(answered)
    return Score(
        INSTRUMENT.id,
        percent,
        band_for(percent, INSTRUMENT.bands),
        subscores={"raw_sum": raw, "sections_answered": len(answered)},
    )
