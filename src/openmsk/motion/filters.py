"""Smoothing (causal for live use, zero-phase offline) and confidence gating with gap handling."""

from functools import lru_cache

import numpy as np
from scipy.signal import butter, filtfilt, lfilter

# Human voluntary movement is mostly below ~6 Hz (Winter, Biomechanics and Motor Control of Human
# Movement, 4th ed., 2009, ch. 3); 4 Hz keeps the rep shape and removes landmark jitter.
DEFAULT_CUTOFF_HZ = 4.0


# The impulse response is cut where it has decayed below this share of its peak: far under float64
# rounding of the filtered signal, so Gustafsson's initial conditions stay the same to ~1e-12.
IMPULSE_TAIL = 1e-14


@lru_cache(maxsize=64)
def _coefficients(rate_hz: float, cutoff_hz: float, order: int = 2) -> tuple[np.ndarray, np.ndarray]:
    wn = min(cutoff_hz / (rate_hz / 2.0), 0.99)
    return butter(order, wn)


@lru_cache(maxsize=64)
def _impulse_length(rate_hz: float, cutoff_hz: float) -> int:
    """Samples until the low-pass impulse response is negligible (bounds the gust solve to this)."""
    b, a = _coefficients(rate_hz, cutoff_hz)
    n = 64
    while True:
        impulse = np.zeros(n)
        impulse[0] = 1.0
        h = np.abs(lfilter(b, a, impulse))
        above = np.flatnonzero(h > IMPULSE_TAIL * h.max())
        if above[-1] < n - 1 or n >= 1 << 16:
            return int(above[-1]) + 1
        n *= 2


def zero_phase(x: np.ndarray, rate_hz: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> np.ndarray:
    """Offline Butterworth low-pass applied forwards and backwards (no lag); NaNs stay NaN."""
    out = np.full_like(x, np.nan, dtype=float)
    b, a = _coefficients(rate_hz, cutoff_hz)
    irlen = _impulse_length(rate_hz, cutoff_hz)
    for start, stop in finite_runs(x):
        seg = x[start:stop]
        if len(seg) <= 9:
            out[start:stop] = seg
            continue
        # Gustafsson's method solves for the initial conditions over the whole segment unless told how
        # long the impulse response is; with it, the solve is bounded and the result the same.
        out[start:stop] = filtfilt(b, a, seg, method="gust", irlen=irlen if len(seg) > 2 * irlen else None)
    return out


def causal(x: np.ndarray, rate_hz: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> np.ndarray:
    """Causal Butterworth low-pass (what a live counter sees); NaNs stay NaN."""
    out = np.full_like(x, np.nan, dtype=float)
    b, a = _coefficients(rate_hz, cutoff_hz)
    for start, stop in finite_runs(x):
        seg = x[start:stop]
        zi = _steady_state(b, a) * seg[0]
        out[start:stop] = lfilter(b, a, seg, zi=zi)[0]
    return out


def _steady_state(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    from scipy.signal import lfilter_zi

    return lfilter_zi(b, a)


class OnePole:
    """Causal one-pole (exponential) low-pass for frame-by-frame use."""

    def __init__(self, rate_hz: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> None:
        self.alpha = 1.0 - float(np.exp(-2.0 * np.pi * cutoff_hz / rate_hz))
        self.value: float | None = None

    def update(self, x: float) -> float:
        """Feed one sample; returns the filtered value (NaN input resets the filter)."""
        if x != x:
            self.value = None
            return x
        self.value = x if self.value is None else self.value + self.alpha * (x - self.value)
        return self.value


def finite_runs(x: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of consecutive finite samples."""
    ok = np.isfinite(x).astype(np.int8)
    edges = np.diff(np.concatenate([[0], ok, [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def gate(x: np.ndarray, confidence: np.ndarray, min_confidence: float) -> np.ndarray:
    """Low-confidence samples become gaps (NaN)."""
    return np.where(confidence >= min_confidence, x, np.nan)


def fill_short_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate interior gaps up to max_gap_s; longer gaps stay NaN (they split the stream)."""
    out = x.astype(float).copy()
    good = np.isfinite(out)
    if good.sum() < 2:
        return out
    runs = finite_runs(np.where(good, np.nan, 0.0))
    for start, stop in runs:
        if start == 0 or stop == len(out):
            continue
        if t[stop] - t[start - 1] <= max_gap_s:
            out[start:stop] = np.interp(t[start:stop], [t[start - 1], t[stop]], [out[start - 1], out[stop]])
    return out
