"""Withholding small counts, the de-identified export and the report form, on small hand-made inputs."""

import copy

from openmsk.outcomes.disclosure import withhold_small_counts
from openmsk.outcomes.export import deidentify
from openmsk.outcomes.filters import parse_report_form
from openmsk.outcomes.render import render_csv
from openmsk.outcomes.report import compute_report
from openmsk.outcomes.synthetic import generate_cohort


def test_counts_of_one_to_ten_and_shares_that_reveal_them_are_withheld():
    report = compute_report(generate_cohort(40, seed=3), resamples=50)
    report["completers_responders_50pct_count"] = 7  # make one small responder count
    original = copy.deepcopy(report)
    withhold_small_counts(report, 11)
    assert report["enrolled"] == original["enrolled"] >= 11
    assert report["completers_responders_50pct"] is None and report["completers_responders_50pct_count"] is None
    assert "completers_responders_50pct" in report["suppressed_fields"]
    for key, value in report.items():
        if key.endswith("_count") and isinstance(value, int):
            assert value == 0 or value >= 11, key
    rows = [line.split(",") for line in render_csv(report).splitlines()[1:]]
    for table, _g, _l, metric, value, hidden in rows:
        if metric == "completers_responders_50pct":
            assert value == "" and hidden == "true"


def test_a_small_number_of_non_completers_hides_the_completer_count():
    report = compute_report(generate_cohort(40, seed=3), resamples=50)
    report["completers"] = report["enrolled"] - 4
    withhold_small_counts(report, 11)
    assert report["completers"] is None


def test_export_replaces_ids_with_random_keys_and_top_codes_age():
    rows = [{"member_id": "real-1", "week": "0", "pain": "7", "age": "93", "sex": "female"},
            {"member_id": "real-1", "week": "1", "pain": "6", "age": "93", "sex": "female"},
            {"member_id": "real-2", "week": "0", "pain": "5", "age": "41", "sex": "male"}]
    first, second = deidentify(rows), deidentify(rows)
    keys = {r["member_id"] for r in first}
    assert len(keys) == 2 and not keys & {"real-1", "real-2"}
    assert keys != {r["member_id"] for r in second}  # fresh keys every export: no stable pseudonym
    assert sorted(r["age"] for r in first) == ["41", "90", "90"]
    assert sorted(r["age"] for r in deidentify(rows, band_years=5)) == ["40", "90", "90"]


def test_report_form_names_each_bad_field_and_requires_every_cost_assumption():
    form = parse_report_form({"organization": "o", "enrolled_from": "2026-13-01", "body_region": "tail",
                              "surgery_unit_cost": "-1"})
    fields = {e.location[1] for e in form.errors}
    assert fields == {"enrolled_from", "body_region", "surgery_unit_cost", "imaging_unit_cost",
                      "avoided_surgeries_per_1000_enrolled", "avoided_imaging_per_1000_enrolled", "currency"}
    ok = parse_report_form({"organization": "o", "enrolled_from": "2026-01-01", "enrolled_to": "2026-02-01",
                            "currency": "USD", "surgery_unit_cost": "30000", "imaging_unit_cost": "1000",
                            "avoided_surgeries_per_1000_enrolled": "2", "avoided_imaging_per_1000_enrolled": "10"})
    assert ok.errors == [] and ok.cost.surgery_unit_cost == 30000.0
    assert parse_report_form({"enrolled_from": "2026-02-01", "enrolled_to": "2026-01-01"}).errors
