"""Whole-person intake factors: body size, activity, sleep, stress, smoking, alcohol, diet,
medication, surgery intent, goals, body regions and pain duration.

Every item is optional (None = not answered). Answers are a mapping of item id to value.
Cited thresholds live in `lifestyle_rules`; PSS-4 and AUDIT-C are scored by their own
modules. Range limits on height, weight and counts are input plausibility bounds, not
clinical thresholds, and are kept in `PLAUSIBLE` so a deployment can change them.
Licence: questions written for OpenMSK (Apache-2.0), except PSS-4/AUDIT-C (see their modules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from openmsk.intake.instruments import auditc, lifestyle_rules as rules, pss4
from openmsk.intake.instruments.base import AnswerOption, Instrument, Item, Score, ScoringError, SubscoreValue
from openmsk.intake.instruments.validation import (
    choice_answer, decimal_answer, integer_answer, multi_choice_answer, text_answer,
)

# Input plausibility bounds (not clinical cut-offs): (minimum, maximum).
PLAUSIBLE = {
    "height_cm": (50.0, 250.0), "weight_kg": (20.0, 400.0), "ssb_per_week": (0, 100),
    "fruit_veg_servings_per_day": (0.0, 30.0), "pain_duration_weeks": (0.0, 5200.0),
}

GOALS = ("less_pain", "move_better", "return_to_work", "return_to_sport", "sleep_better",
         "reduce_stress", "nutrition", "weight_loss", "avoid_surgery", "reduce_medication")
BODY_REGIONS = ("low_back", "neck", "shoulder", "elbow", "wrist_hand", "hip", "knee", "ankle_foot", "upper_back")


def _options(*values: str) -> tuple[AnswerOption, ...]:
    return tuple(AnswerOption(v, v.replace("_", " ").capitalize()) for v in values)


def _bounded(item_id: str, label: str, kind: str) -> Item:
    low, high = PLAUSIBLE[item_id]
    return Item(item_id, label, kind, low, high, required=False)  # type: ignore[arg-type]


INSTRUMENT = Instrument(
    id="lifestyle",
    name="Whole-person lifestyle factors",
    items=(
        _bounded("height_cm", "Height (cm)", "decimal"),
        _bounded("weight_kg", "Weight (kg)", "decimal"),
        Item("activity_days_per_week", "Days per week of moderate or harder exercise (like a brisk walk)",
             "integer", 0, 7, required=False),
        Item("activity_minutes_per_day", "Minutes of that exercise on those days", "integer", 0, 1440, required=False),
        Item("sleep_hours", "Hours of sleep on a typical night", "decimal", 0, 24, required=False),
        *(replace(item, id=f"pss4_{item.id}", required=False) for item in pss4.INSTRUMENT.items),
        Item("smoking_status", "Smoking", "choice", options=_options("never", "former", "current"), required=False),
        *(replace(item, id=f"auditc_{item.id}", required=False) for item in auditc.INSTRUMENT.items),
        _bounded("ssb_per_week", "Sugar-sweetened drinks per week", "integer"),
        _bounded("fruit_veg_servings_per_day", "Fruit and vegetable servings per day", "decimal"),
        Item("pain_medication", "Current pain medication (free text)", "text", maximum=500, required=False),
        Item("opioid_use", "Opioid pain medication use", "choice",
             options=_options("none", "occasional", "regular"), required=False),
        Item("surgery_intent", "How much are you considering surgery? (0 = not at all, 10 = definitely)",
             "integer", 0, 10, required=False),
        Item("goals_text", "Your goals, in your own words", "text", maximum=2000, required=False),
        Item("goals", "Goals checklist", "multi_choice", options=_options(*GOALS), required=False),
        Item("body_regions", "Where is your pain?", "multi_choice", options=_options(*BODY_REGIONS), required=False),
        _bounded("pain_duration_weeks", "How long have you had this pain? (weeks)", "decimal"),
    ),
    scoring="No total. Derived subscores: BMI and WHO class, weekly activity minutes, PSS-4, AUDIT-C, "
            "pain-duration class (acute < 6, subacute 6-12, chronic > 12 weeks).",
    missing_rule="Every item optional; PSS-4 and AUDIT-C items must be all answered or all blank.",
    source="WHO TRS 894 (2000); Bull FC et al. BJSM 2020; Watson NF et al. Sleep 2015; Coleman KJ et al. "
           "MSSE 2012; van Tulder M et al. / Airaksinen O et al. Eur Spine J 2006; PSS-4 and AUDIT-C as cited.",
    licence="Written for OpenMSK; PSS-4 and AUDIT-C as in their modules.",
    ships_item_wording=True,
    answer_shape="mapping",
)

_VALIDATORS = {
    "integer": integer_answer, "decimal": decimal_answer, "choice": choice_answer,
    "multi_choice": multi_choice_answer, "text": text_answer,
}


def score(answers: object) -> Score:
    """Validate the lifestyle answers and derive their subscores and flags."""
    if not isinstance(answers, Mapping):
        raise ScoringError("lifestyle: answers must be a mapping of item id to answer")
    for key in answers:
        INSTRUMENT.item(str(key))
    v = {item.id: _VALIDATORS[item.kind](INSTRUMENT.id, item, answers.get(item.id)) for item in INSTRUMENT.items}
    sub: dict[str, SubscoreValue] = {key: v[key] for key in (
        "sleep_hours", "smoking_status", "ssb_per_week", "fruit_veg_servings_per_day", "opioid_use", "surgery_intent",
        "goals", "body_regions")}
    flags: list[str] = []
    if v["height_cm"] is not None and v["weight_kg"] is not None:
        sub["bmi"] = rules.bmi(v["height_cm"], v["weight_kg"])
        sub["bmi_category"] = rules.bmi_category(sub["bmi"])
    if v["activity_days_per_week"] is not None and v["activity_minutes_per_day"] is not None:
        minutes = rules.activity_minutes_per_week(v["activity_days_per_week"], v["activity_minutes_per_day"])
        sub["activity_minutes_per_week"] = minutes
        if minutes < rules.WHO_MIN_ACTIVITY_MINUTES_PER_WEEK:
            flags.append("activity_below_who_minimum")
    if v["sleep_hours"] is not None and v["sleep_hours"] < rules.MIN_RECOMMENDED_SLEEP_HOURS:
        flags.append("short_sleep")
    pss = _group(v, "pss4_", pss4)
    sub["pss4_total"] = pss.total if pss else None
    alcohol = _group(v, "auditc_", auditc)
    sub["auditc_total"] = alcohol.total if alcohol else None
    sub["auditc_screen"] = alcohol.severity if alcohol else None
    flags.extend(alcohol.flags if alcohol else ())
    if v["smoking_status"] == "current":
        flags.append("current_smoker")
    if v["opioid_use"] == "regular":
        flags.append("regular_opioid_use")
    if v["pain_duration_weeks"] is not None:
        sub["pain_duration_category"] = rules.pain_duration_category(v["pain_duration_weeks"])
        if sub["pain_duration_category"] == "chronic":
            flags.append("chronic_pain")
    return Score(INSTRUMENT.id, None, None, tuple(flags), sub)


def _group(values: Mapping[str, object], prefix: str, module: object) -> Score | None:
    """Score an embedded instrument when any of its items is answered; None when all are blank."""
    part = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
    scored = {key: value for key, value in part.items() if key != "sex"}
    if all(value is None for value in scored.values()):
        return None
    return module.score(part)  # type: ignore[attr-defined]
