"""UI-PRMD Kinect segmented movements: root position + bone offsets + relative Euler angles."""

from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.recording import JOINT_INDEX, Recording, empty_positions

UIPRMD_RATE_HZ = 30.0  # Kinect v2 (Vakanski et al., Data 3(1):2, 2018)
# Parent of each of the 22 joints (dataset README); joint 0 is the root.
PARENTS = (-1, 0, 1, 2, 3, 4, 2, 6, 7, 8, 2, 10, 11, 12, 0, 14, 15, 16, 0, 18, 19, 20)
UIPRMD_TO_COMMON = {
    0: "pelvis", 1: "spine", 2: "chest", 3: "neck", 4: "head",
    7: "left_shoulder", 8: "left_elbow", 9: "left_wrist",
    11: "right_shoulder", 12: "right_elbow", 13: "right_wrist",
    14: "left_hip", 15: "left_knee", 16: "left_ankle", 17: "left_toe",
    18: "right_hip", 19: "right_knee", 20: "right_ankle", 21: "right_toe",
}


def _rot(axis: int, deg: np.ndarray) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    m = np.zeros((len(a), 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m[:, axis, axis] = 1.0
    m[:, i, i], m[:, j, j], m[:, i, j], m[:, j, i] = c, c, -s, s
    return m


def euler_matrix(angles_deg: np.ndarray) -> np.ndarray:
    """E(a) = Rz(a_z) . Rx(a_x) . Ry(a_y) for float[frames, 3] angles (x, y, z) in degrees."""
    return _rot(2, angles_deg[:, 2]) @ _rot(0, angles_deg[:, 0]) @ _rot(1, angles_deg[:, 1])


def forward_kinematics(offsets: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Absolute joint positions float[frames, 22, 3] from root position + local offsets and angles."""
    xyz = np.zeros_like(offsets)
    rot = [None] * len(PARENTS)
    xyz[:, 0], rot[0] = offsets[:, 0], euler_matrix(angles[:, 0])
    for j in range(1, len(PARENTS)):
        p = PARENTS[j]
        xyz[:, j] = xyz[:, p] + np.einsum("fij,fj->fi", rot[p], offsets[:, j])
        rot[j] = rot[p] @ euler_matrix(angles[:, j])
    return xyz


def _table(path: Path) -> np.ndarray:
    with open_text(path) as fh:
        rows = [[float(v) for v in line.split(",")] for line in fh if line.strip()]
    if not rows or any(len(r) != 66 for r in rows):
        raise RecordingFormatError(f"{path.name}: expected 66 values per UI-PRMD row")
    return np.array(rows).reshape(-1, 22, 3)


def angles_path_for(positions_path: Path) -> Path:
    """The angles file that pairs with a UI-PRMD positions file (same dataset layout)."""
    name = positions_path.name.replace("_positions", "_angles")
    return positions_path.parent.parent / "angles" / name


def load_uiprmd(path: Path) -> Recording:
    """Read a UI-PRMD positions file and its angles file into absolute coordinates (cm, y up)."""
    offsets = _table(path)
    angles = _table(angles_path_for(path))
    if len(angles) != len(offsets):
        raise RecordingFormatError(f"{path.name}: positions and angles differ in length")
    xyz = forward_kinematics(offsets, angles)
    pos, conf = empty_positions(len(xyz), 3)
    for src, name in UIPRMD_TO_COMMON.items():
        pos[:, JOINT_INDEX[name]] = xyz[:, src]
        conf[:, JOINT_INDEX[name]] = 1.0
    t = np.arange(len(xyz)) / UIPRMD_RATE_HZ
    return Recording(t=t, positions=pos, confidence=conf, units="cm", source="uiprmd")
