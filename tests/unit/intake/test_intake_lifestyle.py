"""Whole-person factors: BMI (WHO), activity, sleep, PSS-4/AUDIT-C inside the intake, pain duration."""

import pytest

from openmsk.intake import ScoringError, score
from openmsk.intake.instruments.lifestyle_rules import bmi_category, pain_duration_category


@pytest.mark.parametrize(
    ("bmi", "category"),
    [(18.49, "underweight"), (18.5, "normal"), (24.99, "normal"), (25.0, "overweight"), (29.99, "overweight"),
     (30.0, "obese")],
)
def test_bmi_categories_follow_who_edges(bmi, category):
    assert bmi_category(bmi) == category


def test_bmi_is_kg_per_square_metre():
    result = score("lifestyle", {"height_cm": 170, "weight_kg": 72.25})
    assert result.subscores["bmi"] == pytest.approx(72.25 / 1.7**2)  # = 25.0
    assert result.subscores["bmi_category"] == "overweight"


def test_bmi_needs_both_height_and_weight():
    assert "bmi" not in score("lifestyle", {"height_cm": 170}).subscores


@pytest.mark.parametrize(
    ("weeks", "category"),
    [(0, "acute"), (5.9, "acute"), (6, "subacute"), (12, "subacute"), (12.1, "chronic"), (52, "chronic")],
)
def test_pain_duration_boundaries_6_and_12_weeks(weeks, category):
    assert pain_duration_category(weeks) == category


def test_chronic_duration_raises_chronic_pain_flag():
    assert "chronic_pain" in score("lifestyle", {"pain_duration_weeks": 20}).flags


def test_activity_minutes_per_week_and_who_minimum_flag():
    low = score("lifestyle", {"activity_days_per_week": 2, "activity_minutes_per_day": 30})
    enough = score("lifestyle", {"activity_days_per_week": 5, "activity_minutes_per_day": 30})
    assert low.subscores["activity_minutes_per_week"] == 60
    assert "activity_below_who_minimum" in low.flags
    assert "activity_below_who_minimum" not in enough.flags


def test_embedded_pss4_and_auditc_are_scored_with_their_own_rules():
    answers = {"pss4_1": 3, "pss4_2": 1, "pss4_3": 0, "pss4_4": 2,
               "auditc_1": 2, "auditc_2": 1, "auditc_3": 1, "auditc_sex": "male"}
    result = score("lifestyle", answers)
    assert result.subscores["pss4_total"] == 3 + 3 + 4 + 2
    assert result.subscores["auditc_total"] == 4
    assert result.subscores["auditc_screen"] == "positive"
    assert "alcohol_misuse_screen_positive" in result.flags


def test_partially_answered_pss4_is_rejected():
    with pytest.raises(ScoringError, match="pss4 item 3: missing"):
        score("lifestyle", {"pss4_1": 1, "pss4_2": 1, "pss4_4": 1})


def test_an_empty_intake_is_valid_with_no_subscores_set():
    result = score("lifestyle", {})
    assert result.total is None and result.flags == ()
    assert result.subscores["pss4_total"] is None


def test_goals_regions_smoking_and_opioids():
    result = score("lifestyle", {
        "goals": ["nutrition", "weight_loss"], "body_regions": ["low_back", "knee"],
        "smoking_status": "current", "opioid_use": "regular", "surgery_intent": 3, "goals_text": "walk the dog",
    })
    assert result.subscores["goals"] == ("nutrition", "weight_loss")
    assert result.subscores["body_regions"] == ("low_back", "knee")
    assert {"current_smoker", "regular_opioid_use"} <= set(result.flags)
    assert "goals_text" not in result.subscores  # free text is validated, not echoed


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"height_cm": 300}, "lifestyle item height_cm: 300 is outside 50..250"),
        ({"sleep_hours": -1}, "lifestyle item sleep_hours: -1 is outside 0..24"),
        ({"activity_days_per_week": 8}, "lifestyle item activity_days_per_week: 8 is outside 0..7"),
        ({"body_regions": ["tail"]}, "lifestyle item body_regions: an entry is not one of the allowed options"),
        ({"goals": ["nutrition", "nutrition"]}, "lifestyle item goals: repeated option"),
        ({"opioid_use": "daily"}, "lifestyle item opioid_use: not one of none, occasional, regular"),
        ({"shoe_size": 42}, "lifestyle item shoe_size: unknown item"),
        ({"goals_text": 5}, "lifestyle item goals_text: expected text, got int"),
    ],
)
def test_lifestyle_rejects_bad_answers_naming_the_item(answers, message):
    with pytest.raises(ScoringError, match=message.replace(".", r"\.")):
        score("lifestyle", answers)


def test_lifestyle_needs_named_answers():
    with pytest.raises(ScoringError, match="lifestyle: answers must be a mapping"):
        score("lifestyle", [170, 70])
