"""Patient-Specific Functional Scale (PSFS): 3-5 patient-named activities rated 0-10.

Source: Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on
individual patients: a report of a patient specific measure. Physiotherapy Canada
1995;47(4):258-263 (11-point 0-10 ratings, 0 = unable to perform, 10 = able to perform at
pre-injury level; score = mean of the rated activities). The source gives no bands (none set).
Missing: the patient names 3 to 5 activities; every named activity must be rated, so a
missing rating is rejected and fewer than 3 ratings is rejected.
Licence: free to use (published in the public literature); labels are generic.
The activity names themselves are free text kept by the caller, not scored here.
"""

from __future__ import annotations

from collections.abc import Mapping

from openmsk.intake.instruments.base import Instrument, Item, Score
from openmsk.intake.instruments.validation import as_answer_list, check_count, check_missing, integer_answer

MIN_ACTIVITIES = 3

INSTRUMENT = Instrument(
    id="psfs",
    name="Patient-Specific Functional Scale (PSFS)",
    items=tuple(
        Item(str(n), f"Ability to perform activity {n} (0 = unable, 10 = as before the problem)", "integer", 0, 10,
             required=n <= MIN_ACTIVITIES)
        for n in range(1, 6)
    ),
    scoring="Mean of the 3-5 activity ratings (0-10; higher = better function).",
    missing_rule="3 to 5 ratings; every rating given must be a number (no missing).",
    source="Stratford P et al. Physiotherapy Canada 1995;47(4):258-263.",
    licence="Free to use; generic labels shipped.",
    ships_item_wording=True,
    bands_note="No bands: the source gives none.",
)


def score(answers: object) -> Score:
    """Score a PSFS as the mean of its 3-5 activity ratings."""
    values = as_answer_list(INSTRUMENT, answers)
    if isinstance(answers, Mapping):
        # A mapping lists all five items; unrated trailing activities are simply absent.
        while len(values) > MIN_ACTIVITIES and values[-1] is None:
            values.pop()
    check_count(INSTRUMENT, values, minimum=MIN_ACTIVITIES)
    checked = [integer_answer(INSTRUMENT.id, item, v) for item, v in zip(INSTRUMENT.items, values)]
    check_missing(INSTRUMENT, checked, max_missing=0)
    ratings = [v for v in checked if v is not None]
    return Score(INSTRUMENT.id, sum(ratings) / len(ratings), subscores={"activities": len(ratings)})
