"""Fixtures for the outcomes tests: the hand-computed cohort files."""

from pathlib import Path

import pytest

from openmsk.outcomes.loader import load_cohort_csv

DATA = Path(__file__).resolve().parents[2] / "data" / "outcomes"


@pytest.fixture
def data_dir() -> Path:
    """Folder of hand-written outcome fixtures."""
    return DATA


@pytest.fixture
def hand_cohort():
    """The 10-member cohort computed by hand in the tests."""
    return load_cohort_csv(DATA / "hand_cohort.csv")
