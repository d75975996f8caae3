"""The side picker's score-bound shortcut picks exactly the side that scoring every side picks."""

import numpy as np
import pytest

from openmsk.motion.segmentation import segment
from openmsk.motion.signals import detect_side
from openmsk.motion.specs import load_specs
from openmsk.motion.trace import jitter_weight, pick_side, rises


@pytest.fixture(scope="module")
def spec():
    return load_specs()["standing_shoulder_abduction"]


def _reference_pick(per_side, confs, spec, raw):
    """pick_side as it was before the shortcut: every side segmented and scored."""
    scores = {}
    for side, x in per_side.items():
        finite = x[np.isfinite(x)]
        low, high = np.percentile(finite, [2, 98]).tolist() if len(finite) >= 3 else (None, None)
        windows = [w for w in segment(x, spec.min_excursion, None if low is None else (low, high)) if w.complete]
        if not windows or not len(finite):
            scores[side] = 0.0
            continue
        at_rest = float(np.mean(finite < low + 0.3 * (high - low)))
        smooth = jitter_weight(raw[side], x, high - low)
        scores[side] = at_rest * smooth * sum(float(x[w.peak] - x[w.start]) for w in windows)
    if max(scores.values()) <= 0:
        return detect_side(per_side, confs)
    return max(scores, key=lambda s: scores[s])


def _reps(amplitude, reps, rng, frames=1200, noise=0.3):
    t = np.arange(frames) / 30.0
    x = 20 + amplitude * np.clip(np.sin(2 * np.pi * t * reps / t[-1] - np.pi / 2) + 0.2, 0, None)
    return x + rng.normal(0, noise, frames)


def _sides(left, right):
    per_side = {"left": left, "right": right}
    return per_side, {s: np.ones_like(v) for s, v in per_side.items()}


def test_the_side_that_cannot_outscore_the_other_is_not_segmented(spec):
    rng = np.random.default_rng(1)
    per_side, confs = _sides(_reps(40, 3, rng), _reps(120, 10, rng))
    found = {}
    side = pick_side(per_side, confs, spec, per_side, found)
    assert side == _reference_pick(per_side, confs, spec, per_side) == "right"
    assert list(found) == ["right"]
    assert found["right"] == segment(per_side["right"], spec.min_excursion)


def test_both_sides_are_segmented_when_the_weaker_bound_could_still_win(spec):
    rng = np.random.default_rng(2)
    per_side, confs = _sides(_reps(100, 8, rng), _reps(100, 8, rng))
    found = {}
    side = pick_side(per_side, confs, spec, per_side, found)
    assert side == _reference_pick(per_side, confs, spec, per_side)
    assert sorted(found) == ["left", "right"]


def test_rises_is_never_below_the_score():
    rng = np.random.default_rng(3)
    spec = load_specs()["standing_shoulder_abduction"]
    for _ in range(50):
        x = _reps(rng.uniform(20, 150), int(rng.integers(1, 12)), rng, noise=rng.uniform(0, 5))
        x[rng.integers(0, len(x), 20)] = np.nan
        windows = [w for w in segment(x, spec.min_excursion) if w.complete]
        assert sum(float(x[w.peak] - x[w.start]) for w in windows) <= rises(x)


def test_pick_matches_scoring_every_side_on_random_pairs(spec):
    rng = np.random.default_rng(4)
    for _ in range(60):
        pair = [_reps(rng.uniform(5, 150), int(rng.integers(1, 12)), rng, noise=rng.uniform(0, 4)) for _ in range(2)]
        for x in pair:
            if rng.random() < 0.3:
                x[rng.integers(0, len(x), 30)] = np.nan
        per_side, confs = _sides(*pair)
        raw = {s: v + rng.normal(0, rng.uniform(0, 3), len(v)) for s, v in per_side.items()}
        assert pick_side(per_side, confs, spec, raw) == _reference_pick(per_side, confs, spec, raw)
