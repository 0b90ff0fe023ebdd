"""Alembic migrations: the migrated schema is the tables' metadata, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from streams.views import current_revision, downgrade, head_revision, make_engine, metadata, upgrade
from streams.views.migrations import VERSION_TABLE


def differences(url):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE, "compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def tables(url):
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


class TestMigrations:
    def test_migrated_schema_matches_the_models(self, database_url):
        upgrade(database_url)
        assert differences(database_url) == []

    def test_an_empty_database_differs_from_the_models(self, database_url):
        assert differences(database_url)          # the comparison above can fail

    def test_upgrading_again_changes_nothing(self, database_url):
        upgrade(database_url)
        upgrade(database_url)
        engine = make_engine(database_url)
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision() == "0005"
        engine.dispose()

    def test_downgrading_to_base_removes_every_table_of_the_views(self, database_url):
        upgrade(database_url)
        downgrade(database_url, "base")
        assert tables(database_url) == {VERSION_TABLE}
