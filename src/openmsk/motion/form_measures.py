"""Scale-free form measures per rep window, relative to the member's own body and start posture.

Each measure is a change from the posture at the start of the same rep, or is expressed in the
member's own segment lengths measured in the same recording, so body size and habitual posture do
not read as a form error. numpy only; frames where a joint is missing are NaN and ignored.
"""

import numpy as np

SIDES = ("left", "right")
FEATURES = ("trunk_side_change_deg", "pelvis_rotation_deg", "thigh_angle_deg", "head_shift")


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _horizontal_unit(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    """v without its vertical component, scaled to unit length (NaN when v is vertical or missing)."""
    h = v - np.outer(v @ up, up)
    with np.errstate(invalid="ignore", divide="ignore"):
        return h / np.linalg.norm(h, axis=1, keepdims=True)


def segment_length(positions: np.ndarray, names: tuple[str, ...], a: str, b: str) -> float:
    """Median length of the segment a-b over the recording (NaN when it is never seen)."""
    n = np.linalg.norm(positions[:, names.index(a)] - positions[:, names.index(b)], axis=1)
    return float(np.nanmedian(n)) if np.isfinite(n).any() else np.nan


def trunk_side_tilt(joint, up: np.ndarray) -> np.ndarray:
    """Signed sideways (frontal-plane) trunk tilt in degrees per frame; 0 = upright.

    The lateral axis is the hip line made horizontal, so turning the whole body does not count.
    """
    trunk = joint("neck") - joint("pelvis")
    lateral = _horizontal_unit(joint("right_hip") - joint("left_hip"), up)
    return np.degrees(np.arctan2(np.sum(trunk * lateral, axis=1), trunk @ up))


def thigh_angle(joint, up: np.ndarray, sides: tuple[str, ...]) -> np.ndarray:
    """Thigh (hip->knee) angle from straight down in degrees, averaged over sides; 90 = horizontal."""
    down = -np.broadcast_to(up, (len(joint("pelvis")), len(up)))
    per = [_angle(joint(f"{s}_knee") - joint(f"{s}_hip"), down) for s in sides]
    with np.errstate(invalid="ignore"):
        return np.nanmean(np.vstack(per), axis=0) if len(per) > 1 else per[0]


def _window_max(x: np.ndarray, start: int, end: int) -> float:
    seg = x[start:end + 1]
    seg = seg[np.isfinite(seg)]
    return float(seg.max()) if len(seg) else np.nan


def form_measures(positions: np.ndarray, names: tuple[str, ...], up: tuple[float, ...], side: str,
                  windows: list[tuple[int, int]]) -> list[dict[str, float]]:
    """The FEATURES of each (start, end) frame window of one 3-D recording; `side` is left|right|both.

    trunk_side_change_deg: largest sideways trunk tilt change from the rep's start frame.
    pelvis_rotation_deg: largest turn of the hip line about the vertical from the rep's start frame.
    thigh_angle_deg: deepest thigh angle from vertical (working side, or both sides' mean).
    head_shift: largest head displacement from the rep's start, in the member's leg lengths.
    2-D image recordings get NaN: sideways tilt and hip rotation need depth to be told apart.
    """
    if positions.ndim != 3 or positions.shape[2] != 3:
        return [dict.fromkeys(FEATURES, np.nan) for _ in windows]
    up_v = np.asarray(up, dtype=float)

    def joint(name: str) -> np.ndarray:
        return positions[:, names.index(name), :]

    sides = SIDES if side == "both" else (side,)
    with np.errstate(invalid="ignore"):
        tilt = trunk_side_tilt(joint, up_v)
        hip_line = _horizontal_unit(joint("right_hip") - joint("left_hip"), up_v)
        thigh = thigh_angle(joint, up_v, sides)
        leg = np.nanmean([segment_length(positions, names, f"{s}_hip", f"{s}_knee")
                          + segment_length(positions, names, f"{s}_knee", f"{s}_ankle") for s in SIDES])
        head = joint("head") / leg
    out = []
    for start, end in windows:
        seg = slice(start, end + 1)
        out.append({
            "trunk_side_change_deg": _window_max(np.abs(tilt - tilt[start]), start, end),
            "pelvis_rotation_deg": _window_max(_angle(hip_line[seg], hip_line[start][None, :]), 0, end - start),
            "thigh_angle_deg": _window_max(thigh, start, end),
            "head_shift": _window_max(np.linalg.norm(head - head[start], axis=1), start, end),
        })
    return out
