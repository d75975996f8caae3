"""Live (causal) repetition counting, fed one frame at a time."""

import math
from dataclasses import dataclass
from statistics import median

from openmsk.motion.filters import OnePole
from openmsk.motion.recording import JOINT_INDEX
from openmsk.motion.segmentation import Levels, RepStateMachine, levels
from openmsk.motion.signals import sided
from openmsk.motion.specs import MotionSpec


@dataclass(frozen=True)
class RepEvent:
    """Emitted when a repetition finishes: kind is "rep_completed" or "partial_rep"."""

    kind: str
    t: float
    start_t: float
    peak_value: float
    rom: float
    count: int
    start_index: int = 0
    peak_index: int = 0
    end_index: int = 0


def angle_deg(u, v) -> float:
    """Angle in degrees between two 2D or 3D vectors (pure Python: cheaper than numpy per frame)."""
    if len(u) == 2:
        dot, nu, nv = u[0] * v[0] + u[1] * v[1], u[0] * u[0] + u[1] * u[1], v[0] * v[0] + v[1] * v[1]
    else:
        ux, uy, uz = u[0], u[1], u[2]
        vx, vy, vz = v[0], v[1], v[2]
        dot, nu, nv = ux * vx + uy * vy + uz * vz, ux * ux + uy * uy + uz * uz, vx * vx + vy * vy + vz * vz
    norm = math.sqrt(nu * nv)
    if not norm:
        return math.nan
    c = dot / norm
    return math.degrees(math.acos(1.0 if c > 1.0 else -1.0 if c < -1.0 else c))


def _diff(p, q) -> tuple[float, ...]:
    return (q[0] - p[0], q[1] - p[1]) if len(p) == 2 else (q[0] - p[0], q[1] - p[1], q[2] - p[2])


class RepCounter:
    """Causal counter: one-pole low-pass, running baseline, own-range levels, hysteresis machine.

    Levels follow the same rules as the offline segmenter; the amplitude is the median peak of the
    reps seen so far (before the first rep, the spec's min_excursion is the only bar to pass).
    Per-frame work is plain Python on floats: levels are recomputed only when the baseline or the
    amplitude changes, which keeps live latency far below a frame interval.
    """

    def __init__(self, spec: MotionSpec, rate_hz: float = 30.0, side: str = "left",
                 min_excursion: float | None = None) -> None:
        self.spec, self.side = spec, side
        self.min_excursion = spec.min_excursion if min_excursion is None else min_excursion
        self.filter = OnePole(rate_hz)
        self.machine = RepStateMachine()
        self.baseline = math.inf
        self.peaks: list[float] = []
        self.times: list[float] = []
        self.values: list[float] = []
        self.count = 0
        self.partial = 0
        self._index = 0
        self._amplitude = self.min_excursion
        self._levels: Levels = levels(0.0, self._amplitude, self.min_excursion)
        self._ids: list[int] | None = None

    def _refresh_levels(self) -> None:
        base = self.baseline if self.baseline != math.inf else 0.0
        self._levels = levels(base, self._amplitude, self.min_excursion)

    def update(self, t: float, value: float) -> RepEvent | None:
        """Feed one signal sample (NaN = no usable frame); returns an event when a rep finishes."""
        x = self.filter.update(value)
        i = self._index
        self._index += 1
        self.times.append(t)
        self.values.append(x)
        if x == x and x < self.baseline:
            self.baseline = x
            self._refresh_levels()
        window = self.machine.step(i, x, self._levels)
        if window is None:
            return None
        start_value, peak_value = self.values[window.start], self.values[window.peak]
        base = self.baseline if self.baseline != math.inf else 0.0
        self.peaks.append(peak_value - base)
        self._amplitude = float(median(self.peaks))
        self._refresh_levels()
        if window.complete:
            self.count += 1
        else:
            self.partial += 1
        kind = "rep_completed" if window.complete else "partial_rep"
        return RepEvent(kind, t, self.times[window.start], peak_value, peak_value - start_value,
                        self.count, window.start, window.peak, window.end)

    def update_frame(self, t: float, positions, confidence) -> RepEvent | None:
        """Feed one frame of common-joint positions float[joints, d]; computes the spec's angle."""
        if self._ids is None:
            sig = self.spec.signal
            if sig.kind != "angle" or sig.a[0] in ("up", "down"):
                raise ValueError("update_frame supports two-segment angle signals; use update()")
            self._ids = [JOINT_INDEX[sided(n, self.side)] for n in (*sig.a, *sig.b)]
        a, b, c, d = self._ids
        if min(confidence[a], confidence[b], confidence[c], confidence[d]) < self.spec.min_confidence:
            return self.update(t, math.nan)
        if hasattr(positions, "tolist"):  # a numpy frame: one conversion beats four row lookups
            positions = positions.tolist()
        return self.update(t, angle_deg(_diff(positions[a], positions[b]), _diff(positions[c], positions[d])))

    def finish(self) -> RepEvent | None:
        """End of stream: an unfinished rep is reported as partial."""
        window = self.machine.finish(self._index)
        if window is None:
            return None
        self.partial += 1
        peak = self.values[window.peak]
        return RepEvent("partial_rep", self.times[-1], self.times[window.start], peak,
                        peak - self.values[window.start], self.count, window.start, window.peak,
                        max(window.start, self._index - 1))
