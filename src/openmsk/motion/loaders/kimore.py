"""KIMORE raw Kinect v2 joint positions: 25 joints x (x, y, z, tracking state) per line."""

from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.loaders._kinect import kinect_to_common
from openmsk.motion.recording import Recording

KIMORE_RATE_HZ = 30.0  # nominal Kinect v2 rate (KIMORE paper, Capecci et al. 2019)


def load_kimore(path: Path) -> Recording:
    """Read a KIMORE JointPosition CSV (blank lines and trailing commas tolerated)."""
    rows = []
    with open_text(path) as fh:
        for line in fh:
            values = [v for v in line.strip().split(",") if v.strip()]
            if values:
                rows.append([float(v) for v in values[:100]])
    if not rows or any(len(r) != 100 for r in rows):
        raise RecordingFormatError(f"{path.name}: expected 100 values per KIMORE frame")
    data = np.array(rows).reshape(-1, 25, 4)
    # Tracking state 2 = tracked, 1 = inferred (KIMORE README); map onto confidence 1.0 / 0.5.
    conf = np.clip(data[:, :, 3] / 2.0, 0.0, 1.0)
    pos, conf = kinect_to_common(data[:, :, :3], conf)
    t = np.arange(len(data)) / KIMORE_RATE_HZ
    return Recording(t=t, positions=pos, confidence=conf, source="kimore")
