"""Alembic environment of the case views: online with the connection `upgrade()` passes in
(``config.attributes["connection"]``), online from ``sqlalchemy.url``, or offline (SQL script)."""

from __future__ import annotations

from alembic import context

from streams.views.engine import make_engine
from streams.views.tables import UtcDateTime, metadata

config = context.config
VERSION_TABLE = config.get_main_option("version_table") or "views_alembic_version"


def _render_item(kind: str, obj, autogen_context):
    """Revisions spell our column types in plain SQLAlchemy, so that they never import live code."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs) -> None:
    context.configure(target_metadata=metadata, version_table=VERSION_TABLE, compare_type=True,
                      render_item=_render_item, **kwargs)


def run_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
               dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online(connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (connection := config.attributes.get("connection")) is not None:
    run_online(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"), writer=True)
    try:
        with engine.begin() as connection:
            run_online(connection)
    finally:
        engine.dispose()
