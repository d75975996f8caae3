"""The exercise library: every entry passes the schema, variants and motion specs resolve."""

import copy

import pytest
import yaml

from openmsk.exercise.library import (
    LIBRARY_PATH, REGIONS, TYPES, LibraryError, check_links, exercise_json, load_library, parse_dose,
    parse_exercise, parse_library,
)

MOTION_IDS = ("deep_squat squat half_squat single_leg_squat sumo_squat split_squat bulgarian_split_squat "
              "spanish_squat decline_squat hurdle_step inline_lunge side_lunge lunge sit_to_stand heel_raise "
              "step_up step_down standing_active_straight_leg_raise standing_shoulder_abduction "
              "standing_shoulder_extension standing_shoulder_internal_external_rotation standing_shoulder_scaption "
              "shoulder_abduction shoulder_flexion shoulder_forward_elevation elbow_flexion side_tap").split()
RAW = yaml.safe_load(LIBRARY_PATH.read_text(encoding="utf-8"))
VALID = copy.deepcopy(RAW["exercises"][0])


@pytest.mark.parametrize("raw", RAW["exercises"], ids=lambda raw: raw["id"])
def test_every_entry_passes_the_schema(raw):
    exercise = parse_exercise(raw)
    assert set(exercise.regions) <= set(REGIONS) and exercise.type in TYPES
    assert 1 <= exercise.difficulty <= 5 and len(exercise.instructions) >= 2 and exercise.cautions
    assert (exercise.dose.reps is None) + (exercise.dose.hold_s is None) + (exercise.dose.minutes is None) == 2


def test_library_is_versioned_and_large_enough_to_cover_every_region():
    library = load_library()
    assert library.version == RAW["version"] and len(library.exercises) >= 80
    for region in REGIONS:
        assert sum(region in e.regions for e in library.exercises.values()) >= 5, region


def test_every_motion_spec_id_is_an_exercise_tracked_by_that_spec():
    library = load_library()
    for motion_id in MOTION_IDS:
        assert library.get(motion_id).motion == motion_id


def test_variants_point_to_existing_exercises_and_motion_ids_to_specs():
    from openmsk.motion.specs import load_specs

    library = load_library()
    assert check_links(library, load_specs()) == []
    for ex in library.exercises.values():
        if ex.harder:
            assert library.get(ex.harder).difficulty >= ex.difficulty, ex.id


def test_json_shape_carries_the_motion_spec_summary_or_null():
    library = load_library()
    squat, tilt = exercise_json(library.get("squat")), exercise_json(library.get("pelvic_tilt"))
    assert {"id", "name", "regions", "type", "difficulty", "motion"} <= set(squat)
    assert squat["motion"]["spec_id"] == "squat" and tilt["motion"] is None
    assert "target_range" in squat["motion"] and "form_errors" in squat["motion"]


@pytest.mark.parametrize("change, message", [
    ({"id": "Bad-Id"}, "snake_case"),
    ({"id": "squat\n"}, "snake_case"),
    ({"easier": "squat\n"}, "easier"),
    ({"type": "yoga"}, "type"),
    ({"difficulty": 6}, "difficulty"),
    ({"regions": ["spleen"]}, "regions"),
    ({"instructions": []}, "instructions"),
    ({"cautions": []}, "cautions"),
    ({"dose": {"sets": 3}}, "exactly one"),
    ({"dose": {"sets": 0, "reps": 10}}, "dose.sets"),
    ({"dose": {"sets": 3, "reps": 500}}, "dose.reps"),
    ({"dose": {"minutes": 10}}, "aerobic"),
    ({"colour": "red"}, "unknown"),
])
def test_bad_entries_are_refused_with_the_field_named(change, message):
    with pytest.raises(LibraryError, match=message):
        parse_exercise({**VALID, **change})


def test_duplicate_ids_and_dangling_variants_are_refused():
    with pytest.raises(LibraryError, match="duplicate"):
        parse_library({"version": "x", "exercises": [VALID, VALID]})
    with pytest.raises(LibraryError, match="no exercise"):
        parse_library({"version": "x", "exercises": [{**VALID, "harder": "not_there"}]})


def test_dose_labels_and_bounds():
    assert parse_dose({"sets": 2, "hold_s": 30}).label() == "2 x 30 s hold"
    with pytest.raises(LibraryError, match="hold_s"):
        parse_dose({"sets": 2, "hold_s": 0})
