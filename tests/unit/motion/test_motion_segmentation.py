"""Offline segmentation and signal cleaning on synthetic signals: uneven sets, drift, rebounds, glitches."""

import numpy as np
import pytest

from openmsk.motion.segmentation import segment
from openmsk.motion.signals import despike, twist_angle

RATE = 30.0


def _bump(depth: float, rep_s: float = 2.0) -> np.ndarray:
    n = int(rep_s * RATE)
    return depth * 0.5 * (1 - np.cos(np.linspace(0, 2 * np.pi, n)))


def _set(depths, rest_s: float = 1.0, base: float = 5.0) -> np.ndarray:
    rest = np.zeros(int(rest_s * RATE))
    return base + np.concatenate([rest] + [np.concatenate([_bump(d), rest]) for d in depths])


def _complete(windows) -> int:
    return sum(w.complete for w in windows)


def test_shallow_reps_of_an_uneven_set_still_count():
    windows = segment(_set([90, 30, 90, 35, 90]), min_excursion=20)
    assert _complete(windows) == 5
    assert not [w for w in windows if not w.complete]


def test_a_dip_under_min_excursion_is_not_a_rep_even_in_a_shallow_set():
    assert _complete(segment(_set([40, 15, 40]), min_excursion=20)) == 2


def test_reps_on_a_drifting_rest_level_are_each_counted():
    x = _set([30] * 6)
    x = x + np.linspace(0, 40, len(x))  # the resting posture creeps up by more than a rep's range
    assert _complete(segment(x, min_excursion=10)) == 6


def test_a_rebound_straight_out_of_the_return_belongs_to_that_rep():
    rep = np.concatenate([_bump(90, 2.0), np.zeros(30)])
    bounce = _bump(40, 0.8)
    rep[56:56 + len(bounce)] += bounce  # the knee bends again before the return has settled
    rest = np.zeros(int(RATE))
    x = 5 + np.concatenate([rest, rep, rest, rep, rest])
    windows = segment(x, min_excursion=20)
    assert _complete(windows) == 2 and len(windows) == 2


def test_a_small_rep_after_a_proper_rest_is_its_own_rep():
    rest = np.zeros(int(2 * RATE))
    x = 5 + np.concatenate([rest, _bump(90), rest, _bump(30), rest, _bump(90), rest])
    assert _complete(segment(x, min_excursion=20)) == 3


def test_a_pause_on_the_way_down_does_not_split_the_rep():
    down, up = _bump(90)[:30], _bump(90)[30:]
    pause = np.full(20, 90.0) - np.concatenate([np.linspace(0, 30, 10), np.linspace(30, 0, 10)])
    rest = np.zeros(int(RATE))
    x = 5 + np.concatenate([rest, down, pause, up, rest, _bump(90), rest])
    assert _complete(segment(x, min_excursion=20)) == 2


def test_a_rep_cut_off_after_coming_most_of_the_way_back_is_complete():
    x = _set([90, 90])
    tail = 5 + _bump(90)[: int(0.9 * 2 * RATE)]  # ends 10% of the way from rest
    windows = segment(np.concatenate([x, tail]), min_excursion=20)
    assert [w.complete for w in windows] == [True, True, True]


def test_a_gap_in_the_middle_of_a_rep_makes_it_partial():
    x = _set([90, 90, 90])
    first_rep_peak = int(RATE) + int(RATE)
    x[first_rep_peak:first_rep_peak + 30] = np.nan
    windows = segment(x, min_excursion=20)
    assert _complete(windows) == 2
    assert [w.reason for w in windows if not w.complete] == ["gap"]


def test_despike_removes_a_few_frames_of_tracking_glitch_and_keeps_the_rep():
    t = np.arange(150) / RATE
    x = _set([80], rest_s=1.5)[:150]
    glitched = x.copy()
    glitched[20:23] += 70  # three frames of a joint flipped to a wrong pose
    clean = despike(glitched, t)
    assert np.max(np.abs(clean[10:35] - x[10:35])) < 1.0
    assert clean.max() == pytest.approx(x.max(), rel=0.03)  # a running median shaves a peak slightly


def test_twist_angle_is_signed_so_a_turn_back_past_the_start_reads_negative():
    deg = np.concatenate([np.zeros(20), np.linspace(0, 100, 15), np.linspace(100, -20, 15),
                          np.linspace(-20, 0, 5), np.zeros(20)])  # forwards, back past vertical, rest
    n, turns = len(deg), np.radians(deg)
    axis = np.tile([1.0, 0.0, 0.0], (n, 1))  # upper arm pointing sideways
    up = np.tile([0.0, 1.0, 0.0], (n, 1))
    forearm = np.stack([np.zeros(n), np.cos(turns), np.sin(turns)], axis=1)
    assert twist_angle(up, forearm, axis) == pytest.approx(deg, abs=1e-6)
    mirrored = forearm * [1, 1, -1]  # the other arm, or coordinates of the other handedness
    assert twist_angle(up, mirrored, axis) == pytest.approx(deg, abs=1e-6)
