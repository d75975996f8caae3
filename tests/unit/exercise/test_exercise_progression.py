"""Progression and regression rules, table-driven: one row per rule and boundary."""

import pytest

from openmsk.exercise.library import Dose, load_library
from openmsk.exercise.progression import EntryView, ProgressionPolicy, pain_spike, propose

LIBRARY = load_library()
E = EntryView


def run(exercise_id: str, dose: Dose, *sessions: list[EntryView]):
    return propose({exercise_id: dose}, list(sessions), LIBRARY)


@pytest.mark.parametrize("entry, expected", [
    (E("squat", "right", 3, 5), "pain_rise"),
    (E("squat", "right", 3, 4), None),
    (E("squat", "right", 6, 7), "pain_high"),
    (E("squat", "right", None, 7), "pain_high"),
    (E("squat", "right", 5, 6), None),
    (E("squat", None, None, None, skipped=True), None),
])
def test_pain_spike_lines(entry, expected):
    assert pain_spike(entry) == expected


@pytest.mark.parametrize("sessions, kind, rule, new_id, new_dose", [
    # pain rising by 2 or more: regress to the easier variant
    ([[E("squat", "right", 2, 4)]], "regression", "pain_rise", "half_squat", Dose(3, reps=10)),
    # pain reaching 7: regress
    ([[E("squat", "right", 6, 7)]], "regression", "pain_high", "half_squat", Dose(3, reps=10)),
    # too hard twice in a row: regress
    ([[E("squat", "too_hard", 2, 2)], [E("squat", "too_hard", 2, 2)]], "regression", "too_hard", "half_squat",
     Dose(3, reps=10)),
    # too easy twice with stable pain at 2 sets: one more set
    ([[E("squat", "too_easy", 2, 2)], [E("squat", "too_easy", 3, 2)]], "progression", "too_easy", "squat",
     Dose(3, reps=10)),
])
def test_rules_propose_the_expected_change(sessions, kind, rule, new_id, new_dose):
    (proposal,) = run("squat", Dose(2, reps=10), *sessions)
    assert (proposal.kind, proposal.rule, proposal.new_exercise_id, proposal.new_dose) == (kind, rule, new_id,
                                                                                           new_dose)
    assert proposal.notify_pt is (kind == "regression")


@pytest.mark.parametrize("sessions", [
    [[E("squat", "too_easy", 2, 2)]],                                   # only one session
    [[E("squat", "too_easy", 2, 2)], [E("squat", "right", 2, 2)]],      # not twice in a row
    [[E("squat", "too_easy", 2, 3)], [E("squat", "too_easy", 2, 2)]],   # pain not stable
    [[E("squat", "too_hard", 2, 2)], [E("squat", "right", 2, 2)]],      # too hard only once
    [[E("squat", None, None, None, skipped=True)]],                     # skipped
    [[E("lunge", "right", 2, 9)]],                                      # not in the plan
])
def test_no_proposal_without_a_rule_hit(sessions):
    assert run("squat", Dose(2, reps=10), *sessions) == []


def test_progression_raises_reps_then_holds_then_moves_to_the_harder_variant():
    easy = [[E("squat", "too_easy", 1, 1)], [E("squat", "too_easy", 1, 1)]]
    assert run("squat", Dose(3, reps=10), *easy)[0].new_dose == Dose(3, reps=12)
    assert run("squat", Dose(3, reps=10), *easy)[0].safe
    (to_harder,) = run("squat", Dose(3, reps=15), *easy)
    assert to_harder.new_exercise_id == "deep_squat" and not to_harder.safe
    holds = [[E("wall_sit", "too_easy", 1, 1)], [E("wall_sit", "too_easy", 1, 1)]]
    assert propose({"wall_sit": Dose(3, hold_s=30)}, holds, LIBRARY)[0].new_dose == Dose(3, hold_s=40)


def test_regression_without_an_easier_variant_lowers_the_dose():
    (proposal,) = propose({"pelvic_tilt": Dose(2, reps=10)}, [[E("pelvic_tilt", "right", 3, 7)]], LIBRARY)
    assert proposal.new_exercise_id == "pelvic_tilt" and proposal.new_dose == Dose(1, reps=10)


def test_thresholds_are_parameters():
    strict = ProgressionPolicy(pain_rise=1)
    assert pain_spike(E("squat", "right", 3, 4), strict) == "pain_rise"
