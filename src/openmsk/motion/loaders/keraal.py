"""KERAAL sample files: BlazePose JSON, Kinect v2 text (pos + quaternion) and Vicon rigid targets."""

import json
from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.loaders._kinect import kinect_to_common
from openmsk.motion.loaders.mediapipe_csv import landmarks_to_common
from openmsk.motion.recording import JOINT_INDEX, Recording, empty_positions

# KERAAL video and Kinect streams are 30 Hz; Vicon has about 2 rows per video frame (dataset README).
KERAAL_VIDEO_HZ = 30.0
KERAAL_VICON_HZ = 60.0
# KERAAL ran BlazePose on horizontally flipped frames (cv2.flip(image, 1) in the dataset's
# get_skeletons_from_videos/get_blazepose_skeleton.py), so its "Left_*" landmarks are the person's
# right and x runs mirrored; the loader flips x back and swaps the sides.
KERAAL_BP_MIRRORED = True
# x and y are normalised by the frame's width and height. KERAAL does not state the frame size; a
# 16:9 frame makes BlazePose's shoulder width over trunk length (0.44 unscaled) match the Kinect's
# on the same recordings (0.79), so x is scaled by 16/9 to keep angles true.
KERAAL_VIDEO_ASPECT = 16 / 9
BLAZEPOSE_NAMES = (
    "Nose", "Left_eye_inner", "Left_eye", "Left_eye_outer", "Right_eye_inner", "Right_eye",
    "Right_eye_outer", "Left_ear", "Right_ear", "Mouth_left", "Mouth_right", "Left_shoulder",
    "Right_shoulder", "Left_elbow", "Right_elbow", "Left_wrist", "Right_wrist", "Left_pinky",
    "Right_pinky", "Left_index", "Right_index", "Left_thumb", "Right_thumb", "Left_hip", "Right_hip",
    "Left_knee", "Right_knee", "Left_ankle", "Right_ankle", "Left_heel", "Right_heel",
    "Left_foot_index", "Right_foot_index",
)
VICON_TARGETS = (
    "R-forearm", "L-forearm", "R-arm", "L-arm", "chest", "R-thigh", "L-thigh", "R-shoulder",
    "L-shoulder", "R-hand", "L-hand", "R-foot", "L-foot", "hips", "head", "R-tibia", "L-tibia",
)
# Vicon rigid targets sit on segments, not joint centres: only those that stand in for a joint are mapped.
VICON_TO_COMMON = {
    "hips": "pelvis", "chest": "chest", "head": "head", "R-shoulder": "right_shoulder",
    "L-shoulder": "left_shoulder", "R-hand": "right_wrist", "L-hand": "left_wrist",
    "R-foot": "right_toe", "L-foot": "left_toe",
}


def _person_side(name: str) -> str:
    """The landmark name for the same body part seen in a mirrored image."""
    if name.startswith("Left_"):
        return "Right_" + name[5:]
    if name.startswith("Right_"):
        return "Left_" + name[6:]
    return name


def load_keraal_bp(path: Path, mirrored: bool = KERAAL_BP_MIRRORED,
                   aspect: float = KERAAL_VIDEO_ASPECT) -> Recording:
    """Read KERAAL BlazePose JSON as a 2D image recording (x in frame heights, y down)."""
    with open_text(path) as fh:
        frames = json.load(fh).get("positions")
    if not isinstance(frames, dict) or not frames:
        raise RecordingFormatError(f"{path.name}: no BlazePose positions")
    keys = sorted(frames, key=float)
    pts = np.full((len(keys), 33, 2), np.nan)
    for i, key in enumerate(keys):
        for j, name in enumerate(BLAZEPOSE_NAMES):
            src = _person_side(name) if mirrored else name
            if src in frames[key]:
                pts[i, j] = frames[key][src][:2]
    if mirrored:
        pts[:, :, 0] = 1.0 - pts[:, :, 0]
    pts[:, :, 0] *= aspect
    vis = np.where(np.isnan(pts[:, :, 0]), 0.0, 1.0)
    pos, conf = landmarks_to_common(pts, vis)
    t = (np.array([float(k) for k in keys]) - float(keys[0])) / KERAAL_VIDEO_HZ
    return Recording(t=t, positions=pos, confidence=conf, coordinates="image", units="normalized",
                     up=(0.0, -1.0), source="keraal-bp")


def _rows(path: Path, width: int) -> np.ndarray:
    with open_text(path) as fh:
        rows = [[float(v) for v in line.split()] for line in fh if line.strip()]
    if not rows or any(len(r) != width for r in rows):
        raise RecordingFormatError(f"{path.name}: expected {width} values per row")
    return np.array(rows)


def load_keraal_kinect(path: Path) -> Recording:
    """Read KERAAL Kinect v2 text: 25 joints x (x, y, z [m], qx, qy, qz, qw)."""
    data = _rows(path, 175).reshape(-1, 25, 7)
    pos, conf = kinect_to_common(data[:, :, :3], np.ones(data.shape[:2]))
    t = np.arange(len(data)) / KERAAL_VIDEO_HZ
    return Recording(t=t, positions=pos, confidence=conf, source="keraal-kinect")


def load_keraal_vicon(path: Path) -> Recording:
    """Read KERAAL Vicon text: 17 rigid targets x (x, y, z, qx, qy, qz, qw); z up, millimetres."""
    data = _rows(path, 119).reshape(-1, 17, 7)
    pos, conf = empty_positions(len(data), 3)
    for target, name in VICON_TO_COMMON.items():
        src = VICON_TARGETS.index(target)
        pos[:, JOINT_INDEX[name]] = data[:, src, :3]
        conf[:, JOINT_INDEX[name]] = 1.0
    orientations = {name: data[:, i, [6, 3, 4, 5]] for i, name in enumerate(VICON_TARGETS)}
    t = np.arange(len(data)) / KERAAL_VICON_HZ
    return Recording(t=t, positions=pos, confidence=conf, units="mm", up=(0.0, 0.0, 1.0),
                     source="keraal-vicon", orientations=orientations)
