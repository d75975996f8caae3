"""`openmsk intake score` and `openmsk intake instruments` through Typer's CliRunner."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openmsk.intake.cli import app

DATA = Path(__file__).resolve().parents[2] / "data" / "intake"
runner = CliRunner()


def run_json(*args: str) -> list[dict]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_scores_every_line_in_order_skipping_blank_lines():
    results = run_json("score", "phq9", "--answers-file", str(DATA / "phq9_valid.jsonl"))
    assert [(r["valid"], r["total"], r["severity"]) for r in results] == [
        (True, 9, "mild"), (True, 0, "minimal"), (True, 27, "severe")]
    assert results[0]["flags"] == ["self_harm_risk"] and results[1]["flags"] == []
    assert all(r["error"] is None for r in results)


def test_malformed_and_invalid_lines_are_reported_per_line():
    results = run_json("score", "odi", "--answers-file", str(DATA / "odi_mixed.jsonl"))
    assert len(results) == 6
    assert results[0]["valid"] and results[0]["total"] == pytest.approx(32.0)
    assert results[1] == {"valid": False, "total": None, "severity": None, "flags": [],
                          "error": "line 2: not a JSON array"}
    assert results[2]["valid"] and results[2]["total"] == pytest.approx(16 / 45 * 100)
    assert results[3]["error"] == "line 4: odi items 3, 8: 2 missing; at most 1 allowed"
    assert results[4]["error"] == "line 5: not valid JSON"
    assert results[5]["error"] == "line 6: odi item 10: 9 is outside 0..5"


def test_missing_item_in_phq9_is_invalid(tmp_path):
    answers = tmp_path / "a.jsonl"
    answers.write_text("[0, 0, null, 0, 0, 0, 0, 0, 0]\n")
    (result,) = run_json("score", "phq9", "--answers-file", str(answers))
    assert result["valid"] is False and result["error"].startswith("line 1: phq9 item 3: missing")


def test_unknown_instrument_exits_2():
    result = runner.invoke(app, ["score", "sf36", "--answers-file", str(DATA / "phq9_valid.jsonl"), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_unreadable_file_exits_2(tmp_path):
    result = runner.invoke(app, ["score", "phq9", "--answers-file", str(tmp_path / "absent.jsonl"), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_help_lists_the_instruments():
    result = runner.invoke(app, ["score", "--help"])
    assert result.exit_code == 0
    for instrument_id in ("phq9", "koos_jr", "red_flags", "auditc", "pss4"):
        assert instrument_id in result.output


def test_instruments_catalogue_as_json():
    rows = {row["id"]: row for row in run_json("instruments")}
    assert rows["phq9"]["items"] == 9
    assert rows["phq9"]["loinc"] == {"panel": "44249-1", "total": "44261-6"}
    assert "not shipped" in rows["odi"]["licence"]
    assert rows["lifestyle"]["items"] > 10
