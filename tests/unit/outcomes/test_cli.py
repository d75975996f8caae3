"""The `report outcomes` command in every format, and its failure modes."""

import json

import pytest
from typer.testing import CliRunner

from openmsk.outcomes.cli import app
from openmsk.outcomes.synthetic import generate_cohort, write_cohort_csv

runner = CliRunner()


@pytest.fixture(scope="module")
def cohort_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("outcomes") / "cohort.csv"
    write_cohort_csv(generate_cohort(300, seed=9), path)
    return path


def _run(*args):
    return runner.invoke(app, ["outcomes", *map(str, args)])


def test_json_to_stdout_is_one_document(cohort_csv):
    result = _run("--input", cohort_csv, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["enrolled"] > 0 and report["definitions_version"]


def test_pdf_starts_with_the_pdf_signature(cohort_csv, tmp_path):
    out = tmp_path / "report.pdf"
    assert _run("--input", cohort_csv, "--format", "pdf", "--out", out).exit_code == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 4  # text page + 3 plots


def test_html_has_definitions_and_no_member_ids(cohort_csv, tmp_path):
    out = tmp_path / "report.html"
    assert _run("--input", cohort_csv, "--format", "html", "--out", out).exit_code == 0
    page = out.read_text()
    assert "Methods and definitions" in page and "last observation carried forward" in page
    assert "data:image/png;base64," in page
    assert "SYN-0" not in page


def test_csv_has_key_and_subgroup_tables(cohort_csv, tmp_path):
    out = tmp_path / "report.csv"
    assert _run("--input", cohort_csv, "--format", "csv", "--out", out).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "table,group,level,metric,value,suppressed"
    assert any(line.startswith("key,all,all,completers_pain_change_pct_mean,") for line in lines)
    assert any(line.startswith("subgroup,region,") for line in lines)


def test_suppressed_cells_are_labelled_in_html(data_dir, tmp_path):
    out = tmp_path / "small.html"
    assert _run("--input", data_dir / "hand_cohort.csv", "--format", "html", "--out", out).exit_code == 0
    assert 'class="suppressed">suppressed<' in out.read_text()


def test_bad_file_lists_problems_on_stderr_and_exits_2(data_dir):
    result = _run("--input", data_dir / "missing_columns.csv")
    assert result.exit_code == 2
    assert "missing_columns.csv:1: column 'member_id'" in result.stderr


def test_strict_rejects_bad_rows_with_exit_2(data_dir):
    result = _run("--input", data_dir / "bad_rows.csv", "--strict")
    assert result.exit_code == 2 and "bad_rows.csv:3: column 'pain'" in result.stderr


def test_lenient_mode_reports_exclusions_on_stderr(data_dir):
    result = _run("--input", data_dir / "bad_rows.csv", "--json")
    assert result.exit_code == 0
    assert "8 row(s) excluded" in result.stderr
    assert json.loads(result.stdout)["input"]["rows_excluded"] == 8


def test_cost_assumptions_add_a_labelled_estimate(cohort_csv, tmp_path):
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps({"currency": "EUR", "surgery_unit_cost": 1, "imaging_unit_cost": 1,
                                 "avoided_surgeries_per_1000_enrolled": 1, "avoided_imaging_per_1000_enrolled": 1}))
    result = _run("--input", cohort_csv, "--cost-assumptions", costs)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["cost_estimate"]["label"].startswith("ESTIMATE")


def test_missing_input_file_exits_2(tmp_path):
    assert _run("--input", tmp_path / "nope.csv").exit_code == 2


def test_suppressed_cells_are_empty_in_csv(data_dir, tmp_path):
    out = tmp_path / "small.csv"
    assert _run("--input", data_dir / "hand_cohort.csv", "--format", "csv", "--out", out).exit_code == 0
    suppressed = [line.split(",") for line in out.read_text().splitlines() if line.endswith(",true")]
    assert suppressed and all(row[4] == "" for row in suppressed)
