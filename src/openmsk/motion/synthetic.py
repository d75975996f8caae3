"""Generated (synthetic) MediaPipe world-landmark frames of squats: for tests, demo data and benches."""

import math

# Segment lengths in metres: rough adult proportions (Winter 2009: thigh 0.245 H, shank 0.246 H).
THIGH = SHANK = 0.43
HIP_HALF_WIDTH = 0.1
TRUNK = 0.5


def _frame(flexion_deg: float, lean_deg: float, visibility: float) -> list[list[float]]:
    """33 landmarks for a symmetric squat at this knee flexion; y points down, z towards the camera."""
    a = math.radians(flexion_deg / 2)
    lean = math.radians(lean_deg)
    points: dict[int, tuple[float, float, float]] = {}
    for side, x in ((0, -HIP_HALF_WIDTH), (1, HIP_HALF_WIDTH)):
        ankle = (x, 0.9, 0.0)
        knee = (x, ankle[1] - SHANK * math.cos(a), -SHANK * math.sin(a))
        hip = (x, knee[1] - THIGH * math.cos(a), 0.0)
        shoulder = (1.6 * x, hip[1] - TRUNK * math.cos(lean), -TRUNK * math.sin(lean))
        elbow = (shoulder[0] * 1.1, shoulder[1] + 0.28, shoulder[2])
        wrist = (shoulder[0] * 1.1, shoulder[1] + 0.55, shoulder[2])
        for index, p in ((23, hip), (25, knee), (27, ankle), (11, shoulder), (13, elbow), (15, wrist),
                         (29, (x, 0.95, 0.05)), (31, (x, 0.95, -0.15)), (17, wrist), (19, wrist), (21, wrist)):
            points[index + side] = p
    head = (0.0, points[11][1] - 0.25, points[11][2])
    for index in range(11):
        points[index] = head
    return [[*points[i], visibility] for i in range(33)]


def squat_frames(depths: list[float], *, rate_hz: float = 30.0, rest_s: float = 1.0, rep_s: float = 2.5,
                 start_deg: float = 5.0, lean_deg: float = 20.0, visibility: float = 0.99) -> list[dict]:
    """Frames {"t", "landmarks"}: rest, then one smooth squat of each depth (degrees of flexion)."""
    flex: list[float] = [start_deg] * int(rest_s * rate_hz)
    for depth in depths:
        n = int(rep_s * rate_hz)
        flex += [start_deg + depth * 0.5 * (1 - math.cos(2 * math.pi * i / (n - 1))) for i in range(n)]
        flex += [start_deg] * int(rest_s * rate_hz)
    return [{"t": round(i / rate_hz, 4), "landmarks": _frame(f, lean_deg * f / 120, visibility)}
            for i, f in enumerate(flex)]
