"""Scenario validation and the `simulate` command (run through Typer's CliRunner)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openmsk.coaching.cli import app
from openmsk.coaching.scenario import parse_scenario
from openmsk.coaching.scenario_fields import ScenarioError

DATA = Path(__file__).resolve().parents[2] / "data" / "coaching"
EXAMPLES = sorted(DATA.glob("*.json"))
VALID = {"timezone": "America/New_York", "start": "2026-03-01", "weeks": 1, "sessions_per_week": 3}
runner = CliRunner()


def test_both_example_scenarios_ship_and_parse():
    assert len(EXAMPLES) >= 2
    for path in EXAMPLES:
        assert parse_scenario(json.loads(path.read_text())).weeks == 12


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": 20260301}, "start"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": -2}, "weeks"),
        ({"weeks": "twelve"}, "weeks"),
        ({"sessions_per_week": 8}, "sessions_per_week"),
        ({"events": [{"at": "2026-03-02T10:00:00Z", "type": "teleport"}]}, "events[0].type"),
        ({"events": [{"at": "2026-03-02T10:00:00", "type": "session_completed"}]}, "events[0].at"),
        ({"events": [{"at": "yesterday", "type": "session_completed"}]}, "events[0].at"),
        ({"events": [{"at": "2026-03-02T10:00:00Z", "type": "pain_checkin", "pain": 11}]}, "events[0].pain"),
        ({"events": [{"at": "2026-03-02T10:00:00Z", "type": "opt_out", "channel": "fax"}]}, "events[0]"),
        ({"preferences": {"quiet_hours": ["25:00", "08:00"]}}, "preferences.quiet_hours[0]"),
        ({"preferences": {"opt_out": ["in_app"]}}, "preferences.opt_out[0]"),
        ({"preferences": {"max_per_dya": 1}}, "preferences.max_per_dya"),
        ({"behaviour": {"nudges": "sometimes"}}, "behaviour.nudges"),
        ({"behaviour": {"sessions": {"weekdays": ["funday"]}}}, "behaviour.sessions.weekdays"),
    ],
)
def test_invalid_scenario_names_the_field(changes, field):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**VALID, **changes})
    assert info.value.field == field


def test_missing_required_field_is_named():
    with pytest.raises(ScenarioError, match="'timezone'"):
        parse_scenario({"start": "2026-03-01", "weeks": 1})


def test_pain_value_is_not_echoed_in_the_error():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**VALID, "events": [{"at": "2026-03-02T10:00:00Z", "type": "pain_checkin", "pain": 97}]})
    assert "97" not in str(info.value)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_simulate_json_prints_one_document_with_the_documented_fields(path):
    result = runner.invoke(app, ["simulate", "--scenario", str(path), "--json"])
    assert result.exit_code == 0, result.output
    nudges = json.loads(result.stdout)
    assert nudges, "the example scenarios are built to send nudges"
    for nudge in nudges:
        assert set(nudge) == {"at", "local_time", "kind", "channel", "reason"}
        assert nudge["at"].endswith("Z")
        assert nudge["local_time"][-6:] in {"-05:00", "-04:00"}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (json.dumps({**VALID, "timezone": "Nowhere/Town"}), "timezone"),
        (json.dumps({**VALID, "weeks": 0}), "weeks"),
        (json.dumps({**VALID, "events": [{"at": "2026-03-02T10:00:00Z", "type": "dance"}]}), "events[0].type"),
        ("{not json", "not valid JSON"),
    ],
)
def test_simulate_with_bad_scenario_exits_2_with_a_clear_message(tmp_path, content, needle):
    scenario = tmp_path / "bad.json"
    scenario.write_text(content)
    result = runner.invoke(app, ["simulate", "--scenario", str(scenario), "--json"])
    assert result.exit_code == 2
    assert needle in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_simulate_with_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["simulate", "--scenario", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_simulate_text_output_lists_nudges():
    result = runner.invoke(app, ["simulate", "--scenario", str(EXAMPLES[0])])
    assert result.exit_code == 0 and "nudge(s) over 12 week(s)" in result.stderr
