"""Live (causal) repetition counting, fed one frame at a time."""

from dataclasses import dataclass

import numpy as np

from openmsk.motion.filters import OnePole
from openmsk.motion.geometry import angle_between
from openmsk.motion.recording import JOINT_INDEX
from openmsk.motion.segmentation import RepStateMachine, levels
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


class RepCounter:
    """Causal counter: one-pole low-pass, running baseline, own-range levels, hysteresis machine.

    Levels follow the same rules as the offline segmenter; the amplitude is the median peak of the
    reps seen so far (before the first rep, the spec's min_excursion is the only bar to pass).
    """

    def __init__(self, spec: MotionSpec, rate_hz: float = 30.0, side: str = "left",
                 min_excursion: float | None = None) -> None:
        self.spec, self.side = spec, side
        self.min_excursion = spec.min_excursion if min_excursion is None else min_excursion
        self.filter = OnePole(rate_hz)
        self.machine = RepStateMachine()
        self.baseline = np.inf
        self.peaks: list[float] = []
        self.times: list[float] = []
        self.values: list[float] = []
        self.count = 0
        self.partial = 0
        self._index = 0

    def update(self, t: float, value: float) -> RepEvent | None:
        """Feed one signal sample (NaN = no usable frame); returns an event when a rep finishes."""
        x = self.filter.update(float(value))
        i = self._index
        self._index += 1
        self.times.append(t)
        self.values.append(x)
        if x == x:
            self.baseline = min(self.baseline, x)
        base = self.baseline if np.isfinite(self.baseline) else 0.0
        amplitude = float(np.median(self.peaks)) if self.peaks else self.min_excursion
        window = self.machine.step(i, x, levels(base, amplitude, self.min_excursion))
        if window is None:
            return None
        start_value = self.values[window.start]
        peak_value = self.values[window.peak]
        self.peaks.append(peak_value - base)
        if window.complete:
            self.count += 1
        else:
            self.partial += 1
        kind = "rep_completed" if window.complete else "partial_rep"
        return RepEvent(kind, t, self.times[window.start], peak_value, peak_value - start_value,
                        self.count)

    def update_frame(self, t: float, positions: np.ndarray, confidence: np.ndarray) -> RepEvent | None:
        """Feed one frame of common-joint positions float[joints, d]; computes the spec's angle."""
        sig = self.spec.signal
        if sig.kind != "angle" or sig.a[0] in ("up", "down"):
            raise ValueError("update_frame supports two-segment angle signals; use update()")
        ids = [JOINT_INDEX[sided(n, self.side)] for n in (*sig.a, *sig.b)]
        if min(confidence[ids]) < self.spec.min_confidence:
            return self.update(t, np.nan)
        p = positions[ids]
        return self.update(t, float(angle_between(p[1] - p[0], p[3] - p[2])))

    def finish(self) -> RepEvent | None:
        """End of stream: an unfinished rep is reported as partial."""
        window = self.machine.finish(self._index)
        if window is None:
            return None
        self.partial += 1
        peak = self.values[window.peak]
        return RepEvent("partial_rep", self.times[-1], self.times[window.start], peak,
                        peak - self.values[window.start], self.count)
