"""`openmsk motion extract`: landmark CSV writing with a fake estimator, and the missing-extra error."""

import importlib.util

import numpy as np
import pytest
from typer.testing import CliRunner

from openmsk.motion.cli import app
from openmsk.motion.extract import write_landmarks
from openmsk.motion.loaders.mediapipe_csv import load_mediapipe_csv
from openmsk.motion.synthetic import squat_frames


def test_landmarks_are_written_in_the_mediapipe_csv_layout_and_frames_without_a_person_stay_empty(tmp_path):
    frames = squat_frames([100, 100])
    empty = set(range(40, 50))

    def fake_estimator(index):
        if index in empty:
            return None, None
        world = frames[index]["landmarks"]
        image = [(0.5 + x / 4, 0.5 + y / 4, z, v) for x, y, z, v in world]
        return image, [(x, y, z) for x, y, z, _ in world]

    out = tmp_path / "landmarks.csv.gz"
    stats = write_landmarks(((f["t"], i) for i, f in enumerate(frames)), fake_estimator, out)
    assert stats.frames == len(frames) and stats.detected == len(frames) - len(empty)
    rec = load_mediapipe_csv(out)
    assert rec.frames == len(frames)
    missing = np.isnan(rec.positions[:, :, 0]).all(axis=1)
    assert set(np.flatnonzero(missing)) == empty
    assert np.allclose(rec.t, [f["t"] for f in frames], atol=1e-3)


def test_a_partial_skeleton_is_stored_as_no_person(tmp_path):
    out = tmp_path / "x.csv"
    write_landmarks([(0.0, None)], lambda _: ([(0, 0, 0, 1)] * 5, [(0, 0, 0)] * 5), out)
    assert out.read_text().splitlines()[1].startswith("0,0.0000,0,")


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is not None, reason="mediapipe is installed")
def test_extract_without_mediapipe_exits_2_with_the_install_recipe(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\x00" * 16)
    result = CliRunner().invoke(app, ["extract", str(video), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert 'mediapipe==0.10.21' in result.output and 'numpy<2' in result.output
