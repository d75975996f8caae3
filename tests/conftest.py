"""Fixtures shared by every test layer."""

import os
from pathlib import Path

os.environ.setdefault("OPENMSK_PASSWORD_HASH_PROFILE", "cheap")

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("OPENMSK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def _missing(what: str, variable: str) -> None:
    """Skip locally, but fail when the run requires the resource (CI sets the variable)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{what} is required in this run ({variable}=1) but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The real data folder beside the repository (../shared/data)."""
    if not SHARED_DATA.is_dir():
        _missing(f"shared data at {SHARED_DATA}", "OPENMSK_REQUIRE_SHARED_DATA")
    return SHARED_DATA


# --- databases -------------------------------------------------------------------------------
# Every database test runs twice: on embedded SQLite and on PostgreSQL. Each test gets a fresh
# database copied from one migrated template, so tests are isolated and the migrations are tested.

import itertools
import shutil
import secrets as _secrets

from sqlalchemy import create_engine, text

from openmsk.dbmigrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get("OPENMSK_TEST_POSTGRES_URL", "")
REDIS_TEST_URL = os.environ.get("OPENMSK_TEST_REDIS_URL", "")
_counter = itertools.count()


def require_service(what: str) -> None:
    """Skip locally, fail when OPENMSK_REQUIRE_SERVICES=1 (make test and CI set it)."""
    _missing(what, "OPENMSK_REQUIRE_SERVICES")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> str:
    if not POSTGRES_ADMIN_URL:
        require_service("PostgreSQL (OPENMSK_TEST_POSTGRES_URL)")
    name = f"openmsk_template_{os.getpid()}"
    admin = create_engine(POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_url(database: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"openmsk_test_{os.getpid()}_{next(_counter)}"
    admin = create_engine(POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # FILE_COPY is much faster than PostgreSQL 15's default WAL_LOG strategy for a small template.
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app_settings(tmp_path):
    """Settings for tests that build the app but touch no database."""
    from openmsk.config import Settings

    return Settings(env="test", var_dir=tmp_path / "var", secret_key=_secrets.token_urlsafe(32))


@pytest.fixture
def settings(tmp_path, db_url):
    from openmsk.config import Settings

    return Settings(env="test", var_dir=tmp_path / "var", database_url=db_url,
                    secret_key=_secrets.token_urlsafe(32), base_url="http://testserver", redis_url="")


@pytest.fixture
def notifier():
    from openmsk.notify import FakeNotifier

    return FakeNotifier()


@pytest.fixture
def services(settings, notifier):
    from openmsk.app import build_services

    built = build_services(settings, notifier=notifier)
    yield built
    built.queue.close()
    built.db.dispose()


@pytest.fixture
def db(services):
    """The test's Database."""
    return services.db


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory):
    """One app for the whole run: FastAPI builds its route table lazily on an app's first request,
    which costs about half a second with this many routes, so tests re-point one app instead."""
    from openmsk.app import build_services, create_app
    from openmsk.config import Settings

    var = tmp_path_factory.mktemp("shared-app")
    settings = Settings(env="test", var_dir=var, database_url=f"sqlite:///{var / 'unused.sqlite3'}",
                        secret_key=_secrets.token_urlsafe(32))
    services = build_services(settings)
    app = create_app(services=services)
    services.queue.close()
    return app


@pytest.fixture
def app(_shared_app, services):
    """The app, bound to this test's database, queue, notifier and settings."""
    from openmsk.app import bind_services

    bind_services(_shared_app, services)
    return _shared_app


@pytest.fixture
def fresh_app(services):
    """An app of the test's own, for tests that add routes to it."""
    from openmsk.app import create_app

    return create_app(services=services)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


def pytest_terminal_summary(terminalreporter):
    """Show that the tests needing real PostgreSQL, Redis and Chromium actually ran."""
    counts = {"PostgreSQL": 0, "SQLite": 0, "Redis": 0, "Chromium (Playwright)": 0}
    for report in terminalreporter.stats.get("passed", []):
        if report.when != "call":
            continue
        counts["PostgreSQL"] += "[postgresql" in report.nodeid
        counts["SQLite"] += "[sqlite" in report.nodeid
        counts["Redis"] += "redis" in report.keywords
        counts["Chromium (Playwright)"] += "/e2e/" in report.nodeid
    terminalreporter.write_line("tests run against real services: " + "; ".join(f"{k} {v}" for k, v in counts.items()))
