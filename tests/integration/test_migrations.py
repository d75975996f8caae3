"""The migrations build exactly the schema the models describe, as one linear history."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from openmsk import models  # noqa: F401 - loads every table
from openmsk.db import Base, make_engine
from openmsk.dbmigrate import alembic_config


def test_migrations_have_a_single_head():
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1


def test_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
