"""Alembic migrations of the case views, run programmatically (no alembic.ini):

    upgrade("sqlite:///hub.db")            # or an Engine; to "head" by default
    ViewSink(url).start()                   # does the same

Authoring a revision: edit `streams/views/tables.py`, then
``python -m streams.views.migrations revision "what changed"`` writes a new file under
``versions/`` from the difference between a database at head and the tables (review it).
The version table is ``views_alembic_version``, so other parts of the hub may keep their own.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from streams.views.engine import make_engine

__all__ = ["VERSION_TABLE", "MIGRATIONS_DIR", "alembic_config", "upgrade", "downgrade", "current_revision",
           "head_revision"]

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "views_alembic_version"
_PG_LOCK_KEY = 0x5A4E_7601          # pg_advisory_xact_lock: two workers starting at once migrate once


def alembic_config(url: str | None = None, connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_table", VERSION_TABLE)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _run(target: str | Engine, action) -> None:
    engine = make_engine(target, writer=True) if isinstance(target, str) else target
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            action(alembic_config(connection=connection))
    finally:
        if isinstance(target, str):
            engine.dispose()


def upgrade(target: str | Engine, revision: str = "head") -> None:
    """Migrate the database at ``target`` (URL or Engine) up to ``revision``, in one transaction."""
    _run(target, lambda config: command.upgrade(config, revision))


def downgrade(target: str | Engine, revision: str) -> None:
    """Migrate down to ``revision`` ("base" removes every table of the views)."""
    _run(target, lambda config: command.downgrade(config, revision))


def current_revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
