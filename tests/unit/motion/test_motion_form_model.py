"""Fitted form models: the shipped file, their JSON form, and how `analyze` uses them."""

import dataclasses

import numpy as np

from openmsk.motion import rep_batch
from openmsk.motion.analysis import analyze
from openmsk.motion.form_measures import SAMPLES, TRAJECTORIES
from openmsk.motion.form_model import TEMPLATE_FEATURE, FormModel, LinearFormModel, form_models
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.recording import Recording
from openmsk.motion.specs import load_specs
from openmsk.motion.synthetic import squat_frames

UIPRMD_EXERCISES = ("deep_squat", "hurdle_step", "inline_lunge", "side_lunge", "sit_to_stand",
                    "standing_active_straight_leg_raise", "standing_shoulder_abduction",
                    "standing_shoulder_extension", "standing_shoulder_internal_external_rotation",
                    "standing_shoulder_scaption")


def test_the_shipped_models_cover_the_uiprmd_exercises_for_kinect_skeletons_only():
    models = form_models()
    assert set(models) == set(UIPRMD_EXERCISES)
    for model in models.values():
        assert model.template_mean.shape == model.template_spread.shape == (len(model.trajectories), SAMPLES)
        assert set(model.trajectories) <= set(TRAJECTORIES)
        assert model.linear.names[-1] == TEMPLATE_FEATURE
        assert len(model.linear.coef) == len(model.linear.names)
        assert "uiprmd" in model.sources and "mediapipe-csv" not in model.sources


def test_a_model_survives_its_json_form():
    model = form_models()["deep_squat"]
    again = FormModel.from_json(model.to_json())
    x = np.random.default_rng(3).normal(size=(20, len(model.linear.names))) * model.linear.scale + model.linear.centre
    assert np.array_equal(again.linear.score(x) > 0, model.linear.score(x) > 0)
    assert again.trajectories == model.trajectories and again.sources == model.sources


def _constant_model(intercept: float, sources=("mediapipe-csv",)) -> FormModel:
    """A model that reads every rep the same way: incorrect for a positive intercept."""
    names = ("rom", TEMPLATE_FEATURE)
    zeros = np.zeros(len(names))
    linear = LinearFormModel(names, zeros, zeros, np.ones(len(names)), zeros, intercept)
    shape = (2, SAMPLES)
    return FormModel(("knee_deg", "trunk_deg"), np.zeros(shape), np.ones(shape), linear, tuple(sources))


def _squats(dims: int = 3) -> Recording:
    """Three synthetic squats as MediaPipe world landmarks (up is -y); in 2-D, as a camera at the side sees them."""
    frames = squat_frames([110.0, 115.0, 112.0])
    points = np.array([[p[:3] for p in f["landmarks"]] for f in frames])
    pos, conf = landmarks_to_common(points, np.full(points.shape[:2], 0.99))
    return Recording(t=np.array([f["t"] for f in frames]), positions=pos if dims == 3 else pos[..., [2, 1]], confidence=conf,
                     coordinates="world" if dims == 3 else "image", up=(0.0, -1.0, 0.0)[:dims],
                     source="mediapipe-csv")


def test_the_model_decides_correct_and_names_a_pattern_error_only_when_no_check_fires(monkeypatch):
    rec = _squats()
    plain = analyze(rec, "squat")
    assert len(plain.reps) == 3 and all(r.correct for r in plain.reps)
    monkeypatch.setattr(rep_batch, "form_models", lambda: {"squat": _constant_model(5.0)})
    judged = analyze(rec, "squat")
    assert [r.correct for r in judged.reps] == [False] * 3
    assert all(r.errors == ["form_pattern"] and r.cues for r in judged.reps)
    assert all(j.quality < p.quality for j, p in zip(judged.reps, plain.reps, strict=True))


def test_a_rep_the_model_reads_as_correct_keeps_the_cues_of_the_checks(monkeypatch):
    deep = dataclasses.replace(load_specs()["squat"], target_range=(150.0, 170.0))  # every rep too shallow
    monkeypatch.setattr(rep_batch, "form_models", lambda: {"squat": _constant_model(-5.0)})
    result = analyze(_squats(), "squat", deep)
    assert all(r.correct for r in result.reps)
    assert all("insufficient_depth" in r.errors and "form_pattern" not in r.errors for r in result.reps)


def test_a_model_only_judges_recordings_from_the_sources_it_was_fitted_on(monkeypatch):
    rec = _squats()
    monkeypatch.setattr(rep_batch, "form_models", lambda: {"squat": _constant_model(5.0, sources=("uiprmd",))})
    assert all(r.correct and not r.errors for r in analyze(rec, "squat").reps)


def test_two_dimensional_landmarks_are_never_judged_by_a_model(monkeypatch):
    monkeypatch.setattr(rep_batch, "form_models", lambda: {"squat": _constant_model(5.0)})
    result = analyze(_squats(dims=2), "squat")
    assert result.reps and all("form_pattern" not in r.errors for r in result.reps)
