"""The console's tables' own Alembic history in the hub's database (version table
``console_alembic_version``), beside the case views' (`streams.views.migrations`)."""

from pathlib import Path

from streams.views.migrations import History

__all__ = ["CONSOLE"]

CONSOLE = History(Path(__file__).resolve().parent, "console_alembic_version", 5715062010)
