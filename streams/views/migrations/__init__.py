"""Alembic migrations of the hub's database, run programmatically (no alembic.ini):

    upgrade("sqlite:///hub.db")            # or an Engine; the case views to "head" by default
    ViewSink(url).start()                   # does the same
    upgrade(engine, history=console_history)  # another history in the same database

Each part of the hub that owns tables keeps its own history (`History`: a folder of revisions and
a version table): the case views here (``views_alembic_version``), the console's in
`console/migrations` (``console_alembic_version``), so neither steps on the other.

Authoring a revision of the views: edit `streams/views/tables.py`, then
``python -m streams.views.migrations revision "what changed"`` writes a new file under
``versions/`` from the difference between a database at head and the tables (review it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from streams.views.engine import make_engine

__all__ = ["History", "VIEWS", "VERSION_TABLE", "MIGRATIONS_DIR", "alembic_config", "upgrade", "downgrade",
           "current_revision", "head_revision"]

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "views_alembic_version"


@dataclass(frozen=True)
class History:
    """One Alembic history of the hub's database: its revisions (a folder with an `env.py` that
    calls `streams.views.migrations.environment.run` with its tables) and its version table."""

    directory: Path
    version_table: str
    lock_key: int           # pg_advisory_xact_lock: two processes starting at once migrate once


VIEWS = History(MIGRATIONS_DIR, VERSION_TABLE, 0x5A4E_7601)


def alembic_config(url: str | None = None, connection: sa.Connection | None = None,
                   history: History = VIEWS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(history.directory))
    config.set_main_option("version_table", history.version_table)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _run(target: str | Engine, action, history: History) -> None:
    engine = make_engine(target, writer=True) if isinstance(target, str) else target
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": history.lock_key})
            action(alembic_config(connection=connection, history=history))
    finally:
        if isinstance(target, str):
            engine.dispose()


def upgrade(target: str | Engine, revision: str = "head", history: History = VIEWS) -> None:
    """Migrate the database at ``target`` (URL or Engine) up to ``revision``, in one transaction."""
    _run(target, lambda config: command.upgrade(config, revision), history)


def downgrade(target: str | Engine, revision: str, history: History = VIEWS) -> None:
    """Migrate down to ``revision`` ("base" removes every table of the history)."""
    _run(target, lambda config: command.downgrade(config, revision), history)


def current_revision(connection: sa.Connection, history: History = VIEWS) -> str | None:
    return MigrationContext.configure(connection, opts={"version_table": history.version_table}).get_current_revision()


def head_revision(history: History = VIEWS) -> str | None:
    return ScriptDirectory.from_config(alembic_config(history=history)).get_current_head()
