"""Repetition segmentation: one hysteresis state machine, fed offline or frame by frame.

A rep leaves the start zone, passes an "attempt" level, and returns below a "return" level.
It is complete when its peak also passed the "count" level; otherwise (or when the stream ends or
a long gap interrupts it) it is partial. Levels are relative to the person's own observed range
(baseline b and amplitude A), never below the spec's absolute `min_excursion`, so a small dip
(stance adjustment, sway) is not a rep and shallow but consistent reps still count.
"""

from dataclasses import dataclass

import numpy as np

# Fractions of the observed amplitude (CONFIG: chosen on UI-PRMD + IRDS, validated leaving subjects out).
ATTEMPT_FRACTION = 0.3
COUNT_FRACTION = 0.5
RETURN_FRACTION = 0.25


@dataclass(frozen=True)
class RepWindow:
    """Frame indices of one repetition and whether it was complete."""

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
    lo, hi = np.percentile(finite, [2, 98])
    return float(lo), float(hi - lo)


def _run(x: np.ndarray, lv: Levels) -> list[RepWindow]:
    machine, out = RepStateMachine(), []
    for i, value in enumerate(x):
        window = machine.step(i, float(value), lv)
        if window:
            out.append(_settle_end(window, x))
    tail = machine.finish(len(x) - 1)
    if tail:
        out.append(tail)
    return out


def typical_amplitude(x: np.ndarray, baseline: float, windows: list[RepWindow], fallback: float) -> float:
    """Median peak excursion of candidate reps: the person's own usual range for this exercise."""
    peaks = [x[w.peak] - baseline for w in windows]
    return float(np.median(peaks)) if peaks else fallback


def segment(x: np.ndarray, min_excursion: float) -> list[RepWindow]:
    """Offline segmentation of a filtered signal (NaN = long gap) into complete and partial reps.

    Two passes: candidates against the robust range, then final levels from the median candidate
    peak, so one outlier (a glitch or a single big rep) does not make ordinary reps look partial.
    """
    baseline, amplitude = robust_baseline_amplitude(x)
    if amplitude < min_excursion:
        return []
    candidates = _run(x, levels(baseline, amplitude, min_excursion))
    typical = typical_amplitude(x, baseline, candidates, amplitude)
    return _run(x, levels(baseline, typical, min_excursion))


def _settle_end(window: RepWindow, x: np.ndarray) -> RepWindow:
    """Move the end from the return crossing to where the signal stops falling."""
    end = window.end
    while end + 1 < len(x) and np.isfinite(x[end + 1]) and x[end + 1] < x[end]:
        end += 1
    return RepWindow(window.start, window.peak, end, window.complete, window.reason)
