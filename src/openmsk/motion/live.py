"""Live feedback for one exercise set: MediaPipe Pose landmark frames in, feedback events out.

Pure (no web, no database): the WebSocket view feeds frames and stores `summary()` when it closes.
Frames are MediaPipe *world* landmarks (metres, hip-centred, y down): 33 x [x, y, z, visibility].
"""

import math

import numpy as np

from openmsk.motion.live_frames import FrameError, parse_frame
from openmsk.motion.live_reps import FormTrack, rep_measures
from openmsk.motion.live_signal import FrameSignal
from openmsk.motion.signals import SIDES
from openmsk.motion.specs import MotionSpec
from openmsk.motion.streaming import RepCounter, RepEvent

__all__ = ["FrameError", "LiveSession"]

HOLD_EVENT_EVERY_S = 0.5
NO_PERSON_WARNING_S = 2.0
TRACE_POINTS = 600


class LiveSession:
    """Counts reps causally, judges each finished rep and produces events for the member's screen."""

    def __init__(self, spec: MotionSpec, *, target_reps: int = 10, hold_s: float = 0.0,
                 rate_hz: float = 30.0) -> None:
        if spec.signal.kind not in ("angle", "height", "lateral"):
            raise ValueError("this exercise cannot be tracked from camera landmarks")
        self.spec, self.target_reps, self.hold_s = spec, max(1, target_reps), max(0.0, hold_s)
        self.sides = ("both",) if spec.sides == "both" else (spec.sides,) if spec.sides in SIDES else SIDES
        self.counters = {s: RepCounter(spec, rate_hz, side=s) for s in self.sides}
        # Per-exercise work done once: the landmark indices of each side's signal.
        self.signals = {s: FrameSignal(spec.signal, s, spec.min_confidence) for s in SIDES}
        self.form = FormTrack(keep=int(rate_hz * spec.max_rep_s * 2) + 60)
        self.frames = self.reps = self.partial = self.rejected = 0
        self.rep_details: list[dict] = []
        self.cues: list[dict] = []
        self.last_t = -math.inf
        self._last_rep_end = -math.inf
        self._hold_started: float | None = None
        self._hold_sent = 0.0
        self._no_person_since: float | None = None
        self._warned = False

    def feed(self, raw: object) -> list[dict]:
        """One frame in; the events it caused out (bad frames give a `frame_rejected` event)."""
        try:
            t, landmarks = parse_frame(raw, self.last_t)
        except FrameError as exc:
            self.rejected += 1
            return [{"type": "frame_rejected", "reason": str(exc)}]
        self.last_t = t
        self.frames += 1
        self.form.append(landmarks)
        events = self._presence(t, landmarks)
        values = self._values(landmarks)
        for side, counter in self.counters.items():
            event = counter.update(t, values[side])
            if event is not None:
                events.extend(self._on_rep(side, event))
        events.extend(self._hold(t))
        return events

    def _values(self, landmarks: list | None) -> dict[str, float]:
        if landmarks is None:
            return dict.fromkeys(self.sides, math.nan)
        if self.sides == ("both",):
            left, right = self.signals["left"](landmarks), self.signals["right"](landmarks)
            if left == left and right == right:
                return {"both": (left + right) / 2}
            return {"both": left if left == left else right}
        return {s: self.signals[s](landmarks) for s in self.sides}

    def _presence(self, t: float, landmarks: list | None) -> list[dict]:
        if landmarks is not None:
            self._no_person_since, self._warned = None, False
            return []
        if self._no_person_since is None:
            self._no_person_since = t
        if not self._warned and t - self._no_person_since >= NO_PERSON_WARNING_S:
            self._warned = True
            return [self._cue(t, "not_in_view", "Step back into the camera view so your whole body is visible")]
        return []

    def _on_rep(self, side: str, event: RepEvent) -> list[dict]:
        # Either-side exercises track both legs (or arms): a lunge bends both knees at once, so a
        # rep overlapping the last counted one is the same movement seen on the other side.
        if event.start_t < self._last_rep_end:
            return []
        counter = self.counters[side]
        detail = rep_measures(self.spec, counter, event, self.form, side)
        self._last_rep_end = event.t
        self.rep_details.append(detail)
        out: list[dict] = []
        if event.kind == "rep_completed":
            self.reps += 1
            out.append({"type": "rep_completed", "t": round(event.t, 3), "count": self.reps,
                        "target_reps": self.target_reps, "rep": detail})
        else:
            self.partial += 1
            out.append({"type": "partial_rep", "t": round(event.t, 3), "partial_count": self.partial,
                        "rep": detail})
        out.extend(self._cue(event.t, code, cue) for code, cue in zip(detail["errors"], detail["cues"],
                                                                       strict=True))
        if event.kind == "rep_completed" and self.reps % self.target_reps == 0:
            out.append({"type": "set_completed", "t": round(event.t, 3), "set": self.reps // self.target_reps,
                        "reps": self.target_reps})
        return out

    def _cue(self, t: float, code: str, cue: str) -> dict:
        entry = {"t": round(t, 3), "code": code, "cue": cue}
        self.cues.append(entry)
        return {"type": "cue", **entry}

    def _hold(self, t: float) -> list[dict]:
        counter = next((c for c in self.counters.values() if c.machine.in_rep), None)
        x = counter.values[-1] if counter else math.nan
        if counter is None or not x == x or not self._in_target(counter, x):
            self._hold_started, self._hold_sent = None, 0.0
            return []
        if self._hold_started is None:
            self._hold_started = t
        held = t - self._hold_started
        if held - self._hold_sent < HOLD_EVENT_EVERY_S and held > 0:
            return []
        self._hold_sent = held
        return [{"type": "hold_progress", "t": round(t, 3), "held_s": round(held, 2),
                 "target_s": self.hold_s, "done": bool(self.hold_s) and held >= self.hold_s}]

    def _in_target(self, counter: RepCounter, x: float) -> bool:
        if self.spec.target_measure == "excursion":
            return x - counter.values[counter.machine.start] >= self.spec.target_range[0]
        return x >= self.spec.target_range[0]

    def finish(self) -> list[dict]:
        """End of stream: a rep in progress is reported as partial."""
        events: list[dict] = []
        for side, counter in self.counters.items():
            event = counter.finish()
            if event is not None:
                events.extend(self._on_rep(side, event))
        return events

    def summary(self) -> dict:
        """What is stored for the PT: counts, per-rep details, cues and a downsampled angle trace."""
        counter = max(self.counters.values(), key=lambda c: len(c.peaks))
        t, v = np.asarray(counter.times, dtype=float), np.asarray(counter.values, dtype=float)
        step = max(1, math.ceil(len(t) / TRACE_POINTS))
        trace = {"t": [round(float(x), 3) for x in t[::step]],
                 "value": [round(float(x), 2) if math.isfinite(x) else None for x in v[::step]]}
        return {"frames": self.frames, "rejected_frames": self.rejected, "reps": self.reps,
                "partial_reps": self.partial, "side": counter.side, "rep_details": self.rep_details,
                "cues": self.cues, "trace": trace}
