"""The Alembic revisions build exactly the schema the models describe, on every database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workshop.extensions import db


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_every_table_that_never_reuses_ids_still_does_after_the_migrations(app):
    # A rebuilt SQLite table forgets AUTOINCREMENT unless told; then a deleted idea's id comes
    # back for the next one, and a phone still holding it would act on someone else's idea.
    wanted = {table.name for table in db.metadata.sorted_tables
              if table.dialect_kwargs.get("sqlite_autoincrement")}
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("only SQLite reuses a deleted row's id")
        built = dict(connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
    assert wanted >= {"idea", "vote", "cluster", "workshop", "activity"}
    assert sorted(name for name in wanted if "AUTOINCREMENT" not in built[name]) == []
