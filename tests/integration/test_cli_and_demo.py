"""The `openmsk` command and the synthetic demo clinic, against a real database."""

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from openmsk.careteam.models import CareTeamAssignment
from openmsk.cli import app
from openmsk.config import get_settings
from openmsk.demo import generator
from openmsk.demo.seed import ensure_demo
from openmsk.members.models import Member

runner = CliRunner()


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("OPENMSK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("OPENMSK_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("OPENMSK_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_users_create_and_list_print_json(cli_env):
    created = runner.invoke(app, ["users", "create", "--email", "Ops@Clinic.Test", "--name", "Ops",
                                  "--role", "admin", "--role", "physician", "--json", "--password-stdin"],
                            input="a long enough password\n")
    assert created.exit_code == 0, created.output
    document = json.loads(created.stdout)
    assert document["email"] == "ops@clinic.test" and document["roles"] == ["admin", "physician"]
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert [u["email"] for u in json.loads(listed.stdout)] == ["ops@clinic.test"]


def test_users_create_refuses_bad_input_with_exit_2(cli_env):
    bad_role = runner.invoke(app, ["users", "create", "--email", "x@clinic.test", "--name", "X", "--role", "wizard"])
    assert bad_role.exit_code == 2 and "unknown roles" in bad_role.stderr
    runner.invoke(app, ["users", "create", "--email", "x@clinic.test", "--name", "X", "--role", "admin"])
    again = runner.invoke(app, ["users", "create", "--email", "x@clinic.test", "--name", "X", "--role", "admin"])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_demo_seeds_fifty_synthetic_members_once_and_keeps_them(cli_env, db):
    first = ensure_demo(cli_env)
    with db.transaction() as session:
        members = session.scalar(select(func.count()).select_from(Member))
        synthetic = session.scalar(select(func.count()).select_from(Member).where(Member.synthetic.is_(True)))
        unassigned = session.scalar(select(func.count()).select_from(Member).where(
            ~Member.id.in_(select(CareTeamAssignment.member_id))))
    assert members == synthetic == 50 and unassigned == 0
    assert {login["role"].split(" ")[0] for login in first} >= {
        "admin", "program_admin", "member", "physical_therapist", "health_coach", "physician",
        "nutritionist", "behavioral_health"}
    assert ensure_demo(cli_env) == first
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 50
