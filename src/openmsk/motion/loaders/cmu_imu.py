"""CMU IMU exercise CSVs (Phan et al. 2024): 10 sensors x (time, quaternion, acc, gyro, mag), 100 Hz."""

import csv
from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.recording import Recording, empty_positions

CMU_SENSORS = ("Chest", "LeftFoot", "LeftShank", "LeftThigh", "LeftWrist", "Pelvis",
               "RightFoot", "RightShank", "RightThigh", "RightWrist")
SEGMENT_NAMES = {s: "".join("_" + c.lower() if c.isupper() else c for c in s).lstrip("_") for s in CMU_SENSORS}
_PER_SENSOR = 14  # time, qw qx qy qz, acc xyz, gyro xyz, mag xyz


def _read_table(path: Path) -> tuple[list[list[str]], np.ndarray]:
    with open_text(path) as fh:
        reader = csv.reader(fh)
        header = [next(reader) for _ in range(3)]
        data = np.array([[float(v) if v else np.nan for v in row] for row in reader if row])
    if data.ndim != 2 or len(data) == 0:
        raise RecordingFormatError(f"{path.name}: no data rows")
    return header, data


def load_cmu_imu(path: Path) -> Recording:
    """Read one CMU IMU file into per-segment orientation (w, x, y, z), accelerometer and gyroscope."""
    header, data = _read_table(path)
    if header[0][1:2] != ["Chest"] or data.shape[1] != 1 + _PER_SENSOR * len(CMU_SENSORS):
        raise RecordingFormatError(f"{path.name}: not a cmu-imu file")
    orient, acc, gyro = {}, {}, {}
    for k, sensor in enumerate(CMU_SENSORS):
        base = 1 + k * _PER_SENSOR
        name = SEGMENT_NAMES[sensor]
        orient[name] = data[:, base + 1:base + 5]
        acc[name] = data[:, base + 5:base + 8]
        gyro[name] = data[:, base + 8:base + 11]
    pos, conf = empty_positions(len(data), 3)
    return Recording(t=data[:, 1].copy(), positions=pos, confidence=conf, coordinates="imu", units="m",
                     source="cmu-imu", orientations=orient, accelerometer=acc, gyroscope=gyro)


def load_cmu_joint_angles(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read a CMU reference joint-angle file: time and columns such as `LeftKneeAngle_X` (degrees)."""
    header, data = _read_table(path)
    names = [f"{j}_{axis}" for j, axis in zip(header[0][1:], header[2][1:], strict=True)]
    # The angle files carry only a sample index; the IMU files share the same 100 Hz time base.
    return data[:, 0] * 0.01, {n: data[:, i + 1] for i, n in enumerate(names)}
