"""Offline segmentation's excursions as columns: every rise from rest found, joined and windowed at once.

`segmentation.segment` walks turning points once per finite run; everything after that is
array arithmetic over all excursions together. Only where two excursions may have to be joined
(a dip that never got back to rest, or a rebound) does it fall back to `segmentation`'s
one-at-a-time rules, from that excursion on, so the result is exactly theirs.
"""

from typing import NamedTuple

import numpy as np

from openmsk.motion.frame_spans import falling_stops, first_at_or_below, last_at_or_below


class Excursions(NamedTuple):
    """Column per `segmentation._Excursion` field, one row per excursion, in frame order."""

    left: np.ndarray  # intp
    peak: np.ndarray  # intp
    right: np.ndarray  # intp
    rise: np.ndarray  # float
    fall: np.ndarray  # float
    left_open: np.ndarray  # bool
    right_open: np.ndarray  # bool
    run_end: np.ndarray  # intp
    stream_end: np.ndarray  # bool

    @property
    def height(self) -> np.ndarray:
        """`_Excursion.height` of every row."""
        both = np.where(self.fall < self.rise, self.fall, self.rise)  # min(rise, fall) as Python's min picks it
        return np.where(self.left_open, self.fall, np.where(self.right_open, self.rise, both))


def find(x: np.ndarray, baseline: float, height: float, runs: list[tuple[int, int]], turning_points) -> Excursions:
    """Rises of at least `height` from rest and what followed them, per finite run (`runs`; a gap ends a run)."""
    # turning_points(k, height, rising): segmentation's walk over run k.
    parts = []
    for k, (a, b) in enumerate(runs):
        seg = x[a:b]
        left_open = bool(seg[0] >= baseline + height)  # the run starts mid-rep
        points = np.array(turning_points(k, height, left_open), dtype=np.intp)
        ks = np.arange(0 if left_open else 1, len(points), 2)
        if not len(ks):
            continue
        values = seg[points]
        peak = points[ks]
        left = points[np.maximum(ks - 1, 0)]
        right = points[np.minimum(ks + 1, len(points) - 1)]
        before = values[np.maximum(ks - 1, 0)]
        after = values[np.minimum(ks + 1, len(points) - 1)]
        first_open = np.zeros(len(ks), dtype=bool)
        right_open = ks == len(points) - 1  # never fell back by `height` before the run ended
        if left_open:
            left[0], before[0], first_open[0] = 0, baseline, True
        if right_open[-1]:
            p = int(peak[-1])
            right[-1] = p + int(np.argmin(seg[p:]))
            after[-1] = seg[right[-1]]
        n = len(ks)
        parts.append((left + a, peak + a, right + a, values[ks] - before, values[ks] - after, first_open,
                      right_open, np.full(n, b - 1, dtype=np.intp), np.full(n, b == len(x))))
    if not parts:
        empty_i, empty_b = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool)
        return Excursions(empty_i, empty_i, empty_i, np.zeros(0), np.zeros(0), empty_b, empty_b, empty_i, empty_b)
    return Excursions(*(np.concatenate(col) for col in zip(*parts, strict=True)))


def rows(table: Excursions, lo: int, excursion_type, hi: int | None = None) -> list:
    """Rows lo..hi (exclusive; to the end when None) as `excursion_type` objects (segmentation's `_Excursion`)."""
    cols = [c[lo:hi].tolist() for c in table]
    return [excursion_type(*row) for row in zip(*cols, strict=True)]


def from_rows(found: list, head: Excursions, lo: int) -> Excursions:
    """The first `lo` rows of `head` followed by `found` (objects), as one table."""
    tail = [np.array([getattr(e, f) for e in found], dtype=c.dtype) for f, c in zip(Excursions._fields, head,
                                                                                    strict=True)]
    return Excursions(*(np.concatenate((c[:lo], t)) for c, t in zip(head, tail, strict=True)))


def join_candidates(x: np.ndarray, t: Excursions, held_share: float, rebound_fraction: float) -> np.ndarray:
    """Per row, joining it to the row before: 0 no, 1 yes (a held dip), 2 only if the rebound test says so."""
    out = np.zeros(len(t.left), dtype=np.int8)
    if len(t.left) < 2:
        return out
    height = t.height
    prev, cur = slice(0, -1), slice(1, None)
    touch = (t.right[prev] == t.left[cur]) & ~t.left_open[cur]
    dip = x[t.left[cur]]
    prev_rest = x[t.peak[prev]] - t.rise[prev]
    held = (dip - prev_rest > held_share * t.rise[prev]) & (dip - x[t.right[cur]] > held_share * t.fall[cur])
    small = height[cur] < rebound_fraction * height[prev]
    out[1:] = np.where(touch & held, 1, np.where(touch & small, 2, 0))
    return out


class Windows(NamedTuple):
    """Per rep: window frames, completeness and the reason code (index into REASONS)."""

    start: list
    peak: list
    end: list
    complete: list
    reason: list


REASONS = ("", "shallow", "no_return", "gap")


def windows(x: np.ndarray, t: Excursions, count: float, rest_tolerance: float, return_share: float) -> Windows:
    """Each rep's window, computed for all reps at once (see `segmentation._windows`)."""
    starts = last_at_or_below(x, t.left, t.peak, x[t.left] + rest_tolerance * t.rise)
    ends = first_at_or_below(x, t.peak, t.right, x[t.right] + rest_tolerance * t.fall)
    stops = falling_stops(x)
    settled = stops[np.searchsorted(stops, ends)]
    start = np.where(t.left_open, t.left, starts)
    cut = t.right_open & (t.fall < return_share * t.rise)
    complete = ~cut & (t.height >= count)
    end = np.where(cut, t.run_end, settled)
    reason = np.where(cut, np.where(t.stream_end, 2, 3), np.where(complete, 0, 1))
    return Windows(start.tolist(), t.peak.tolist(), end.tolist(), complete.tolist(), reason.tolist())
