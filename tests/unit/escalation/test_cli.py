"""`openmsk escalations evaluate` over FHIR files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from openmsk.escalation.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fhir"
WINDOW = ["--since", "2025-01-01", "--now", "2025-06-30"]
runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["evaluate", *map(str, args)])


def test_evaluate_prints_one_json_document_with_alerts_summary_and_problems():
    result = run(FIXTURES / "msk_positive_bundle.json", *WINDOW, "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"alerts", "summary", "problems"}
    first = document["alerts"][0]
    assert {"patient", "category", "rule", "severity", "resource", "occurred_at", "evidence"} <= set(first)
    assert first["patient"] == "fixture-positive-patient"
    assert document["summary"]["ed_visit"] == 3
    assert sum(document["summary"].values()) == len(document["alerts"])


def test_default_window_is_30_days_before_now():
    recent = run(FIXTURES / "msk_positive_bundle.json", "--now", "2025-06-30", "--json")
    categories = {a["category"] for a in json.loads(recent.stdout)["alerts"]}
    # Only the fentanyl patch (2025-06-10) and knee injection (2025-06-01) fall in the last 30 days.
    assert categories == {"opioid_prescription", "high_dose_opioid", "injection"}


def test_all_history_ignores_the_window():
    document = json.loads(run(FIXTURES / "msk_positive_bundle.json", "--now", "2025-06-30", "--all-history",
                              "--json").stdout)
    assert document["summary"]["ed_visit"] == 3


def test_gzip_bundles_ndjson_and_folders_are_read_and_bad_lines_reported(tmp_path):
    (tmp_path / "a.json.gz").write_bytes(gzip.compress((FIXTURES / "msk_positive_bundle.json").read_bytes()))
    (tmp_path / "b.ndjson").write_bytes((FIXTURES / "resources.ndjson").read_bytes())
    document = json.loads(run(tmp_path, *WINDOW, "--json").stdout)
    patients = {a["patient"] for a in document["alerts"]}
    assert patients == {"fixture-positive-patient", "nd-1"}
    assert {"path": str(tmp_path / "b.ndjson"), "location": "line 3", "error": "invalid JSON at column 37"} in document["problems"]


def test_missing_path_exits_2_with_a_message():
    result = run("/nonexistent/file.json", "--json")
    assert result.exit_code == 2
    assert "path not found" in result.stderr


def test_invalid_since_exits_2():
    result = run(FIXTURES / "msk_positive_bundle.json", "--since", "yesterday", "--json")
    assert result.exit_code == 2
    assert "--since" in result.stderr
