"""Repetition segmentation: offline from turning points, live from a hysteresis state machine.

A rep rises out of rest by at least an "attempt" height and comes back down. Heights are relative to
the person's own typical excursion in the recording, never below the spec's absolute
`min_excursion`, so a small dip (stance adjustment, sway) is not a rep while shallow reps of an
uneven set still count. Offline, each rep is measured from its own rest levels on either side (so
a drifting rest level does not hide reps); a dip that never got back to rest or a rebound straight
out of a return is part of the rep before it. A rep is partial when it stays under the "count"
height, or when the stream ends or a long gap interrupts it before it comes back.
The live counter (streaming.py) steps `RepStateMachine` over fixed `levels` instead.
"""

import dataclasses
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from openmsk.motion.excursions import REASONS, Excursions, find, from_rows, join_candidates, rows, windows
from openmsk.motion.filters import finite_runs
from openmsk.motion.geometry import percentiles

# Live levels, fractions of the observed amplitude (CONFIG: chosen on UI-PRMD + IRDS).
ATTEMPT_FRACTION = 0.3
COUNT_FRACTION = 0.5
RETURN_FRACTION = 0.25
# Offline heights, fractions of the median excursion (CONFIG: UI-PRMD 10-rep streams give the same
# count for attempt 0.2-0.3 and count 0.25-0.3; incorrect sets mix reps of a third and of the full
# typical range). A rise between the two is a shallow attempt, reported as partial.
OFFLINE_ATTEMPT_FRACTION = 0.25
OFFLINE_COUNT_FRACTION = 0.3
# A rep starts and ends where the signal is within 10% of its excursion of the rest level; one cut
# off by the end of the stream counts once it came back 75% of its rise (the live return level);
# a dip that stays in the upper half of both neighbouring rises is not a return (CONFIG).
REST_TOLERANCE = 0.1
RETURN_SHARE = 0.75
HELD_SHARE = 0.5
# A rise under half the previous rep that starts with less rest than 30% of that rep's rise
# time is a rebound of that rep, not a new one (CONFIG: stepping out of CMU lunges rests 0.12-0.27 of
# the rise time, separate UI-PRMD reps 0.38 and more).
REBOUND_FRACTION = 0.5
REBOUND_REST_SHARE = 0.3


class RepWindow(NamedTuple):
    """Frame indices of one repetition and whether it was complete."""

    # A named tuple (immutable, like the frozen dataclass it was): a long recording makes hundreds of
    # windows, and a frozen dataclass costs several times more to create.

    start: int
    peak: int
    end: int
    complete: bool
    reason: str = ""  # why partial: "shallow", "no_return", "gap"


@dataclass(frozen=True)
class Levels:
    """Signal levels that drive the state machine."""

    attempt: float
    count: float
    ret: float


def levels(baseline: float, amplitude: float, min_excursion: float) -> Levels:
    """Attempt/count/return levels for a baseline and amplitude, never under min_excursion."""
    return Levels(
        attempt=baseline + max(ATTEMPT_FRACTION * amplitude, min_excursion),
        count=baseline + max(COUNT_FRACTION * amplitude, min_excursion),
        ret=baseline + min(RETURN_FRACTION * amplitude, 0.8 * min_excursion + 0.1 * amplitude),
    )


class RepStateMachine:
    """Hysteresis state machine over a filtered, oriented signal (bigger = further from start)."""

    def __init__(self) -> None:
        self.in_rep = False
        self.start = self.peak = 0
        self.peak_value = -np.inf
        self.rest_index = 0
        self.rest_value = np.inf

    def step(self, i: int, x: float, lv: Levels) -> RepWindow | None:
        """Advance one frame; returns a finished (complete or partial) window, else None."""
        if x != x:  # gap: an unfinished rep becomes partial
            return self._abort(i, "gap")
        if not self.in_rep:
            # Start = the last frame in the rest zone (or the lowest frame when never at rest).
            if x < lv.ret or x <= self.rest_value:
                self.rest_index, self.rest_value = i, min(x, self.rest_value)
            if x >= lv.attempt:
                self.in_rep, self.start = True, self.rest_index
                self.peak, self.peak_value = i, x
            return None
        if x > self.peak_value:
            self.peak, self.peak_value = i, x
        if x < lv.ret:
            window = RepWindow(self.start, self.peak, i, self.peak_value >= lv.count,
                               "" if self.peak_value >= lv.count else "shallow")
            self._reset(i, x)
            return window
        return None

    def finish(self, i: int) -> RepWindow | None:
        """End of stream: an unfinished rep becomes partial."""
        return self._abort(i, "no_return")

    def _abort(self, i: int, reason: str) -> RepWindow | None:
        window = RepWindow(self.start, self.peak, i, False, reason) if self.in_rep else None
        self._reset(i, np.inf)
        return window

    def _reset(self, i: int, x: float) -> None:
        self.in_rep = False
        self.peak_value = -np.inf
        self.rest_index, self.rest_value = i, x


def robust_baseline_amplitude(x: np.ndarray) -> tuple[float, float]:
    """Rest level (2nd percentile) and robust amplitude (98th minus 2nd percentile)."""
    finite = x[np.isfinite(x)]
    if len(finite) < 3:
        return 0.0, 0.0
    lo, hi = percentiles(finite, [2, 98])
    return lo, hi - lo


def segment(x: np.ndarray, min_excursion: float,
            percentiles: tuple[float, float] | None = None) -> list[RepWindow]:
    """Offline segmentation of a filtered signal (NaN = long gap) into complete and partial reps.

    Two passes: candidates against the robust range, then final heights from the median candidate
    excursion, so one outlier (a glitch or a single big rep) does not make ordinary reps look partial.
    Each rep is measured against the rest levels on either side of it, not a global baseline.
    """
    x = np.asarray(x)
    if percentiles is None:  # (the caller may have taken them: the 2nd and 98th of >= 3 finite samples)
        baseline, amplitude = robust_baseline_amplitude(x)
    else:
        baseline, amplitude = float(percentiles[0]), float(percentiles[1] - percentiles[0])
    if amplitude < min_excursion:
        return []
    runs = finite_runs(x)
    pivots = [_pivots(x[a:b]) for a, b in runs]  # the same for both heights

    def walk(k: int, height: float, rising: bool) -> list[int]:
        return _walk(x[runs[k][0]], pivots[k], height, rising)

    heights = find(x, baseline, max(OFFLINE_ATTEMPT_FRACTION * amplitude, min_excursion), runs, walk).height
    typical = float(np.median(heights)) if len(heights) else amplitude
    found = find(x, baseline, max(OFFLINE_ATTEMPT_FRACTION * typical, min_excursion), runs, walk)
    count = max(OFFLINE_COUNT_FRACTION * typical, min_excursion)
    return _windows(x, _merge(x, found), count)


@dataclass(slots=True)
class _Excursion:
    """One rise from rest to a peak and back, found between turning points."""

    left: int  # lowest point before the rise (or the run start)
    peak: int
    right: int  # lowest point after the peak (or the run end)
    rise: float
    fall: float
    left_open: bool  # the run started already out of rest: the rise was not seen
    right_open: bool  # the run ended before the signal came back down
    run_end: int  # last index of the finite run
    stream_end: bool  # the run is the end of the stream (not a gap)

    @property
    def height(self) -> float:
        """Excursion that both sides saw (the rise alone when the signal never came back)."""
        if self.left_open:
            return self.fall
        return self.rise if self.right_open else min(self.rise, self.fall)

    def start(self, x: np.ndarray) -> int:
        """Last frame of the rest before the rise (the run start when the rise was not seen)."""
        if self.left_open:
            return self.left
        rest = x[self.left] + REST_TOLERANCE * self.rise
        return self.left + int(np.flatnonzero(x[self.left:self.peak + 1] <= rest)[-1])


def _turning_points(seg: np.ndarray, height: float, rising: bool) -> list[int]:
    """Alternating trough/peak indices (first one a peak when `rising`), each `height` apart."""
    return _walk(seg[0], _pivots(seg), height, rising)


def _walk(first: float, pivots: tuple[list[int], list[float]], height: float, rising: bool) -> list[int]:
    """`_turning_points` from the run's first value and its `_pivots`."""
    points, hi, lo = [], 0, 0
    top = bottom = float(first)
    for i, v in zip(*pivots, strict=True):
        if rising:
            if v > top:
                hi, top = i, v
            elif v < top - height:
                points.append(hi)
                rising, lo, bottom = False, i, v
        else:
            if v < bottom:
                lo, bottom = i, v
            elif v > bottom + height:
                points.append(lo)
                rising, hi, top = True, i, v
    points.append(hi if rising else lo)  # the unfinished last turn
    return points


def _pivots(seg: np.ndarray) -> tuple[list[int], list[float]]:
    """Frames after the first where the signal turns (first frame of a flat turn) and the last change.

    Between them the signal only rises or only falls, so every peak, trough and height crossing that
    the turning-point walk reacts to is decided at one of them: walking these few frames gives the
    same turning points as walking every frame.
    """
    changes = np.flatnonzero(seg[1:] != seg[:-1]) + 1  # first frame of each run of equal values
    if not len(changes):
        return [], []
    runs = np.concatenate(([0], changes))
    rises = seg[runs[1:]] > seg[runs[:-1]]
    turns = np.flatnonzero(rises[1:] != rises[:-1]) + 1
    frames = np.append(runs[turns], runs[-1])
    return frames.tolist(), seg[frames].tolist()


def _excursions(x: np.ndarray, baseline: float, height: float) -> Excursions:
    """Rises of at least `height` from rest and what followed them, per finite run (a gap ends a run)."""
    runs = finite_runs(x)
    return find(x, baseline, height, runs, lambda k, h, rising: _turning_points(x[slice(*runs[k])], h, rising))


def _joined(x: np.ndarray, a: _Excursion, b: _Excursion) -> _Excursion:
    """One excursion from a's rest to b's, peaking at the higher of their peaks."""
    peak = a.peak if x[a.peak] >= x[b.peak] else b.peak
    return dataclasses.replace(a, peak=peak, right=b.right, rise=a.rise + float(x[peak] - x[a.peak]),
                               fall=float(x[peak] - x[b.right]), right_open=b.right_open,
                               run_end=b.run_end, stream_end=b.stream_end)


def _merge(x: np.ndarray, found: Excursions) -> Excursions:
    """Join excursions that are one rep: a dip that never got back to rest, or a rebound.

    A dip that stays in the upper half of both neighbouring rises is a pause or a double bounce on
    the way down, not a return. A rise under half the previous rep that starts while that rep is
    still settling is part of it: stepping back out of a lunge flexes the front knee again, and a
    returning limb can overshoot and bounce.
    """
    # Every pair is tested at once; from the first pair that joins on, pairs are taken one at a time
    # (a joined excursion is the previous one of the next pair).
    decide = join_candidates(x, found, HELD_SHARE, REBOUND_FRACTION)
    for i in np.flatnonzero(decide).tolist():
        prev, e = rows(found, i - 1, _Excursion, i + 1)
        if decide[i] == 1 or _rebound(x, prev, e):
            return from_rows(_merge_rows(x, rows(found, i - 1, _Excursion)), found, i - 1)
    return found


def _rebound(x: np.ndarray, prev: _Excursion, e: _Excursion) -> bool:
    """A rise under half the previous rep, starting with less rest than REBOUND_REST_SHARE of its rise."""
    if not e.height < REBOUND_FRACTION * prev.height:
        return False
    dip = x[e.left]
    rest = np.count_nonzero(x[prev.peak:e.peak + 1] <= dip + REST_TOLERANCE * prev.height)
    return rest < REBOUND_REST_SHARE * (prev.peak - prev.start(x) + 1)


def _merge_rows(x: np.ndarray, found: list[_Excursion]) -> list[_Excursion]:
    """`_merge`, one excursion at a time."""
    out: list[_Excursion] = []
    for e in found:
        prev = out[-1] if out else None
        if prev is None or prev.right != e.left or e.left_open:
            out.append(e)
            continue
        dip, prev_rest = x[e.left], x[prev.peak] - prev.rise
        held = dip - prev_rest > HELD_SHARE * prev.rise and dip - x[e.right] > HELD_SHARE * e.fall
        if held or _rebound(x, prev, e):
            out[-1] = _joined(x, prev, e)
        else:
            out.append(e)
    return out


def _windows(x: np.ndarray, reps: Excursions, count: float) -> list[RepWindow]:
    """Each rep's window: from the end of the rest before it to where the return settles.

    The start is the last frame before the peak within 10% of the rise of the rest level, the end
    the first frame after it within 10% of the fall of the next rest, moved on while the signal
    still falls. All reps are measured together over one gathered frame index.
    """
    if not len(reps.left):
        return []
    start, peak, end, complete, reason = windows(x, reps, count, REST_TOLERANCE, RETURN_SHARE)
    # tuple.__new__ is what RepWindow's own constructor ends in, without a Python-level call per rep.
    table = zip(start, peak, end, complete, map(REASONS.__getitem__, reason), strict=True)
    return list(map(partial(tuple.__new__, RepWindow), table))
