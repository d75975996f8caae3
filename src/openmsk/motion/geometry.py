"""Vector and quaternion geometry over frame arrays (NaN propagates as a gap)."""

import numpy as np


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle in degrees between float[frames, d] vectors."""
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Inner angle at b (degrees) of the chain a-b-c; 180 = straight."""
    return angle_between(a - b, c - b)


def segment_to_vertical(top: np.ndarray, bottom: np.ndarray, up: tuple[float, ...]) -> np.ndarray:
    """Angle (degrees) of the segment bottom->top from the up direction; 0 = upright."""
    return angle_between(top - bottom, np.asarray(up, dtype=float)[: top.shape[-1]])


def project_out(v: np.ndarray, axis: tuple[float, ...]) -> np.ndarray:
    """Component of float[frames, d] vectors perpendicular to a fixed axis."""
    a = np.asarray(axis, dtype=float)[: v.shape[-1]]
    a = a / np.linalg.norm(a)
    return v - np.sum(v * a, axis=-1, keepdims=True) * a


def quat_conj(q: np.ndarray) -> np.ndarray:
    """Conjugate of float[..., 4] (w, x, y, z) quaternions."""
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def quat_mul(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hamilton product of float[..., 4] (w, x, y, z) quaternions."""
    w1, x1, y1, z1 = np.moveaxis(p, -1, 0)
    w2, x2, y2, z2 = np.moveaxis(q, -1, 0)
    return np.stack([
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
    ], axis=-1)


def quat_angle(q: np.ndarray) -> np.ndarray:
    """Rotation angle in degrees of float[..., 4] unit quaternions (0..180)."""
    w = np.abs(q[..., 0]) / np.linalg.norm(q, axis=-1)
    return np.degrees(2.0 * np.arccos(np.clip(w, -1.0, 1.0)))


def quat_rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate float[..., 3] vectors by float[..., 4] unit quaternions."""
    qv = np.concatenate([np.zeros(v.shape[:-1] + (1,)), v], axis=-1)
    return quat_mul(quat_mul(q, qv), quat_conj(q))[..., 1:]


# Per-coordinate columns: whole-column arithmetic over float[frames] arrays is several times faster
# than reducing float[frames, d] rows, and summing coordinates in order 0, 1, 2 gives bit-for-bit the
# results of `np.sum(..., axis=-1)` and `np.linalg.norm(..., axis=-1)` above (a unit test checks it).


def columns(points: np.ndarray) -> list[np.ndarray]:
    """float[frames, d] as d per-coordinate arrays (views, no copy)."""
    return [points[:, c] for c in range(points.shape[-1])]


def column_dot(u: list, v: list) -> np.ndarray:
    """Row-wise dot product of per-coordinate columns (either side may hold scalars)."""
    out = u[0] * v[0]
    for a, b in zip(u[1:], v[1:], strict=True):
        out = out + a * b
    return out


def column_norm(u: list) -> np.ndarray:
    """Row-wise Euclidean length of per-coordinate columns."""
    return np.sqrt(column_dot(u, u))


def column_angle(u: list, v: list) -> np.ndarray:
    """`angle_between` over per-coordinate columns (v may be a fixed vector of scalars)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = column_dot(u, v) / (column_norm(u) * column_norm(v))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def column_sub(p: list, q: list) -> list[np.ndarray]:
    """Per-coordinate p - q."""
    return [a - b for a, b in zip(p, q, strict=True)]


def nanmedian(x: np.ndarray) -> float:
    """`np.nanmedian` of a 1-D array (same value), with one partition of one copy and no all-NaN warning."""
    kept = x[~np.isnan(x)]
    n = len(kept)
    if not n:
        return np.nan
    k = n // 2
    if n % 2:
        kept.partition(k)
        return float(kept[k])
    kept.partition([k - 1, k])
    return float((kept[k - 1] + kept[k]) / 2.0)


def percentiles(x: np.ndarray, qs: list[float]) -> list[float]:
    """`np.percentile(x, qs)` (linear method, the same values) of a finite 1-D array, with one partition."""
    # np.percentile also partitions for the first and last element and goes through several layers of
    # checks: on one signal's ~10,000 samples that is half its cost.
    n = len(x)
    at = np.asarray(qs, dtype=float) / 100 * (n - 1)
    below = np.floor(at).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    ordered = np.partition(x, np.unique(np.concatenate((below, above))))
    low, high, t = ordered[below], ordered[above], at - below
    gap = high - low
    # numpy's _lerp: from the nearer end, so an exact end value comes out unrounded.
    return np.where(t >= 0.5, high - gap * (1 - t), low + gap * t).tolist()
