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
