"""`openmsk exercises list` and `openmsk plan draft` through Typer's CliRunner."""

import json

import typer
from typer.testing import CliRunner

from openmsk.exercise.cli import GROUPS

runner = CliRunner()
# Registered the way `openmsk.cli` adds every capability's GROUPS (without importing the others).
app = typer.Typer()
for _name, (_group, _help) in GROUPS.items():
    app.add_typer(_group, name=_name, help=_help)
INTAKE = {"answers": {"nrs": [7], "phq9": [1, 1, 0, 1, 0, 1, 0, 0, 0], "gad7": [1, 0, 1, 0, 1, 0, 0],
                      "red_flags": [0] * 9,
                      "lifestyle": {"height_cm": 172, "weight_kg": 84, "body_regions": ["low_back"],
                                    "pain_duration_weeks": 20, "opioid_use": "none", "surgery_intent": 2,
                                    "goals": ["less_pain", "return_to_sport"], "sleep_hours": 6.5},
                      "psfs": [3, 4, 5]},
          "psfs_activities": ["bending to tie shoes", "running 5 km", "lifting my child"],
          "idempotency_key": "0b6c3c2e-onboarding"}


def test_list_json_prints_every_entry_with_the_agreed_fields():
    result = runner.invoke(app, ["exercises", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 80
    assert all({"id", "name", "regions", "type", "difficulty", "motion"} <= set(r) for r in rows)
    assert {r["id"] for r in rows if r["motion"]} >= {"squat", "side_tap", "elbow_flexion"}


def test_plan_draft_from_an_intake_document(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(INTAKE))
    result = runner.invoke(app, ["plan", "draft", "--intake-file", str(path), "--json"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    assert draft["regions"] == ["low_back"] and not draft["held"]
    assert 5 <= len(draft["items"]) <= 8 and all(i["rationale"] for i in draft["items"])


def test_plan_draft_with_a_red_flag_holds_and_bad_files_fail_clearly(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps({**INTAKE, "answers": {**INTAKE["answers"], "red_flags": [1] + [0] * 8}}))
    held = json.loads(runner.invoke(app, ["plan", "draft", "--intake-file", str(path), "--json"]).stdout)
    assert held["held"] and held["items"] == []
    path.write_text("{not json")
    bad = runner.invoke(app, ["plan", "draft", "--intake-file", str(path), "--json"])
    assert bad.exit_code == 2 and "not valid JSON" in bad.output
    path.write_text(json.dumps({"answers": {"nrs": [7]}}))
    missing = runner.invoke(app, ["plan", "draft", "--intake-file", str(path)])
    assert missing.exit_code == 2 and "missing instruments" in missing.output
