"""What a submitted intake sets in motion: first tasks, safety tasks, signals (table-driven, pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from openmsk.intake.document import summarize
from openmsk.intake.onboarding import CRISIS_RESOURCES, FirstTaskPolicy, planned_signals, planned_tasks
from openmsk.intake.routing import route

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
CALM = {"nrs": [4], "phq9": [0] * 9, "gad7": [0] * 7, "red_flags": [0] * 9,
        "lifestyle": {"height_cm": 175, "weight_kg": 70, "body_regions": ["knee"], "surgery_intent": 1}}


def _intake(**changes):
    answers = {k: (dict(v) if isinstance(v, dict) else list(v)) for k, v in CALM.items()}
    for key, value in changes.items():
        if key in ("surgery_intent", "weight_kg", "opioid_use"):
            answers["lifestyle"][key] = value
        else:
            answers[key] = value
    return summarize(answers)


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, [("physical_therapist", "review_intake", "routine"), ("health_coach", "welcome_call", "routine")]),
    ({"red_flags": [1, 0, 0, 0, 0, 0, 0, 0, 0]},
     [("physician", "urgent_physician_review", "urgent"), ("physical_therapist", "review_intake", "high"),
      ("health_coach", "welcome_call", "routine")]),
    ({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 2]},
     [("behavioral_health", "urgent_behavioral_health", "urgent"), ("physical_therapist", "review_intake", "high"),
      ("health_coach", "welcome_call", "routine")]),
    ({"weight_kg": 95},
     [("physical_therapist", "review_intake", "routine"), ("health_coach", "welcome_call", "routine"),
      ("nutritionist", "nutrition_consult", "routine")]),
    ({"opioid_use": "regular"},
     [("physical_therapist", "review_intake", "high"), ("health_coach", "welcome_call", "routine"),
      ("physician", "physician_review", "routine")]),
])
def test_each_intake_opens_its_tasks(changes, expected):
    tasks = planned_tasks(route(_intake(**changes)), NOW)
    assert [(t.role, t.kind, t.priority) for t in tasks] == expected


def test_safety_tasks_are_due_within_the_hour_and_before_any_routine_task():
    tasks = planned_tasks(route(_intake(red_flags=[0, 0, 0, 0, 0, 1, 0, 0, 0], phq9=[0] * 8 + [1])), NOW)
    urgent = [t for t in tasks if t.priority == "urgent"]
    assert {t.role for t in urgent} == {"physician", "behavioral_health"}
    assert all(t.due_at == NOW + FirstTaskPolicy().urgent_due for t in urgent)
    assert max(t.due_at for t in urgent) < min(t.due_at for t in tasks if t.priority != "urgent")


@pytest.mark.parametrize(("changes", "kinds"), [
    ({}, []),
    ({"red_flags": [0, 0, 1, 0, 0, 0, 0, 0, 0]}, ["red_flag_reported"]),
    ({"phq9": [0] * 8 + [3]}, ["self_harm_risk"]),
    ({"surgery_intent": 7}, ["surgery_intent"]),
    ({"surgery_intent": 6}, []),
])
def test_signals_follow_the_routing_thresholds(changes, kinds):
    assert [s.kind for s in planned_signals(_intake(**changes))] == kinds


def test_crisis_resources_name_the_988_lifeline():
    assert CRISIS_RESOURCES["call"] == "988" and "988 Suicide & Crisis Lifeline" in CRISIS_RESOURCES["name"]
    assert timedelta(hours=1) == FirstTaskPolicy().urgent_due
