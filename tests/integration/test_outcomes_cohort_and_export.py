"""The outcomes cohort read from the database, its de-identified export and `report outcomes --org`."""

import json
from datetime import date

import numpy as np
import pytest
from typer.testing import CliRunner

from openmsk.cli import app as cli
from openmsk.config import get_settings
from openmsk.outcomes import sources
from openmsk.outcomes.cohort import MEASURES
from openmsk.outcomes.dbcohort import CohortFilter, cohort_from_db
from openmsk.outcomes.loader import load_cohort_csv
from tests.integration.clinic import build_clinic
from tests.integration.test_outcomes_data import add_members, record_history

runner = CliRunner()


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("OPENMSK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("OPENMSK_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("OPENMSK_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture
def stored(db, monkeypatch):
    """The test clinic plus 11 members with histories; exercise and medication data from fakes."""
    clinic = build_clinic(db)
    with db.transaction() as session:
        ids = list(clinic.member_ids.values()) + add_members(session, clinic.org_id, 11)
        record_history(session, ids)
    sessions = {member_id: {0: 2, 1: 3, 4: i % 4} for i, member_id in enumerate(ids)}
    monkeypatch.setattr(sources, "sessions_by_week", lambda s, *, member_ids: sessions)
    # Only MME says whether bob uses opioids in week 2 (pain but no lifestyle answer that week);
    # week 3 has no other data, so MME alone must not add a row.
    monkeypatch.setattr(sources, "mme_by_week", lambda s, *, member_ids: {clinic.member_ids["bob"]: {2: 30.0, 3: 5.0}})
    return clinic, ids


def _member_rows(cohort) -> list[tuple]:
    """Each member's weekly values and attributes, keyed by content (ids differ after export)."""
    def value(v):
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v

    rows = []
    for i in range(cohort.size):
        weekly = tuple(tuple(value(x) for x in cohort.measure(name)[i]) for name in MEASURES)
        attributes = tuple((k, value(cohort.attributes[k][i])) for k in sorted(cohort.attributes))
        rows.append((weekly, attributes))
    return sorted(rows, key=repr)


def test_cohort_from_the_database_equals_its_deidentified_export_and_filters_select_members(db, cli_env, stored, tmp_path):
    clinic, ids = stored
    with db.transaction() as session:
        from_db = cohort_from_db(session, filters=CohortFilter(organization_id=clinic.org_id))
    out = tmp_path / "cohort.csv"
    result = runner.invoke(cli, ["export", "cohort", "--org", "Test Employer", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["members"] == len(ids) == from_db.size
    exported = load_cohort_csv(out, strict=True)
    assert _member_rows(exported) == _member_rows(from_db)
    bob = list(from_db.member_ids).index(clinic.member_ids["bob"])
    assert from_db.measure("opioid_use")[bob, 2] == 1 and np.isnan(from_db.measure("opioid_use")[bob, 3])
    assert from_db.measure("sessions")[bob, 1] == 3
    text = out.read_text()
    for secret in [*ids, "Quixotic", "Annabel", "1971-03-14", "ann@clinic.test", "2026-11"]:
        assert secret not in text
    with db.transaction() as session:
        knee = cohort_from_db(session, filters=CohortFilter(organization_id=clinic.org_id, body_region="knee"))
        later = cohort_from_db(session, filters=CohortFilter(organization_id=clinic.org_id, enrolled_from=date(2027, 1, 1)))
    assert 0 < knee.size < len(ids) and set(knee.attributes["region"]) == {"knee"}
    assert later.size == 0


def test_report_from_org_matches_the_report_from_the_exported_csv_except_withheld_cells(db, cli_env, stored, tmp_path):
    out = tmp_path / "cohort.csv"
    assert runner.invoke(cli, ["export", "cohort", "--org", "Test Employer", "--out", str(out)]).exit_code == 0
    by_org = runner.invoke(cli, ["report", "outcomes", "--org", "Test Employer", "--json"])
    by_csv = runner.invoke(cli, ["report", "outcomes", "--input", str(out), "--json"])
    assert by_org.exit_code == 0 and by_csv.exit_code == 0, by_org.output + by_csv.output
    org_report, csv_report = json.loads(by_org.stdout), json.loads(by_csv.stdout)
    assert org_report["enrolled"] == csv_report["enrolled"] == 14
    assert org_report["cohort"]["organization"] == "Test Employer"
    compared = 0
    for key, value in org_report.items():
        flat = isinstance(value, int | float) or (isinstance(value, list) and all(isinstance(v, float) for v in value))
        if not flat or key in ("synthetic",):
            continue
        assert value == pytest.approx(csv_report[key]), key  # member order differs: float sums may too
        compared += 1
    assert compared > 10
    withheld = [k for k in org_report["suppressed_fields"] if csv_report.get(k) is not None]
    assert withheld and all(org_report[k] is None for k in withheld)
    assert runner.invoke(cli, ["report", "outcomes", "--org", "No Such Org"]).exit_code == 2
    assert runner.invoke(cli, ["report", "outcomes"]).exit_code == 2
