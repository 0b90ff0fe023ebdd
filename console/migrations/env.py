"""Alembic environment of the console's tables (`streams.views.migrations.environment`)."""

from console.store import metadata
from streams.views.migrations.environment import run

run(metadata)
