"""Fixtures for escalation tests: Synthea bundles parsed once per session, hand-written fixtures."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openmsk.escalation.engine import Engine, Evaluation
from openmsk.escalation.events import SUPPORTED_TYPES, ClinicalEvent, normalize

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fhir"
FIXTURE_NOW = datetime(2025, 6, 30, tzinfo=UTC)
FIXTURE_SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def bundle_events(bundle: dict) -> list[ClinicalEvent]:
    """Normalize the supported resources of one Bundle, resolving urn:uuid fullUrls."""
    entries = [e for e in bundle.get("entry", []) if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    ids = {e["fullUrl"]: e["resource"].get("id") for e in entries if e.get("fullUrl")}
    return [normalize(e["resource"], ids) for e in entries if e["resource"].get("resourceType") in SUPPORTED_TYPES]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.shipped()


@pytest.fixture(scope="session")
def synthea_bundles(shared_data_dir: Path) -> list[dict]:
    """Every Synthea bundle, each file parsed once per test session."""
    files = sorted((shared_data_dir / "fhir" / "synthea").glob("*.json.gz"))
    assert files, "no Synthea bundles found"
    bundles = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            bundles.append(json.load(handle))
    return bundles


@pytest.fixture(scope="session")
def synthea_events(synthea_bundles: list[dict]) -> list[ClinicalEvent]:
    return [event for bundle in synthea_bundles for event in bundle_events(bundle)]


@pytest.fixture(scope="session")
def synthea_evaluation(engine: Engine, synthea_events: list[ClinicalEvent]) -> Evaluation:
    """All history (no monitoring window) so every record can raise its alert."""
    return engine.evaluate(synthea_events, now=datetime(2030, 1, 1, tzinfo=UTC), since=None)


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def positive_evaluation(engine: Engine) -> Evaluation:
    events = bundle_events(load_fixture("msk_positive_bundle.json"))
    return engine.evaluate(events, now=FIXTURE_NOW, since=FIXTURE_SINCE)


@pytest.fixture(scope="session")
def fixture_events():
    """A function: hand-written fixture file name -> normalized events."""
    return lambda name: bundle_events(load_fixture(name))


@pytest.fixture(scope="session")
def window():
    """(now, since) used with the hand-written fixtures (their events are dated 2025-02 to 2025-06)."""
    return FIXTURE_NOW, FIXTURE_SINCE
