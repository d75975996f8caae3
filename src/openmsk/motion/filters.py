"""Smoothing (causal for live use, zero-phase offline) and confidence gating with gap handling."""

from functools import lru_cache

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, lfilter

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
    same_length: dict[int, list[int]] = {}
    for start, stop in finite_runs(x):
        if stop - start <= 9:
            out[start:stop] = x[start:stop]
        else:
            same_length.setdefault(stop - start, []).append(start)
    for n, starts in same_length.items():
        # Gustafsson's method solves for the initial conditions over the whole segment unless told how
        # long the impulse response is; with it, the solve is bounded and the result the same.
        bound = irlen if n > 2 * irlen else None
        if len(starts) == 1:
            out[starts[0]:starts[0] + n] = _gust(rate_hz, cutoff_hz, x[starts[0]:starts[0] + n], bound)
            continue
        # Runs of one length (a recording cut by regular dropouts) filtered as the rows of one array.
        frames = np.add.outer(np.array(starts, dtype=np.intp), np.arange(n))
        out[frames] = _gust(rate_hz, cutoff_hz, x[frames], bound)
    return out


def _gust(rate_hz: float, cutoff_hz: float, x: np.ndarray, irlen: int | None) -> np.ndarray:
    """`scipy.signal.filtfilt(b, a, x, method="gust", irlen=irlen)` along the last axis (one signal or rows of them)."""
    # SciPy's `_filtfilt_gust`, to ~1e-12 of its output (a test checks it), with what depends only on the
    # filter and the solve length built once: the least-squares solve for the initial conditions is
    # linear in the end differences, so it is one cached matrix applied to every row at once. On the
    # ~100-sample runs between gaps, the per-call checks of lfilter and lstsq cost more than the filtering.
    b, a = _coefficients(rate_hz, cutoff_hz)
    n = x.shape[-1]
    m = n if irlen is None or n <= 2 * irlen else irlen
    y_f = _linear_filter(b, a, x, -1)
    y_fb = _linear_filter(b, a, y_f[..., ::-1], -1)[..., ::-1]
    delta = _end_differences(b, a, x, y_fb, m, irlen)
    if not np.isfinite(delta).all():  # what lstsq's input check would refuse
        raise ValueError("array must not contain infs or NaNs")
    wic = delta @ _gust_gain(rate_hz, cutoff_hz, m, m == n).T
    y_opt = y_fb
    if m == n:
        y_opt += wic
    else:
        y_opt[..., :m] += wic[..., :m]
        y_opt[..., -m:] += wic[..., -m:]
    return y_opt


def _end_differences(b: np.ndarray, a: np.ndarray, x: np.ndarray, y_fb: np.ndarray, m: int,
                     irlen: int | None) -> np.ndarray:
    """Backward-forward minus forward-backward filtering of x (last axis), at the m samples Gustafsson solves for.

    The whole signal when m is its length. Otherwise only the first and last m samples are needed, and
    each depends on the signal only through an impulse response that is negligible after `irlen`
    samples: filtering m + irlen samples at each end gives them to ~1e-12 of the full passes (the same
    bound as the solve's own) at a fraction of two full passes over a long recording.
    """
    n = x.shape[-1]
    if m == n:
        y_bf = _linear_filter(b, a, _linear_filter(b, a, x[..., ::-1], -1)[..., ::-1], -1)
        return y_bf - y_fb
    reach = m + irlen
    head_b = _linear_filter(b, a, x[..., reach - 1::-1], -1)[..., ::-1]  # backwards from sample reach - 1
    head = _linear_filter(b, a, head_b[..., :m], -1)
    tail_b = _linear_filter(b, a, x[..., :n - reach - 1:-1], -1)[..., ::-1]  # backwards from the end: exact
    tail = _linear_filter(b, a, tail_b, -1)[..., -m:]
    return np.concatenate((head - y_fb[..., :m], tail - y_fb[..., -m:]), axis=-1)


try:  # what `lfilter` calls for a >= 2-coefficient denominator and no initial state, without its checks
    from scipy.signal._sigtools import _linear_filter
except ImportError:  # pragma: no cover - a SciPy that moved it: the public function, same result
    def _linear_filter(b: np.ndarray, a: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
        return lfilter(b, a, x, axis=axis)

@lru_cache(maxsize=512)
def _gust_gain(rate_hz: float, cutoff_hz: float, m: int, whole: bool) -> np.ndarray:
    """The matrix taking Gustafsson's end differences to the initial-condition responses they call for.

    SciPy builds the system and response matrices below (`_filtfilt_gust`) and solves the system by least
    squares for each signal; the solution is the pseudo-inverse times the differences, so the response
    matrix times the pseudo-inverse maps differences to responses in one product.
    """
    # m: samples solved for at each end; whole: the segment is m samples long (one block, not two).
    b, a = _coefficients(rate_hz, cutoff_hz)
    order = max(len(b), len(a)) - 1
    obs = np.zeros((m, order))
    zi = np.zeros(order)
    zi[0] = 1
    obs[:, 0] = lfilter(b, a, np.zeros(m), zi=zi)[0]
    for k in range(1, order):
        obs[k:, k] = obs[:-k, 0]
    obsr = obs[::-1]
    s = lfilter(b, a, obs[::-1], axis=0)
    sr = s[::-1]
    if whole:
        M = np.hstack((sr - obs, obsr - s))
        W = np.hstack((sr, obsr))
    else:
        M = np.zeros((2 * m, 2 * order))
        M[:m, :order] = sr - obs
        M[m:, order:] = obsr - s
        W = np.zeros((2 * m, 2 * order))
        W[:m, :order] = sr
        W[m:, order:] = obsr
    gain = W @ np.linalg.pinv(M)
    gain.flags.writeable = False
    return gain


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


# Up to this window, a compare-exchange network over whole arrays is faster than SciPy's running median
# (speed only: both give the same values; 9 samples, 0.25 s at 30 frames/s: 0.23 ms against 0.52 ms
# per 11,000 samples; from 15 on the network is the slower).
NETWORK_MAX_SIZE = 13


@lru_cache(maxsize=16)
def median_network(size: int) -> tuple[tuple[int, int, bool, bool], ...]:
    """Compare-exchange steps (low wire, high wire, keep min, keep max) leaving the median on the middle wire.

    Batcher's odd-even merge sort for any `size` (Knuth, The Art of Computer Programming vol. 3, 5.3.4),
    cut back to the steps, and the halves of steps, that the middle output depends on.
    """
    steps, p = [], 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                        steps.append((i + j, i + j + k))
            k //= 2
        p *= 2
    needed, kept = {size // 2}, []
    for low, high in reversed(steps):
        if low in needed or high in needed:
            kept.append((low, high, low in needed, high in needed))
            needed |= {low, high}
    return tuple(reversed(kept))


def running_median(x: np.ndarray, size: int) -> np.ndarray:
    """`scipy.ndimage.median_filter(x, size, mode="nearest")` of a finite 1-D signal (odd `size`), same values."""
    if size > NETWORK_MAX_SIZE or not len(x):
        return median_filter(x, size=size, mode="nearest")
    half, n = size // 2, len(x)
    padded = np.concatenate((np.repeat(x[:1], half), x, np.repeat(x[-1:], half)))
    wires = [padded[k:k + n] for k in range(size)]  # wire k: each sample's k-th neighbour in its window
    for low, high, keep_min, keep_max in median_network(size):
        a, b = wires[low], wires[high]
        if keep_min:
            wires[low] = np.minimum(a, b)
        if keep_max:
            wires[high] = np.maximum(a, b)
    return np.array(wires[half])


def finite_runs(x: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of consecutive finite samples."""
    ok = np.isfinite(x)
    if not len(ok):
        return []
    # Every change of finiteness starts or ends a run; they alternate, from a start when x[0] is finite.
    edges = (np.flatnonzero(ok[1:] != ok[:-1]) + 1).tolist()
    edges = ([0] if ok[0] else []) + edges + ([len(ok)] if ok[-1] else [])
    return list(zip(edges[::2], edges[1::2], strict=True))


def gate(x: np.ndarray, confidence: np.ndarray, min_confidence: float) -> np.ndarray:
    """Low-confidence samples become gaps (NaN)."""
    return np.where(confidence >= min_confidence, x, np.nan)


def fill_short_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate interior gaps up to max_gap_s; longer gaps stay NaN (they split the stream)."""
    out = np.array(x, dtype=float)
    good = np.isfinite(out)
    if good.sum() < 2:
        return out
    edges = np.diff(np.concatenate(([1], good.astype(np.int8), [1])))
    starts, stops = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)  # gap runs
    inner = (starts > 0) & (stops < len(out))
    starts, stops = starts[inner], stops[inner]
    short = t[stops] - t[starts - 1] <= max_gap_s
    starts, stops = starts[short], stops[short]
    if not len(starts):
        return out
    lengths = stops - starts
    frames = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths - starts, lengths)
    ends = [np.repeat(v, lengths) for v in (t[starts - 1], t[stops], out[starts - 1], out[stops])]
    out[frames] = _interp2(t[frames], *ends)
    return out


def _interp2(x: np.ndarray, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """`np.interp(x, [x0, x1], [y0, y1])` element-wise, for many two-point segments at once."""
    # The same operations as NumPy's C loop: slope times offset plus start; the end values at and
    # past the ends; when that is NaN, from the other end, then a flat segment's level.
    with np.errstate(all="ignore"):
        slope = (y1 - y0) / (x1 - x0)
        out = slope * (x - x0) + y0
        lost = np.isnan(out)
        if lost.any():
            out = np.where(lost, slope * (x - x1) + y1, out)
            out = np.where(np.isnan(out) & (y0 == y1), y0, out)
    out = np.where(x == x0, y0, out)
    out = np.where(x >= x1, y1, out)
    return np.where(x < x0, y0, out)
