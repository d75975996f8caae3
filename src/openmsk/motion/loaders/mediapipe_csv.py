"""MediaPipe Pose landmark CSV (frame, t_s, detected, x/y/z/v x33, then world wx/wy/wz x33)."""

import csv
from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.recording import JOINT_INDEX, Recording, empty_positions

# MediaPipe Pose landmark indices (https://ai.google.dev/edge/mediapipe/solutions/vision/pose_landmarker).
MEDIAPIPE_TO_COMMON = {
    0: "head", 11: "left_shoulder", 12: "right_shoulder", 13: "left_elbow", 14: "right_elbow",
    15: "left_wrist", 16: "right_wrist", 23: "left_hip", 24: "right_hip", 25: "left_knee",
    26: "right_knee", 27: "left_ankle", 28: "right_ankle", 29: "left_heel", 30: "right_heel",
    31: "left_toe", 32: "right_toe",
}


def landmarks_to_common(points: np.ndarray, vis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map float[frames, 33, d] MediaPipe landmarks onto the common joints (mid-points for trunk)."""
    pos, conf = empty_positions(len(points), points.shape[2])
    for src, name in MEDIAPIPE_TO_COMMON.items():
        pos[:, JOINT_INDEX[name]] = points[:, src]
        conf[:, JOINT_INDEX[name]] = vis[:, src]
    pelvis = (points[:, 23] + points[:, 24]) / 2
    neck = (points[:, 11] + points[:, 12]) / 2
    trunk_conf = np.minimum.reduce([vis[:, 11], vis[:, 12], vis[:, 23], vis[:, 24]])
    for name, value in (("pelvis", pelvis), ("neck", neck), ("chest", neck), ("spine", (pelvis + neck) / 2)):
        pos[:, JOINT_INDEX[name]] = value
        conf[:, JOINT_INDEX[name]] = trunk_conf
    return pos, conf


def load_mediapipe_csv(path: Path, space: str = "world") -> Recording:
    """Read a MediaPipe landmark CSV; `space` is "world" (metres, 3D) or "image" (normalised, 2D)."""
    with open_text(path) as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r]
    if header[:3] != ["frame", "t_s", "detected"] or "wx0" not in header:
        raise RecordingFormatError(f"{path.name}: not a mediapipe-csv file")
    data = np.array([[float(v) if v not in ("", "nan") else np.nan for v in r] for r in rows])
    t, detected = data[:, 1], data[:, 2] > 0.5
    image = data[:, 3:3 + 33 * 4].reshape(-1, 33, 4)
    w0 = header.index("wx0")
    world = data[:, w0:w0 + 33 * 3].reshape(-1, 33, 3)
    vis = np.where(detected[:, None], np.nan_to_num(image[:, :, 3]), 0.0)
    points = world if space == "world" else image[:, :, :2]
    points = np.where(detected[:, None, None], points, np.nan)
    pos, conf = landmarks_to_common(points, vis)
    up = (0.0, -1.0, 0.0) if space == "world" else (0.0, -1.0)
    return Recording(t=t, positions=pos, confidence=conf, coordinates=space,
                     units="m" if space == "world" else "normalized", up=up, source="mediapipe-csv")
