"""Kinect v2 25-joint layout shared by KERAAL, IntelliRehabDS and KIMORE."""

import numpy as np

from openmsk.motion.recording import JOINT_INDEX, empty_positions

# Kinect v2 JointType order (Microsoft Kinect for Windows SDK 2.0, JointType enumeration).
KINECT_V2_JOINTS = (
    "SpineBase", "SpineMid", "Neck", "Head", "ShoulderLeft", "ElbowLeft", "WristLeft", "HandLeft",
    "ShoulderRight", "ElbowRight", "WristRight", "HandRight", "HipLeft", "KneeLeft", "AnkleLeft",
    "FootLeft", "HipRight", "KneeRight", "AnkleRight", "FootRight", "SpineShoulder", "HandTipLeft",
    "ThumbLeft", "HandTipRight", "ThumbRight",
)
KINECT_TO_COMMON = {
    0: "pelvis", 1: "spine", 2: "neck", 3: "head", 20: "chest",
    4: "left_shoulder", 5: "left_elbow", 6: "left_wrist",
    8: "right_shoulder", 9: "right_elbow", 10: "right_wrist",
    12: "left_hip", 13: "left_knee", 14: "left_ankle", 15: "left_toe",
    16: "right_hip", 17: "right_knee", 18: "right_ankle", 19: "right_toe",
}
# Tracked joints are measured; Inferred ones are guessed by the SDK and are less trustworthy.
TRACKING_CONFIDENCE = {"Tracked": 1.0, "Inferred": 0.5, "NotTracked": 0.0}


def kinect_to_common(points: np.ndarray, conf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map float[frames, 25, 3] Kinect v2 joints (and confidence) onto the common joints."""
    pos, out_conf = empty_positions(len(points), 3)
    for src, name in KINECT_TO_COMMON.items():
        pos[:, JOINT_INDEX[name]] = points[:, src]
        out_conf[:, JOINT_INDEX[name]] = conf[:, src]
    return pos, out_conf
