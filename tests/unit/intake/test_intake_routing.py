"""Routing and safety rules, table-driven over hand-made intakes."""

import pytest

from openmsk.intake.document import IntakeError, summarize
from openmsk.intake.routing import route

CALM = {"nrs": [4], "phq9": [0] * 9, "gad7": [0] * 7, "red_flags": [0] * 9,
        "lifestyle": {"height_cm": 175, "weight_kg": 70, "body_regions": ["knee"], "opioid_use": "none",
                      "surgery_intent": 1, "pain_duration_weeks": 4}}


def intake(**changes):
    answers = {k: (dict(v) if isinstance(v, dict) else list(v)) for k, v in CALM.items()}
    for key, value in changes.items():
        if key in answers["lifestyle"] or key in ("goals", "body_regions"):
            answers["lifestyle"][key] = value
        else:
            answers[key] = value
    return summarize(answers)


@pytest.mark.parametrize(("changes", "roles", "level"), [
    ({}, ("physical_therapist", "health_coach"), "low"),
    ({"phq9": [2, 2, 2, 2, 2, 0, 0, 0, 0]}, ("physical_therapist", "health_coach", "behavioral_health"), "medium"),
    ({"phq9": [2, 2, 2, 2, 1, 0, 0, 0, 0]}, ("physical_therapist", "health_coach"), "low"),
    ({"gad7": [2, 2, 2, 2, 2, 0, 0]}, ("physical_therapist", "health_coach", "behavioral_health"), "medium"),
    ({"weight_kg": 92}, ("physical_therapist", "health_coach", "nutritionist"), "medium"),
    ({"goals": ["weight_loss"]}, ("physical_therapist", "health_coach", "nutritionist"), "low"),
    ({"opioid_use": "regular"}, ("physical_therapist", "health_coach", "physician"), "high"),
    ({"surgery_intent": 7}, ("physical_therapist", "health_coach", "physician"), "medium"),
    ({"red_flags": [0, 1, 0, 0, 0, 0, 0, 0, 0]}, ("physical_therapist", "health_coach", "physician"), "high"),
    ({"nrs": [8]}, ("physical_therapist", "health_coach"), "medium"),
    ({"pain_duration_weeks": 13}, ("physical_therapist", "health_coach"), "medium"),
])
def test_routing_table(changes, roles, level):
    decision = route(intake(**changes))
    assert decision.roles == roles
    assert decision.risk_level == level


def test_red_flag_holds_exercise_and_opens_an_urgent_physician_review():
    decision = route(intake(red_flags=[1, 0, 0, 0, 0, 0, 0, 0, 0]))
    assert decision.exercise_hold
    assert [(u.role, u.kind) for u in decision.urgent] == [("physician", "urgent_physician_review")]


def test_item_9_positive_opens_urgent_behavioral_health_task_and_shows_crisis_resources():
    decision = route(intake(phq9=[0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert decision.show_crisis_resources and not decision.exercise_hold
    assert [(u.role, u.kind) for u in decision.urgent] == [("behavioral_health", "urgent_behavioral_health")]
    assert "behavioral_health" in decision.roles and decision.risk_level == "high"


@pytest.mark.parametrize(("answers", "message"), [
    ({k: v for k, v in CALM.items() if k != "phq9"}, "missing instruments: phq9"),
    ({**CALM, "sf36": [1]}, "unknown instruments: sf36"),
    ({**CALM, "phq9": [0] * 8}, "phq9"),
    ({**CALM, "lifestyle": {**CALM["lifestyle"], "body_regions": []}}, "body_regions"),
])
def test_incomplete_or_invalid_documents_are_refused_naming_the_problem(answers, message):
    with pytest.raises(IntakeError, match=message):
        summarize(answers)


@pytest.mark.parametrize(("changes", "hold", "crisis", "urgent_roles"), [
    ({}, False, False, []),
    ({"red_flags": [0, 0, 0, 0, 0, 0, 1, 0, 0]}, True, False, ["physician"]),
    ({"phq9": [0] * 8 + [3]}, False, True, ["behavioral_health"]),
    ({"red_flags": [0, 0, 0, 0, 0, 1, 0, 0, 0], "phq9": [0] * 8 + [1]}, True, True, ["physician", "behavioral_health"]),
    ({"phq9": [3, 3, 3, 3, 3, 3, 3, 3, 0]}, False, False, []),  # severe depression without item 9: no crisis
    ({"opioid_use": "regular", "surgery_intent": 10}, False, False, []),
])
def test_safety_actions_table(changes, hold, crisis, urgent_roles):
    decision = route(intake(**changes))
    assert (decision.exercise_hold, decision.show_crisis_resources) == (hold, crisis)
    assert [u.role for u in decision.urgent] == urgent_roles
    assert all(role in decision.roles for role in urgent_roles)
