"""Joint angles from two IMU segment orientations, and agreement with reference angles."""

from dataclasses import dataclass

import numpy as np

from openmsk.motion.geometry import angle_between, quat_angle, quat_conj, quat_mul, quat_rotate
from openmsk.motion.recording import Recording

# Each CMU sensor's x axis lies along its segment's long axis: the angle between the two x axes
# tracks the reference knee angle with r = 1.0 on SqDL (measured in scripts/motion_accuracy.py).
LONG_AXIS = (1.0, 0.0, 0.0)


def relative_rotation(rec: Recording, proximal: str, distal: str) -> np.ndarray:
    """Orientation of the distal segment in the proximal segment's frame, float[frames, 4]."""
    return quat_mul(quat_conj(rec.orientations[proximal]), rec.orientations[distal])


def segment_axis(rec: Recording, segment: str, axis: tuple[float, ...] = LONG_AXIS) -> np.ndarray:
    """A sensor-fixed axis of one segment expressed in the global frame, float[frames, 3]."""
    q = rec.orientations[segment]
    return quat_rotate(q, np.broadcast_to(np.asarray(axis, dtype=float), (len(q), 3)))


def imu_joint_angle(rec: Recording, proximal: str, distal: str) -> np.ndarray:
    """Joint angle (degrees) between two segments' long axes; 0 = aligned (knee straight)."""
    return angle_between(segment_axis(rec, proximal), segment_axis(rec, distal))


def imu_rotation_angle(rec: Recording, proximal: str, distal: str) -> np.ndarray:
    """Total rotation angle (degrees) of the distal segment relative to the proximal one."""
    return quat_angle(relative_rotation(rec, proximal, distal))


@dataclass(frozen=True)
class Agreement:
    """RMSE (raw and with the constant offset removed) and Pearson r between two angle series."""

    rmse_raw_deg: float
    rmse_offset_removed_deg: float
    offset_deg: float
    pearson_r: float
    n: int


def agreement(estimate: np.ndarray, reference: np.ndarray) -> Agreement:
    """Compare two equally sampled angle series, ignoring samples where either is missing."""
    ok = np.isfinite(estimate) & np.isfinite(reference)
    e, r = estimate[ok], reference[ok]
    if len(e) < 3:
        return Agreement(np.nan, np.nan, np.nan, np.nan, int(len(e)))
    diff = e - r
    offset = float(np.mean(diff))
    pearson = float(np.corrcoef(e, r)[0, 1]) if np.std(e) > 0 and np.std(r) > 0 else np.nan
    return Agreement(float(np.sqrt(np.mean(diff**2))), float(np.sqrt(np.mean((diff - offset) ** 2))),
                     offset, pearson, int(len(e)))
