"""Per-frame throughput of the streaming RepCounter + angle computation vs a naive pure-Python loop."""

import argparse
import json
import math
import time

import numpy as np

from openmsk.motion.recording import JOINT_INDEX, JOINTS
from openmsk.motion.specs import load_specs
from openmsk.motion.streaming import RepCounter


def synthetic_frames(n: int, rate: float = 30.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Squat-like skeleton frames: knee flexion oscillating 5-100 degrees."""
    t = np.arange(n) / rate
    flex = np.radians(5 + 95 * 0.5 * (1 - np.cos(2 * np.pi * t / 3.0)))
    pos = np.zeros((n, len(JOINTS), 3))
    for side, x in (("left", -0.1), ("right", 0.1)):
        pos[:, JOINT_INDEX[f"{side}_hip"]] = (x, 1.0, 0.0)
        pos[:, JOINT_INDEX[f"{side}_knee"]] = (x, 0.55, 0.0)
        pos[:, JOINT_INDEX[f"{side}_ankle"], 0] = x
        pos[:, JOINT_INDEX[f"{side}_ankle"], 1] = 0.55 - 0.45 * np.cos(flex)
        pos[:, JOINT_INDEX[f"{side}_ankle"], 2] = -0.45 * np.sin(flex)
    return t, pos, np.ones((n, len(JOINTS)))


def naive(t, pos) -> int:
    """Pure-Python baseline: list-based angle, moving-average filter, fixed thresholds."""
    hip, knee, ankle = (JOINT_INDEX[n] for n in ("left_hip", "left_knee", "left_ankle"))
    window, count, down = [], 0, False
    for i in range(len(t)):
        a = [pos[i][knee][k] - pos[i][hip][k] for k in range(3)]
        b = [pos[i][ankle][k] - pos[i][knee][k] for k in range(3)]
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        na = math.sqrt(sum(x * x for x in a))
        nb = math.sqrt(sum(x * x for x in b))
        window = (window + [math.degrees(math.acos(max(-1.0, min(1.0, dot / (na * nb)))))])[-5:]
        x = sum(window) / len(window)
        if not down and x > 60:
            down = True
        elif down and x < 30:
            down, count = False, count + 1
    return count


def optimized(t, pos, conf, spec) -> int:
    """The streaming RepCounter fed frame by frame, computing the spec's angle per frame.

    Both paths get the frames as Python lists (what a decoded JSON WebSocket frame is) and the spec
    is parsed before timing starts (once per process in the server, like the baseline's constants).
    """
    counter = RepCounter(spec, 30.0, side="left")
    for i in range(len(t)):
        counter.update_frame(t[i], pos[i], conf[i])
    return counter.count


def live_latency(n_frames: int) -> dict:
    """Per-frame cost of the WebSocket's engine (LiveSession.feed: parse, signal, count, judge)."""
    from openmsk.motion.live import LiveSession
    from openmsk.motion.synthetic import squat_frames

    frames = squat_frames([100] * max(1, n_frames // 105), rep_s=2.5, rest_s=0.5)
    live, costs = LiveSession(load_specs()["squat"]), []
    for frame in frames:
        started = time.perf_counter()
        live.feed(frame)
        costs.append(time.perf_counter() - started)
    return {"live_frames": len(frames), "live_reps": live.reps,
            "live_p50_ms": round(float(np.percentile(costs, 50)) * 1e3, 3),
            "live_p99_ms": round(float(np.percentile(costs, 99)) * 1e3, 3)}


def main() -> None:
    """Run both paths on the same frames and print frames/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = 3000 if args.quick else 30000
    t, pos, conf = synthetic_frames(n)
    pos_list, conf_list, t_list = pos.tolist(), conf.tolist(), t.tolist()
    spec = load_specs()["squat"]
    timings = {}
    for name, fn in (("naive", lambda: naive(t_list, pos_list)),
                     ("optimized", lambda: optimized(t_list, pos_list, conf_list, spec))):
        start = time.perf_counter()
        reps = fn()
        timings[name] = (n / (time.perf_counter() - start), reps)
    doc = {"frames": n, "naive_fps": round(timings["naive"][0]), "optimized_fps": round(timings["optimized"][0]),
           "ratio": round(timings["optimized"][0] / timings["naive"][0], 2),
           "reps_naive": timings["naive"][1], "reps_optimized": timings["optimized"][1],
           **live_latency(n // 10)}
    print(json.dumps(doc) if args.json else "\n".join(f"{k}: {v}" for k, v in doc.items()))


if __name__ == "__main__":
    main()
