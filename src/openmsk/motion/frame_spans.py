"""Searches over many spans of frames at once, on one gathered frame index (no per-span loop)."""

import numpy as np


def spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated frame indices lo[k]..hi[k] (inclusive) of every span, and where each span begins."""
    lengths = hi - lo + 1
    begins = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    frames = np.arange(int(lengths.sum())) - np.repeat(begins - lo, lengths)
    return frames, begins


def last_at_or_below(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per span lo..hi, the last frame with x at or below its level (-1 when none)."""
    frames, begins = spans(lo, hi)
    hit = x[frames] <= np.repeat(level, hi - lo + 1)
    return np.maximum.reduceat(np.where(hit, frames, -1), begins)


def first_at_or_below(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per span lo..hi, the first frame with x at or below its level (len(x) when none)."""
    frames, begins = spans(lo, hi)
    hit = x[frames] <= np.repeat(level, hi - lo + 1)
    return np.minimum.reduceat(np.where(hit, frames, len(x)), begins)


def falling_stops(x: np.ndarray) -> np.ndarray:
    """Sorted frames after which the signal does not fall on (the next is higher, equal or a gap)."""
    nxt = x[1:]
    with np.errstate(invalid="ignore"):
        falls = np.isfinite(nxt) & (nxt < x[:-1])
    return np.append(np.flatnonzero(~falls), len(x) - 1)
