"""Video file -> MediaPipe Pose landmark CSV (the `mediapipe-csv` layout), with MediaPipe optional.

mediapipe 0.10.21 is the last wheel that bundles the full pose model, and it needs numpy < 2, so it
lives in a separate environment: `pip install "mediapipe==0.10.21" "numpy<2"`.
"""

import csv
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

LANDMARKS = 33
INSTALL_HINT = ('MediaPipe is not installed here. It needs numpy < 2, so it cannot share the OpenMSK '
                'environment: python -m venv vision && vision/bin/pip install "mediapipe==0.10.21" "numpy<2", '
                'then run PYTHONPATH=src vision/bin/python -m openmsk.motion.extract VIDEO --out LANDMARKS.csv '
                '(this module needs only MediaPipe and the standard library).')
HEADER = (["frame", "t_s", "detected"] + [f"{k}{i}" for i in range(LANDMARKS) for k in ("x", "y", "z", "v")]
          + [f"{k}{i}" for i in range(LANDMARKS) for k in ("wx", "wy", "wz")])


class MissingExtra(RuntimeError):
    """The optional vision dependencies are not installed."""


Landmarks = list[tuple[float, float, float, float]]
World = list[tuple[float, float, float]]


class PoseEstimator(Protocol):
    """Anything that turns one RGB frame into (image landmarks, world landmarks), or (None, None)."""

    def __call__(self, rgb) -> tuple[Landmarks | None, World | None]: ...


@dataclass
class ExtractStats:
    """How many frames were read and in how many a person was found."""

    frames: int = 0
    detected: int = 0


def _row(index: int, t: float, image: Landmarks | None, world: World | None) -> list[str]:
    if image is None or world is None:
        return [str(index), f"{t:.4f}", "0"] + [""] * (LANDMARKS * 7)
    flat = [f"{v:.5f}" for point in image for v in point] + [f"{v:.5f}" for point in world for v in point]
    return [str(index), f"{t:.4f}", "1", *flat]


def write_landmarks(frames: Iterable[tuple[float, object]], estimator: PoseEstimator, out: Path) -> ExtractStats:
    """Run the estimator on (t, rgb) frames and write one CSV row per frame (gzip when out ends .gz)."""
    stats = ExtractStats()
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wt", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for index, (t, rgb) in enumerate(frames):
            image, world = estimator(rgb)
            if image is not None and (len(image) != LANDMARKS or world is None or len(world) != LANDMARKS):
                image = world = None  # a partial skeleton is treated as no person, never padded
            writer.writerow(_row(index, t, image, world))
            stats.frames += 1
            stats.detected += image is not None
    return stats


def mediapipe_estimator() -> PoseEstimator:
    """MediaPipe Pose (solutions API, model_complexity=1: the model bundled with 0.10.21, offline)."""
    try:
        import mediapipe as mp
    except ImportError as exc:
        raise MissingExtra(INSTALL_HINT) from exc
    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True)

    def estimate(rgb):
        result = pose.process(rgb)
        if result.pose_landmarks is None or result.pose_world_landmarks is None:
            return None, None
        image = [(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark]
        world = [(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark]
        return image, world

    return estimate


def video_frames(path: Path) -> Iterator[tuple[float, object]]:
    """(t seconds, RGB array) for each frame of a video file, read with OpenCV (ships with mediapipe)."""
    try:
        import cv2
    except ImportError as exc:
        raise MissingExtra(INSTALL_HINT) from exc
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError("the video file cannot be opened")
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    index = 0
    try:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            yield index / fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            index += 1
    finally:
        capture.release()


def main(argv: list[str] | None = None) -> int:
    """`python -m openmsk.motion.extract VIDEO --out CSV` for the separate MediaPipe environment."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        stats = write_landmarks(video_frames(args.video), mediapipe_estimator(), args.out)
    except (MissingExtra, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{stats.frames} frames, a person in {stats.detected}: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
