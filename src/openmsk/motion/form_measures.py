"""Scale-free form measures and joint-angle trajectories of every rep, from time-normalised samples.

Each rep window is read at SAMPLES evenly spaced times (the nearest frame to each), for all reps at once,
so the cost follows the number of reps, not of frames. Measures are changes from the posture at the
start of the same rep, or are expressed in the member's own leg length, so body size and habitual
posture do not read as a form error. numpy only; missing joints are NaN and ignored.
"""

import numpy as np

SIDES = ("left", "right")
FEATURES = ("trunk_side_change_deg", "pelvis_rotation_deg", "thigh_angle_deg", "head_shift")
# "Working" is the side the analysis found moving ("left" when both move), so a member using the
# other leg or arm still matches the same pattern.
TRAJECTORIES = ("knee_deg", "other_knee_deg", "hip_deg", "other_hip_deg", "trunk_deg", "trunk_side_deg",
                "shoulder_deg", "other_shoulder_deg", "elbow_deg", "other_elbow_deg")
# CONFIG: samples per time-normalised rep; not clinical. 20 keep the shape of a rep at a cost that
# follows the number of reps (UI-PRMD form accuracy, measured while the checks' measures were still read
# at every frame: 0.863 with 50, 0.861 with 20, 0.856 with 12).
SAMPLES = 20
TRUNK = ("neck", "pelvis")  # pelvis to neck
HIP_LINE = ("right_hip", "left_hip")  # left to right hip
_JOINTS = ("pelvis", "neck", "head") + tuple(f"{s}_{j}" for s in SIDES for j in (
    "hip", "knee", "ankle", "heel", "toe", "shoulder", "elbow", "wrist"))


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (u * v).sum(axis=0)


def _cos(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine of the angle between vectors stacked as float[3, ...] (NaN where either is missing or zero)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip(_dot(u, v) / np.sqrt(_dot(u, u) * _dot(v, v)), -1.0, 1.0)


def _degrees(cos: np.ndarray) -> np.ndarray:
    return np.degrees(np.arccos(cos))


def sample_frames(starts: np.ndarray, ends: np.ndarray, samples: int = SAMPLES) -> np.ndarray:
    """int[reps, samples]: the frame nearest each of `samples` evenly spaced times from start to end."""
    frac = np.linspace(0.0, 1.0, samples)
    return np.floor(starts[:, None] + (ends - starts)[:, None] * frac + 0.5).astype(np.intp)


def _ordered(head: str, tail: str) -> tuple[tuple[str, str], float]:
    """The stored orientation of the difference head - tail, and the sign that turns it into head - tail."""
    return ((head, tail), 1.0) if head < tail else ((tail, head), -1.0)


class RepSamples:
    """The joints of every rep at its sample frames: float[3, samples, reps] per joint, gathered on first use.

    Samples before reps, so reducing over a rep's samples is a few whole-array operations over all reps.
    Segment vectors, their squared lengths and their components along up are each computed once and
    shared by every measure that reads them.
    """

    def __init__(self, positions: np.ndarray, names: tuple[str, ...], up: tuple[float, ...], starts: np.ndarray,
                 ends: np.ndarray, samples: int = SAMPLES) -> None:
        by_rep = sample_frames(starts, ends, samples)  # reps x samples: ascending frames
        self.frames = np.ascontiguousarray(by_rep.T)  # samples x reps
        self._positions, self._names = positions, names
        self._cache: dict[str, np.ndarray] = {}
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._squares: dict[tuple[str, str], np.ndarray] = {}
        self._up_dots: dict[tuple[str, str], np.ndarray] = {}
        self.up = np.asarray(up, dtype=float).reshape(3, 1, 1)
        self._up_square = _dot(self.up, self.up)
        columns = positions.transpose(1, 2, 0)  # joints, coordinates, frames
        # A columnar recording: each joint's coordinate rows read in ascending frame order (the reads
        # stream instead of jumping across the recording once per sample), then laid out by sample.
        self._columns, self._by_rep = (columns, by_rep) if columns.flags.c_contiguous else (None, None)

    def __call__(self, name: str) -> np.ndarray:
        """One joint's float[3, samples, reps] positions."""
        joint = self._cache.get(name)
        if joint is None:
            j = self._names.index(name)
            if self._columns is not None:
                joint = np.ascontiguousarray(np.take(self._columns[j], self._by_rep, axis=1).transpose(0, 2, 1))
            else:
                # Coordinates first and contiguous (np.take; indexing would leave them interleaved): every
                # sum over them is then a plain vector addition.
                joint = np.take(self._positions[:, j, :].T, self.frames, axis=1)
            self._cache[name] = joint
        return joint

    def vector(self, head: str, tail: str) -> tuple[np.ndarray, float]:
        """head - tail per sample, as one stored vector and a sign: either order is computed once."""
        key, sign = _ordered(head, tail)
        v = self._vectors.get(key)
        if v is None:
            v = self._vectors[key] = self(key[0]) - self(key[1])
        return v, sign

    def _square(self, head: str, tail: str) -> np.ndarray:
        """|head - tail|^2 per sample."""
        key = _ordered(head, tail)[0]
        square = self._squares.get(key)
        if square is None:
            v = self.vector(*key)[0]
            square = self._squares[key] = _dot(v, v)
        return square

    def cos(self, u: tuple[str, str], v: tuple[str, str]) -> np.ndarray:
        """Cosine of the angle between the vectors (u[0] - u[1]) and (v[0] - v[1]) per sample.

        The same numbers as `_cos` of the two differences: reversing a difference flips the sign of
        each product in the dot exactly, so the stored vector's dot is negated instead.
        """
        (a, sa), (b, sb) = self.vector(*u), self.vector(*v)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = _dot(a, b) / np.sqrt(self._square(*u) * self._square(*v))
        return np.clip(cos if sa == sb else -cos, -1.0, 1.0)

    def up_dot(self, head: str, tail: str) -> np.ndarray:
        """(head - tail) . up per sample."""
        key, sign = _ordered(head, tail)
        dot = self._up_dots.get(key)
        if dot is None:
            dot = self._up_dots[key] = _dot(self.vector(*key)[0], self.up)
        return dot if sign > 0 else -dot

    def up_cos(self, head: str, tail: str) -> np.ndarray:
        """Cosine of the angle between (head - tail) and up per sample (`_cos(head - tail, up)`)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = self.up_dot(head, tail) / np.sqrt(self._square(head, tail) * self._up_square)
        return np.clip(cos, -1.0, 1.0)

    @property
    def trunk_cos(self) -> np.ndarray:
        """Cosine of the trunk (pelvis to neck) with up per sample."""
        if "trunk_cos" not in self._cache:
            self._cache["trunk_cos"] = self.up_cos(*TRUNK)
        return self._cache["trunk_cos"]

    @property
    def hip_horizontal(self) -> np.ndarray:
        """The hip line without its vertical part, per sample (its direction: left to right or the reverse)."""
        if "hip_horizontal" not in self._cache:
            stored = _ordered(*HIP_LINE)[0]
            self._cache["hip_horizontal"] = self.vector(*stored)[0] - self.up_dot(*stored) * self.up
        return self._cache["hip_horizontal"]

    @property
    def side_tilt(self) -> np.ndarray:
        """Signed sideways (frontal-plane) trunk tilt in degrees per sample; 0 = upright.

        The lateral axis is the hip line made horizontal, so turning the whole body does not count.
        """
        if "tilt" not in self._cache:
            h = self.hip_horizontal
            with np.errstate(invalid="ignore", divide="ignore"):
                sideways = _dot(self.vector(*TRUNK)[0], h / np.sqrt(_dot(h, h)))
                if _ordered(*HIP_LINE)[1] < 0:  # stored right to left: the exact negation
                    sideways = -sideways
                self._cache["tilt"] = np.degrees(np.arctan2(sideways, self.up_dot(*TRUNK)))
        return self._cache["tilt"]


def _rep_max(x: np.ndarray) -> np.ndarray:
    """float[reps]: each rep's largest sample, NaN ignored (NaN when the rep has none)."""
    return np.fmax.reduce(x, axis=0)


def _largest_angle(cos: np.ndarray) -> np.ndarray:
    """float[reps]: each rep's largest angle in degrees, from the cosines (arccos only once per rep)."""
    return _degrees(np.fmin.reduce(cos, axis=0))


def _median(x: np.ndarray) -> float:
    """The median of the finite values (NaN when there are none); `np.median` costs more than the sort."""
    x = np.sort(x[np.isfinite(x)])
    n = len(x)
    return float((x[(n - 1) // 2] + x[n // 2]) / 2) if n else np.nan


def _mean_of_sides(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The two sides' mean, or the one side seen where the other is NaN (np.nanmean's values, without its copies)."""
    return np.where(np.isnan(left), right, np.where(np.isnan(right), left, (left + right) / 2))


def _length(v: np.ndarray) -> np.ndarray:
    return np.sqrt(_dot(v, v))


def sampled_measures(s: RepSamples, side: str, names: tuple[str, ...] = FEATURES) -> dict[str, np.ndarray]:
    """The FEATURES among `names` of every rep, float[reps] each; `side` is left|right|both.

    trunk_side_change_deg: largest sideways trunk tilt change from the rep's start.
    pelvis_rotation_deg: largest turn of the hip line about the vertical from the rep's start.
    thigh_angle_deg: deepest thigh (hip->knee) angle from straight down, 90 = horizontal (working side,
    or the mean of both sides' deepest).
    head_shift: largest head displacement from the rep's start, in the member's leg lengths.
    """
    out = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        if "trunk_side_change_deg" in names:
            tilt = s.side_tilt
            out["trunk_side_change_deg"] = _rep_max(np.abs(tilt - tilt[0]))
        if "pelvis_rotation_deg" in names:  # about the vertical only: the hip line's horizontal part
            line = s.hip_horizontal
            out["pelvis_rotation_deg"] = _largest_angle(_cos(line, line[:, :1]))
        if "thigh_angle_deg" in names:
            sides = SIDES if side == "both" else (side,)
            deepest = [_largest_angle(-s.up_cos(f"{k}_knee", f"{k}_hip")) for k in sides]  # against down
            out["thigh_angle_deg"] = deepest[0] if len(deepest) == 1 else _mean_of_sides(*deepest)
        if "head_shift" in names:
            head = s("head")
            out["head_shift"] = _rep_max(_length(head - head[:, :1])) / _leg_length(s)
    return out


def sampled_features(s: RepSamples, view: str) -> dict[str, np.ndarray]:
    """`measures.form_features` of every rep, read at the rep's samples instead of at every frame.

    The same measures: trunk inclination from vertical (largest, and largest change from the start),
    change of the hip line's angle from horizontal, heel height over shank length (rise from the start)
    and knee gap over ankle gap (smallest; NaN in a side view). Angles are taken once per rep from the
    extreme cosines (arccos is monotonic), and the shank is the median over the reps' start frames.
    """
    reps = s.frames.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        trunk_cos = s.trunk_cos
        lean = _degrees(np.fmin.reduce(trunk_cos, axis=0))
        upright = _degrees(np.fmax.reduce(trunk_cos, axis=0))
        first = _degrees(trunk_cos[0])
        # |90 - angle(hip line, up)| = arcsin(|cos|): largest and smallest from the extreme |cos|.
        line_cos = np.abs(s.up_cos(*HIP_LINE))
        tilt_hi, tilt_lo = (np.degrees(np.arcsin(f.reduce(line_cos, axis=0))) for f in (np.fmax, np.fmin))
        tilt_0 = np.degrees(np.arcsin(line_cos[0]))
        heights = []
        for k in SIDES:
            heel = s(f"{k}_heel")
            if np.isnan(heel).all():
                heel = s(f"{k}_ankle")
            shank = _median(_length(s(f"{k}_knee")[:, 0] - s(f"{k}_ankle")[:, 0]))
            heights.append(_dot(heel - s(f"{k}_toe"), s.up) / shank)
        left, right = heights
        height = _mean_of_sides(left, right)
        ratio = (np.fmin.reduce(_length(s("left_knee") - s("right_knee")) / _length(s("left_ankle") - s("right_ankle")),
                                axis=0) if view != "sagittal" else np.full(reps, np.nan))
        return {
            "trunk_lean_deg": lean,
            "trunk_change_deg": np.fmax(lean - first, first - upright),
            "hip_hike_deg": np.fmax(tilt_hi - tilt_0, tilt_0 - tilt_lo),
            "heel_lift": np.fmax.reduce(height, axis=0) - height[0],
            "knee_ankle_ratio": ratio,
        }


def _leg_length(s: RepSamples) -> float:
    """Thigh plus shank at the reps' start frames: the median over reps of both sides' mean (NaN if never seen)."""
    hip, knee, ankle = (np.stack([s(f"{k}_{j}")[:, 0] for k in SIDES], axis=1) for j in ("hip", "knee", "ankle"))
    legs = _length(knee - hip) + _length(ankle - knee)  # float[sides, reps]
    both = _mean_of_sides(legs[0], legs[1])
    return _median(both)


# Each joint angle as the two vectors it lies between, (a - b) and (c - d); "{k}" is the side.
_ANGLE_VECTORS = {
    "knee": ("{k}_hip", "{k}_knee", "{k}_ankle", "{k}_knee"),
    "hip": ("neck", "pelvis", "{k}_knee", "{k}_hip"),
    "shoulder": ("pelvis", "neck", "{k}_elbow", "{k}_shoulder"),
    "elbow": ("{k}_shoulder", "{k}_elbow", "{k}_wrist", "{k}_elbow"),
}


def trajectories(s: RepSamples, side: str, names: tuple[str, ...] = TRAJECTORIES,
                 relative: bool = True) -> np.ndarray:
    """float[reps, len(names), samples] joint angles in degrees (each minus its first sample when `relative`).

    `relative` makes a habitual start posture no deviation.
    """
    work, other = ("left", "right") if side in ("left", "both") else ("right", "left")
    samples, reps = s.frames.shape
    out = np.empty((len(names), samples, reps))
    for i, name in enumerate(names):
        joint = name.removeprefix("other_").removesuffix("_deg")
        if joint in _ANGLE_VECTORS:
            k = other if name.startswith("other_") else work
            a, b, c, d = (end.format(k=k) for end in _ANGLE_VECTORS[joint])
            out[i] = _degrees(s.cos((a, b), (c, d)))  # segment vectors shared with the other measures
        elif joint == "trunk":
            out[i] = _degrees(s.trunk_cos)
        else:  # trunk_side: signed towards the working side, so either side's lean reads the same
            out[i] = s.side_tilt * (-1.0 if work == "left" else 1.0)
    if relative:
        out -= out[:, :1]
    return out.transpose(2, 0, 1)


def _samples(positions: np.ndarray, names: tuple[str, ...], up: tuple[float, ...], windows: list[tuple[int, int]],
             samples: int = SAMPLES) -> RepSamples:
    bounds = np.array(windows, dtype=np.intp).reshape(-1, 2)
    return RepSamples(positions, names, up, bounds[:, 0], bounds[:, 1], samples)


def is_three_d(positions: np.ndarray, names: tuple[str, ...]) -> bool:
    """Whether a recording has 3-D positions of every joint these measures read."""
    return positions.ndim == 3 and positions.shape[2] == 3 and all(j in names for j in _JOINTS)


def rep_features(positions: np.ndarray, names: tuple[str, ...], up: tuple[float, ...], side: str, view: str,
                 windows: list[tuple[int, int]]) -> list[dict[str, float]]:
    """`sampled_features` and `sampled_measures` of each window: what a fitted form model reads (empty for 2-D)."""
    if not windows or not is_three_d(positions, names):
        return [{} for _ in windows]
    s = _samples(positions, names, up, windows)
    columns = {**sampled_features(s, view), **sampled_measures(s, side)}
    return [{k: float(v[i]) for k, v in columns.items()} for i in range(len(windows))]


def rep_trajectories(positions: np.ndarray, names: tuple[str, ...], up: tuple[float, ...], side: str,
                     windows: list[tuple[int, int]], samples: int = SAMPLES, relative: bool = True) -> np.ndarray:
    """float[reps, len(TRAJECTORIES), samples] of each (start, end) window (NaN for 2-D recordings)."""
    if not windows or not is_three_d(positions, names):
        return np.full((len(windows), len(TRAJECTORIES), samples), np.nan)
    return trajectories(_samples(positions, names, up, windows, samples), side, relative=relative)
