"""Format registry: read one or several files (in order) into a single Recording."""

from collections.abc import Callable, Sequence
from pathlib import Path

from openmsk.motion.loaders._io import RecordingFormatError
from openmsk.motion.loaders.cmu_imu import load_cmu_imu, load_cmu_joint_angles
from openmsk.motion.loaders.keraal import load_keraal_bp, load_keraal_kinect, load_keraal_vicon
from openmsk.motion.loaders.kimore import load_kimore
from openmsk.motion.loaders.kinect_irds import load_kinect_irds
from openmsk.motion.loaders.mediapipe_csv import load_mediapipe_csv
from openmsk.motion.loaders.uiprmd import load_uiprmd
from openmsk.motion.recording import Recording, concatenate

FORMATS: dict[str, Callable[[Path], Recording]] = {
    "mediapipe-csv": load_mediapipe_csv,
    "keraal-bp": load_keraal_bp,
    "keraal-kinect": load_keraal_kinect,
    "keraal-vicon": load_keraal_vicon,
    "kinect-irds": load_kinect_irds,
    "kimore": load_kimore,
    "uiprmd": load_uiprmd,
    "cmu-imu": load_cmu_imu,
}

__all__ = ["FORMATS", "RecordingFormatError", "load", "load_cmu_joint_angles"]


def load(paths: Sequence[str | Path] | str | Path, fmt: str) -> Recording:
    """Read files of one format, in order, as one continuous recording."""
    if fmt not in FORMATS:
        raise RecordingFormatError(f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise RecordingFormatError("no input files")
    reader = FORMATS[fmt]
    recordings = []
    for path in paths:
        try:
            recordings.append(reader(Path(path)))
        except RecordingFormatError:
            raise
        except (OSError, ValueError, KeyError, IndexError, EOFError) as exc:
            raise RecordingFormatError(f"cannot read {Path(path).name} as {fmt}: {type(exc).__name__}") from exc
    return concatenate(recordings)
