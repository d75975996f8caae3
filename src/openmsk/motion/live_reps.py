"""Measures and form judgement of one live rep, from the counter's signal and the buffered frames."""

import numpy as np

from openmsk.motion.live_frames import FrameBuffer
from openmsk.motion.measures import RepResult, form_features, judge, tempo
from openmsk.motion.signals import detect_view
from openmsk.motion.specs import MotionSpec
from openmsk.motion.streaming import RepCounter, RepEvent


def rep_measures(spec: MotionSpec, counter: RepCounter, event: RepEvent, buffer: FrameBuffer,
                 side: str) -> dict:
    """The rep's JSON detail: times, range, peak, tempo, quality, correct, errors and cues."""
    t = np.asarray(counter.times, dtype=float)
    x = np.asarray(counter.values, dtype=float)
    s, p, e = event.start_index, event.peak_index, max(event.end_index, event.peak_index)
    down, hold, up = tempo(t, x, s, p, e)
    end_value = float(x[e]) if np.isfinite(x[e]) else float(x[p])
    rep = RepResult(start_s=float(t[s]), end_s=float(t[e]), peak_s=float(t[p]),
                    start_value=float(x[s]), peak_value=float(x[p]), end_value=end_value,
                    rom=float(x[p] - x[s]), down_s=down, hold_s=hold, up_s=up,
                    complete=event.kind == "rep_completed",
                    partial_reason="" if event.kind == "rep_completed" else "no_return", side=side)
    rec = buffer.recording(counter.times, s, e)
    if rec is not None and rec.frames > 1:
        with np.errstate(all="ignore"):
            rep.features = form_features(rec, detect_view(rec), 0, rec.frames - 1)
    judge(rep, spec, spec.target_range, spec.start_range[1])
    detail = {"start_s": rep.start_s, "end_s": rep.end_s, "rom_deg": rep.rom, "peak_deg": rep.peak_value,
              "down_s": down, "hold_s": hold, "up_s": up, "quality": rep.quality,
              "correct": rep.correct, "complete": rep.complete, "side": side}
    out = {k: round(v, 3) if isinstance(v, float) else v for k, v in detail.items()}
    out["errors"], out["cues"] = list(rep.errors), list(rep.cues)
    return out
