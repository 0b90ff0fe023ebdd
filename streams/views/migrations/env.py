"""Alembic environment of the case views (`streams.views.migrations.environment`)."""

from streams.views.migrations.environment import run
from streams.views.tables import metadata

run(metadata)
