"""Engines for the views' database, set up the same way for the sink, the migrations and the console.

SQLite: foreign keys on, WAL journal for a file (the console reads while the worker writes), a
30 s busy timeout, and, for a writer, ``BEGIN IMMEDIATE`` so that two writers queue instead of
failing when one upgrades a read lock. PostgreSQL: pre-ping, nothing else.
"""

from __future__ import annotations

import sqlite3
import time

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

__all__ = ["make_engine", "is_sqlite_memory"]

SQLITE_BUSY_TIMEOUT_S = 30


def is_sqlite_memory(url: str | sa.URL) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def make_engine(url: str | sa.URL, *, writer: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
    memory = is_sqlite_memory(parsed)
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    else:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False, **kwargs.pop("connect_args", {})}
    engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None      # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            _use_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch the file to write-ahead logging once (the mode persists in the file).

    SQLite answers "database is locked" at once, without its busy timeout, when another connection
    is switching the mode at the same moment: several sinks starting together must wait their turn.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
