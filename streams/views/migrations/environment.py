"""The Alembic environment every history of the hub's database shares: its `env.py` calls `run`
with its tables. Online with the connection `upgrade()` passes in (``config.attributes
["connection"]``), online from ``sqlalchemy.url``, or offline (SQL script)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from streams.views.engine import make_engine
from streams.views.tables import UtcDateTime

__all__ = ["run"]


def _render_item(kind: str, obj, autogen_context):
    """Revisions spell our column types in plain SQLAlchemy, so that they never import live code."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(metadata: sa.MetaData) -> None:
    config = context.config
    options = dict(target_metadata=metadata, version_table=config.get_main_option("version_table"),
                   compare_type=True, render_item=_render_item)
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                          dialect_opts={"paramstyle": "named"}, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _online(connection, options)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), writer=True)
    try:
        with engine.begin() as connection:
            _online(connection, options)
    finally:
        engine.dispose()


def _online(connection: sa.Connection, options: dict) -> None:
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite", **options)
    with context.begin_transaction():
        context.run_migrations()
