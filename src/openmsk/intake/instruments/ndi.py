"""Neck Disability Index (NDI): 10 sections scored 0-5, total 0-50.

Source: Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity.
J Manipulative Physiol Ther 1991;14(7):409-415 (items, 0-50 sum, and the interpretation
bands 0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, 35-50 complete); percent = 2 x total.
Missing: the 1991 paper has no rule; the NDI scoring instructions distributed with the form
(Vernon; see also Vernon H. JMPT 2008;31(7):491-502) say that when a respondent omits a
question the average of the other items is added. We apply that to one omitted section
only and reject two or more.
LOINC: not recorded here (not verified).
Licence: copyright H. Vernon (distributed by Mapi Research Trust); item wording NOT
shipped, only section names and the scoring.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import Band, Instrument, Item, Score, band_for
from openmsk.intake.instruments.odi import SECTION_OPTIONS
from openmsk.intake.instruments.validation import integer_answers

_SECTIONS = (
    "Pain intensity", "Personal care", "Lifting", "Reading", "Headaches",
    "Concentration", "Work", "Driving", "Sleeping", "Recreation",
)

INSTRUMENT = Instrument(
    id="ndi",
    name="Neck Disability Index (NDI)",
    items=tuple(Item(str(n), label, "integer", 0, 5, SECTION_OPTIONS) for n, label in enumerate(_SECTIONS, 1)),
    scoring="Sum of 10 sections (0-50); percent = 2 x total.",
    missing_rule="At most 1 missing section, replaced by the mean of the other nine.",
    source="Vernon H, Mior S. J Manipulative Physiol Ther 1991;14(7):409-415.",
    licence="Copyright H. Vernon / Mapi Research Trust; item wording not shipped.",
    ships_item_wording=False,
    bands=(Band(4, "none"), Band(14, "mild"), Band(24, "moderate"), Band(34, "severe"), Band(50, "complete")),
)


def score(answers: object) -> Score:
    """Score an NDI: 0-50 total (one missing section imputed), band and percent."""
    values = integer_answers(INSTRUMENT, answers, max_missing=1)
    answered = [v for v in values if v is not None]
    raw = sum(answered)
    total = raw if len(answered) == len(values) else raw * len(values) / len(answered)
    return Score(
        INSTRUMENT.id,
        total,
        band_for(total, INSTRUMENT.bands),
        subscores={"percent": total * 2, "sections_answered": len(answered)},
    )
