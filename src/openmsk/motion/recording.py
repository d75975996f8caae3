"""The one skeleton model every source is mapped onto."""

from dataclasses import dataclass, field, replace

import numpy as np

# Common named joints; every loader maps its source onto these (missing joints are NaN, confidence 0).
JOINTS: tuple[str, ...] = (
    "pelvis", "spine", "chest", "neck", "head",
    "left_shoulder", "left_elbow", "left_wrist",
    "right_shoulder", "right_elbow", "right_wrist",
    "left_hip", "left_knee", "left_ankle", "left_heel", "left_toe",
    "right_hip", "right_knee", "right_ankle", "right_heel", "right_toe",
)
JOINT_INDEX = {name: i for i, name in enumerate(JOINTS)}


@dataclass
class Recording:
    """Time-stamped joint positions (or IMU segment signals) in one coordinate system."""

    t: np.ndarray  # float[frames], seconds
    positions: np.ndarray  # float[frames, joints, 2|3], NaN where missing
    confidence: np.ndarray  # float[frames, joints] in [0, 1]
    joint_names: tuple[str, ...] = JOINTS
    coordinates: str = "camera"  # camera | image | world | imu
    units: str = "m"  # m | cm | normalized
    up: tuple[float, ...] = (0.0, 1.0, 0.0)  # unit "up" direction in this coordinate system
    source: str = ""
    orientations: dict[str, np.ndarray] = field(default_factory=dict)  # segment -> float[frames, 4] (w, x, y, z)
    accelerometer: dict[str, np.ndarray] = field(default_factory=dict)  # segment -> float[frames, 3]
    gyroscope: dict[str, np.ndarray] = field(default_factory=dict)  # segment -> float[frames, 3]

    @property
    def frames(self) -> int:
        """Number of frames."""
        return int(len(self.t))

    @property
    def duration_s(self) -> float:
        """Time from first to last frame in seconds."""
        return float(self.t[-1] - self.t[0]) if len(self.t) > 1 else 0.0

    @property
    def is_imu(self) -> bool:
        """True when the recording carries IMU orientations instead of joint positions."""
        return self.coordinates == "imu"

    @property
    def rate_hz(self) -> float:
        """Median sampling rate in frames per second."""
        dt = np.diff(self.t)
        dt = dt[dt > 0]
        return float(1.0 / np.median(dt)) if len(dt) else 30.0

    def joint(self, name: str) -> np.ndarray:
        """Positions of one named joint, float[frames, dims]."""
        return self.positions[:, self.joint_names.index(name), :]

    def joint_confidence(self, name: str) -> np.ndarray:
        """Confidence of one named joint, float[frames]."""
        return self.confidence[:, self.joint_names.index(name)]


def empty_positions(frames: int, dims: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """NaN positions and zero confidence for the common joint set."""
    return np.full((frames, len(JOINTS), dims), np.nan), np.zeros((frames, len(JOINTS)))


def columnar(rec: Recording) -> Recording:
    """A copy of `rec` with positions and confidence laid out per joint and coordinate; same shapes and values."""
    # Analysis reads whole joint columns (a joint's x over all frames): stored frame-major, each
    # analysis had to copy them out of the interleaved array (memory-bound, ~3 ms per 10k frames).
    # The arrays keep their [frames, joints, dims] indexing; only the strides change.
    return replace(rec, positions=np.ascontiguousarray(rec.positions.transpose(1, 2, 0)).transpose(2, 0, 1),
                   confidence=np.asfortranarray(rec.confidence))


def concatenate(recordings: list[Recording]) -> Recording:
    """Join recordings read in order into one continuous recording (time made monotonic), columnar."""
    if len(recordings) == 1:
        return columnar(recordings[0])
    first = recordings[0]
    times, offset = [], 0.0
    for rec in recordings:
        t = rec.t - rec.t[0] + offset
        times.append(t)
        step = 1.0 / rec.rate_hz
        offset = t[-1] + step
    keys = first.orientations.keys()
    frames, joints, dims = sum(len(r.t) for r in recordings), *first.positions.shape[1:]
    return Recording(
        t=np.concatenate(times),
        positions=np.concatenate([r.positions.transpose(1, 2, 0) for r in recordings], axis=2,
                                 out=np.empty((joints, dims, frames))).transpose(2, 0, 1),
        confidence=np.concatenate([r.confidence.T for r in recordings], axis=1, out=np.empty((joints, frames))).T,
        joint_names=first.joint_names, coordinates=first.coordinates, units=first.units,
        up=first.up, source=first.source,
        orientations={k: np.concatenate([r.orientations[k] for r in recordings]) for k in keys},
        accelerometer={k: np.concatenate([r.accelerometer[k] for r in recordings]) for k in first.accelerometer},
        gyroscope={k: np.concatenate([r.gyroscope[k] for r in recordings]) for k in first.gyroscope},
    )


class JointColumns:
    """Per-coordinate columns of a recording's joints: views of a `columnar` recording, else copied out once."""

    # One analysis reads the same joints for the view, the signal and several form measures, and
    # whole-column arithmetic on contiguous arrays is several times faster than on strided slices of
    # `positions`. Kept for one analysis only: a recording's arrays may change between analyses.

    def __init__(self, rec: Recording) -> None:
        self.rec = rec
        self._cache: dict[str, list[np.ndarray]] = {}

    def __call__(self, name: str, dims: int | None = None) -> list[np.ndarray]:
        """The joint's coordinates as separate float[frames] arrays (the first `dims` of them)."""
        cols = self._cache.get(name)
        if cols is None:
            block = np.ascontiguousarray(self.rec.joint(name).T)
            cols = self._cache[name] = list(block)
        return cols if dims is None else cols[:dims]

    def confidence(self, name: str) -> np.ndarray:
        """The joint's per-frame confidence, contiguous."""
        key = "confidence:" + name
        if key not in self._cache:
            self._cache[key] = [np.ascontiguousarray(self.rec.joint_confidence(name))]
        return self._cache[key][0]


def joint_columns(rec: Recording, cols: JointColumns | None = None) -> JointColumns:
    """`cols` when it belongs to this recording, else a new, empty one."""
    return cols if cols is not None and cols.rec is rec else JointColumns(rec)

