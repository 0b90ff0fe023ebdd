"""The audit log in SQL, on SQLite and PostgreSQL: appended by the console, verified by
`sanpalang audit verify`, which fails (exit 1) naming the first entry that was changed,
removed or moved in the database behind the console's back."""

from __future__ import annotations

import argparse
import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from console import audit_command, auditlog, store
from console.migrations import CONSOLE
from console.server import open_hub
from runtime.settings import Settings
from streams.views.migrations import current_revision, head_revision
from tests.integration.console.world import NOW

IN_CI = os.environ.get("CI") == "true"
KEY = b"the audit key of these tests, 32+ bytes"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    from tests.integration.postgres import create_database
    return create_database(request.getfixturevalue("postgres_url"), f"console_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def hub(database_url):
    hub = open_hub(database_url, KEY)
    with hub.writer.begin() as conn:
        for i in range(6):
            auditlog.append(conn, KEY, at=NOW + timedelta(seconds=i), actor="prov57", role="provincial", action="case.read",
                            target=f"case-{i + 1}", province="TH-57", detail={"via": "session"})
    yield hub
    hub.reader.dispose()
    hub.writer.dispose()


def verify(url: str, tmp_path, capsys) -> tuple[int, str]:
    code = audit_command.run(argparse.Namespace(action="verify", anchors=False),
                             Settings(home=tmp_path, database_url=url, audit_key=KEY.decode()))
    out = capsys.readouterr()
    return code, out.out + out.err


def tamper(hub, statement, **params) -> None:
    with hub.writer.begin() as conn:
        conn.execute(sa.text(statement), params)


class TestAuditVerify:
    def test_an_untouched_log_verifies_with_exit_0(self, hub, database_url, tmp_path, capsys):
        code, out = verify(database_url, tmp_path, capsys)
        assert code == 0 and "intact: 6 entries" in out

    def test_a_changed_entry_fails_and_is_named(self, hub, database_url, tmp_path, capsys):
        tamper(hub, "UPDATE console_audit SET target = 'case-999' WHERE seq = 3")
        code, out = verify(database_url, tmp_path, capsys)
        assert code == 1 and "first bad entry: 3" in out

    def test_a_removed_entry_fails_and_is_named(self, hub, database_url, tmp_path, capsys):
        tamper(hub, "DELETE FROM console_audit WHERE seq = 4")
        code, out = verify(database_url, tmp_path, capsys)
        assert code == 1 and "first bad entry: 4" in out

    def test_reordered_entries_fail(self, hub, database_url, tmp_path, capsys):
        tamper(hub, "UPDATE console_audit SET seq = -2 WHERE seq = 2")
        tamper(hub, "UPDATE console_audit SET seq = 2 WHERE seq = 5")
        tamper(hub, "UPDATE console_audit SET seq = 5 WHERE seq = -2")
        code, out = verify(database_url, tmp_path, capsys)
        assert code == 1 and "first bad entry: 2" in out

    def test_the_last_entry_removed_fails(self, hub, database_url, tmp_path, capsys):
        tamper(hub, "DELETE FROM console_audit WHERE seq = 6")
        code, out = verify(database_url, tmp_path, capsys)
        assert code == 1 and "first bad entry: 6" in out

    def test_appends_continue_the_chain_after_a_restart(self, hub, database_url):
        again = open_hub(database_url, KEY)
        with again.writer.begin() as conn:
            entry = auditlog.append(conn, KEY, at=NOW, actor="nat", role="national", action="case.read", target="case-7")
        with again.writer.connect() as conn:
            count, broken, head = auditlog.verify(conn, KEY)
        again.writer.dispose()
        again.reader.dispose()
        assert (entry.seq, count, broken, head) == (7, 7, None, (7, entry.digest))


class TestConsoleTables:
    def test_migrating_twice_is_a_no_op_and_records_the_head_of_the_console_history(self, hub):
        store.migrate(hub.writer)
        with hub.writer.connect() as conn:
            assert current_revision(conn, CONSOLE) == head_revision(CONSOLE) == "c0001"

    def test_the_migrated_tables_are_the_console_metadata(self, hub):
        with hub.writer.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": lambda name, kind, _: kind != "table" or name in store.metadata.tables})
            assert compare_metadata(context, store.metadata) == []

    def test_the_console_keeps_its_own_version_table_beside_the_views(self, hub):
        names = set(sa.inspect(hub.writer).get_table_names())
        assert {"console_alembic_version", "views_alembic_version", "console_audit", "cases"} <= names

    def test_a_database_migrated_by_the_old_step_list_keeps_its_rows_and_gains_the_missing_tables(self, hub):
        with hub.writer.begin() as conn:               # as the step list left a version-1 database
            conn.execute(sa.text("DROP TABLE console_person_entries"))
            conn.execute(sa.text("DROP TABLE console_feed_offsets"))
            conn.execute(sa.text("DROP TABLE console_alembic_version"))
            conn.execute(sa.text("CREATE TABLE console_schema_version (version INTEGER NOT NULL)"))
            conn.execute(sa.text("INSERT INTO console_schema_version VALUES (1)"))
            before = conn.execute(sa.select(sa.func.count()).select_from(store.audit_log)).scalar_one()
        store.migrate(hub.writer)
        names = set(sa.inspect(hub.writer).get_table_names())
        assert {"console_person_entries", "console_feed_offsets", "console_alembic_version"} <= names
        assert "console_schema_version" not in names
        with hub.writer.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(store.audit_log)).scalar_one() == before
