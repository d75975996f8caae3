"""Plan drafting: table-driven per region, pain band, hold, PSFS activities and the intake summary."""

import pytest

from openmsk.exercise.drafting import (
    DraftInput, DraftPolicy, draft_plan, exercise_seconds, input_from_intake,
)
from openmsk.exercise.library import REGIONS, load_library

LIBRARY = load_library()
POLICY = DraftPolicy()


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("pain, cap", [(2, 3), (6, 2), (9, 2)])
def test_each_region_gets_five_to_eight_exercises_in_about_fifteen_minutes(region, pain, cap):
    draft = draft_plan(DraftInput(regions=(region,), pain=pain), LIBRARY)
    exercises = [LIBRARY.get(i.exercise_id) for i in draft.items]
    assert POLICY.min_exercises <= len(exercises) <= POLICY.max_exercises
    assert draft.sessions_per_week == 3 and draft.difficulty_cap == cap
    assert all(e.difficulty <= cap for e in exercises)
    assert sum(region in e.regions for e in exercises) >= 2
    total = sum(exercise_seconds(e, i.dose) for e, i in zip(exercises, draft.items)) / 60
    assert abs(total - draft.estimated_minutes) < 0.1 and 8 <= total <= POLICY.target_minutes * 1.1
    assert all(i.rationale for i in draft.items)
    assert len({i.exercise_id for i in draft.items}) == len(draft.items)


@pytest.mark.parametrize("region", ["low_back", "knee", "shoulder", "neck", "hip"])
def test_severe_pain_leaves_out_contraindicated_exercises_and_caps_sets(region):
    draft = draft_plan(DraftInput(regions=(region,), pain=9), LIBRARY)
    assert all(not LIBRARY.get(i.exercise_id).contraindications for i in draft.items)
    assert all(i.dose.sets <= 2 for i in draft.items)


def test_high_risk_caps_difficulty_even_with_mild_pain():
    assert draft_plan(DraftInput(regions=("knee",), pain=2, risk_level="high"), LIBRARY).difficulty_cap == 2


def test_a_red_flag_hold_means_no_plan():
    draft = draft_plan(DraftInput(regions=("low_back",), pain=5, exercise_hold=True), LIBRARY)
    assert draft.held and draft.items == () and "red-flag" in draft.hold_reason


def test_every_painful_region_is_represented():
    draft = draft_plan(DraftInput(regions=("neck", "knee", "shoulder"), pain=4), LIBRARY)
    regions = [set(LIBRARY.get(i.exercise_id).regions) for i in draft.items]
    for region in ("neck", "knee", "shoulder"):
        assert any(region in r for r in regions), region


def test_psfs_activities_add_exercises_that_practise_them_within_the_cap():
    draft = draft_plan(DraftInput(regions=("low_back",), pain=7, psfs_activities=("climbing stairs",
                                                                                   "running 5 km")), LIBRARY)
    by_id = {i.exercise_id: i for i in draft.items}
    assert "step_up" in by_id and "climbing stairs" in by_id["step_up"].rationale
    assert "half_squat" in by_id  # split_squat is harder than the cap, so its easier variant


def test_excluded_exercises_are_never_drafted():
    first = draft_plan(DraftInput(regions=("knee",), pain=3), LIBRARY).items[0].exercise_id
    again = draft_plan(DraftInput(regions=("knee",), pain=3, exclude=frozenset({first})), LIBRARY)
    assert first not in {i.exercise_id for i in again.items}


def test_drafts_from_the_intake_summary_and_routing():
    from openmsk.intake.document import summarize
    from openmsk.intake.routing import route

    answers = {"nrs": [7], "phq9": [0] * 9, "gad7": [0] * 7, "red_flags": [0] * 9,
               "lifestyle": {"body_regions": ["knee"], "goals": ["return_to_sport"]}}
    summary = summarize(answers, ["walking the dog", "stairs at work", "kneeling in the garden"])
    data = input_from_intake(summary, route(summary))
    assert data.regions == ("knee",) and data.pain == 7 and not data.exercise_hold
    draft = draft_plan(data, LIBRARY)
    assert {"step_up", "heel_raise"} <= {i.exercise_id for i in draft.items}
    held = summarize({**answers, "red_flags": [1] + [0] * 8}, [])
    assert draft_plan(input_from_intake(held, route(held)), LIBRARY).held
