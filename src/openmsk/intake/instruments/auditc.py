"""AUDIT-C alcohol consumption screen: 3 items scored 0-4, total 0-12.

Source: Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol
consumption questions (AUDIT-C). Arch Intern Med 1998;158(16):1789-1795 (items 1-3 of the
WHO AUDIT, summed). Skip rule: WHO AUDIT manual (Babor TF et al., 2nd ed., WHO 2001) -
a person answering "Never" to item 1 skips items 2 and 3, which then score 0.
Screening cut-offs by sex: positive at >= 4 for men and >= 3 for women (Bradley KA,
DeBenedetti AF, Volk RJ, et al. AUDIT-C as a brief screen for alcohol misuse in primary
care. Alcohol Clin Exp Res 2007;31(7):1208-1217). Without a recorded sex no band is set.
Missing: otherwise no missing item is allowed (no prorating defined).
Codes: LOINC 72109-2 (AUDIT-C panel), 75626-2 (total score), items 68518-0, 68519-8, 68520-6.
Licence: WHO AUDIT may be freely reproduced; item wording shipped.
"""

from __future__ import annotations

from openmsk.intake.instruments.base import AnswerOption, Instrument, Item, Score, ScoringError
from openmsk.intake.instruments.validation import as_answer_list, check_count, choice_answer, integer_answer

# Bradley et al. 2007: positive screen thresholds by sex.
POSITIVE_AT = {"male": 4, "female": 3}


def _options(*labels: str) -> tuple[AnswerOption, ...]:
    return tuple(AnswerOption(n, label) for n, label in enumerate(labels))


INSTRUMENT = Instrument(
    id="auditc",
    name="AUDIT-C (Alcohol Use Disorders Identification Test - Consumption)",
    items=(
        Item("1", "How often do you have a drink containing alcohol?", "integer", 0, 4,
             _options("Never", "Monthly or less", "2-4 times a month", "2-3 times a week", "4 or more times a week"),
             loinc="68518-0"),
        Item("2", "How many standard drinks containing alcohol do you have on a typical day?", "integer", 0, 4,
             _options("1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"), loinc="68519-8"),
        Item("3", "How often do you have six or more drinks on one occasion?", "integer", 0, 4,
             _options("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"), loinc="68520-6"),
        Item("sex", "Sex (selects the screening cut-off)", "choice",
             options=(AnswerOption("female", "Female"), AnswerOption("male", "Male")), required=False),
    ),
    scoring="Sum of items 1-3 (0-12). Positive screen: >= 4 (male), >= 3 (female).",
    missing_rule="No missing items, except items 2-3 skipped after 'Never' on item 1 (scored 0). "
                 "The optional 4th answer is sex (female/male) for the cut-off.",
    source="Bush K et al. Arch Intern Med 1998;158(16):1789-1795; cut-offs Bradley KA et al. "
           "Alcohol Clin Exp Res 2007;31(7):1208-1217.",
    licence="WHO AUDIT, freely reproducible; item wording shipped.",
    ships_item_wording=True,
    loinc_panel="72109-2",
    loinc_total="75626-2",
    bands_note="positive / negative by sex-specific cut-off; unset when sex is not recorded.",
)


def score(answers: object) -> Score:
    """Score an AUDIT-C; with a recorded sex, band it as a positive or negative screen."""
    values = as_answer_list(INSTRUMENT, answers)
    check_count(INSTRUMENT, values, minimum=3)
    items = INSTRUMENT.items
    freq, typical, binge = (integer_answer(INSTRUMENT.id, item, v) for item, v in zip(items[:3], values[:3]))
    sex = choice_answer(INSTRUMENT.id, items[3], values[3]) if len(values) == 4 else None
    if freq is None:
        raise ScoringError("auditc item 1: missing; auditc allows no missing items")
    if freq == 0:
        # WHO skip rule: non-drinkers skip items 2-3, which count as 0 when left blank.
        typical = 0 if typical is None else typical
        binge = 0 if binge is None else binge
    for item_id, value in (("2", typical), ("3", binge)):
        if value is None:
            raise ScoringError(f"auditc item {item_id}: missing; auditc allows no missing items")
    assert typical is not None and binge is not None
    total = freq + typical + binge
    if sex is None:
        return Score(INSTRUMENT.id, total)
    positive = total >= POSITIVE_AT[str(sex)]
    return Score(
        INSTRUMENT.id,
        total,
        "positive" if positive else "negative",
        ("alcohol_misuse_screen_positive",) if positive else (),
    )
