"""IntelliRehabDS raw Kinect v2 text: `t1,t2,t3,(Joint,State,X,Y,Z,DepthX,DepthY),...` per line."""

import re
from pathlib import Path

import numpy as np

from openmsk.motion.loaders._io import RecordingFormatError, open_text
from openmsk.motion.loaders._kinect import KINECT_V2_JOINTS, TRACKING_CONFIDENCE, kinect_to_common
from openmsk.motion.recording import Recording

_JOINT = re.compile(r"\((\w+),(\w+),([^,]+),([^,]+),([^,]+),[^,]*,[^)]*\)")


def load_kinect_irds(path: Path) -> Recording:
    """Read one IntelliRehabDS text file (metres, camera space, y up; t3 in milliseconds)."""
    order = {name: i for i, name in enumerate(KINECT_V2_JOINTS)}
    times, frames, confs = [], [], []
    with open_text(path) as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("Version"):
                continue
            head = line.split(",", 3)
            joints = _JOINT.findall(line)
            if len(head) < 4 or not joints:
                continue
            pts, conf = np.full((25, 3), np.nan), np.zeros(25)
            for name, state, x, y, z in joints:
                if name in order:
                    pts[order[name]] = (float(x), float(y), float(z))
                    conf[order[name]] = TRACKING_CONFIDENCE.get(state, 0.0)
            times.append(float(head[2]) / 1000.0)
            frames.append(pts)
            confs.append(conf)
    if not frames:
        raise RecordingFormatError(f"{path.name}: no kinect-irds frames")
    pos, conf = kinect_to_common(np.array(frames), np.array(confs))
    t = np.array(times)
    if np.any(np.diff(t) <= 0):  # fall back to the nominal 30 Hz when the clock is not monotonic
        t = np.arange(len(t)) / 30.0
    return Recording(t=t - t[0], positions=pos, confidence=conf, source="kinect-irds")
