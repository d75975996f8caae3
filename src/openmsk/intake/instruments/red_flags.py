"""Red-flag screen for possible serious pathology in MSK (spinal) pain: yes/no items.

Source: Finucane LM, Downie A, Mercer C, et al. International framework for red flags for
potential serious spinal pathologies. J Orthop Sports Phys Ther 2020;50(7):350-372
(cauda equina syndrome: saddle anaesthesia, new bladder/bowel dysfunction; progressive
neurological deficit; malignancy: history of cancer, unexplained weight loss, constant or
night pain; infection: fever/systemically unwell, immunosuppression, intravenous drug use;
fracture: significant trauma). NICE NG59 (Low back pain and sciatica in over 16s, 2016)
likewise asks clinicians to exclude these specific causes. Age-based items are left out:
no age threshold from the framework has been verified, so none is asserted. A positive
item is a prompt for clinician review, not a diagnosis.
Missing: a safety screen must be complete, so any unanswered item is rejected.
Licence: questions written for OpenMSK from the published framework (Apache-2.0).
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Instrument, Item, Score
from openmsk.intake.instruments.validation import as_answer_list, boolean_answer, check_count, check_missing

_YES_NO = (AnswerOption(0, "No"), AnswerOption(1, "Yes"))

_ITEMS = (
    ("saddle_numbness", "New numbness around the back passage, genitals or inner thighs"),
    ("bladder_bowel_dysfunction", "New difficulty passing urine, or new loss of bladder or bowel control"),
    ("progressive_leg_weakness", "Weakness in one or both legs that is getting worse"),
    ("fever", "Fever, or feeling generally unwell, with this pain"),
    ("unexplained_weight_loss", "Weight loss you cannot explain"),
    ("history_of_cancer", "Ever been diagnosed with cancer"),
    ("recent_significant_trauma", "Pain started after a significant fall, accident or blow"),
    ("night_pain_at_rest", "Constant pain at night or at rest that does not ease with changing position"),
    ("immunosuppression_or_iv_drug_use", "Weakened immune system (e.g. long-term steroids) or injecting drug use"),
)

INSTRUMENT = Instrument(
    id="red_flags",
    name="MSK red-flag screen",
    items=tuple(Item(item_id, text, "boolean", 0, 1, _YES_NO) for item_id, text in _ITEMS),
    scoring="Count of positive items; any positive item flags red_flag plus red_flag:<item id>.",
    missing_rule="No missing items (a safety screen must be complete).",
    source="Finucane LM et al. J Orthop Sports Phys Ther 2020;50(7):350-372; NICE NG59 (2016).",
    licence="Written for OpenMSK from the published framework; wording shipped.",
    ships_item_wording=True,
    bands_note="positive if any item is positive, else negative.",
)


def score(answers: object) -> Score:
    """Score the red-flag screen: count of positives and one flag per positive item."""
    values = as_answer_list(INSTRUMENT, answers)
    check_count(INSTRUMENT, values)
    checked = [boolean_answer(INSTRUMENT.id, item, v) for item, v in zip(INSTRUMENT.items, values)]
    check_missing(INSTRUMENT, checked, max_missing=0)
    positive = [item.id for item, value in zip(INSTRUMENT.items, checked) if value]
    flags = ("red_flag", *(f"red_flag:{item_id}" for item_id in positive)) if positive else ()
    return Score(INSTRUMENT.id, len(positive), "positive" if positive else "negative", flags)
