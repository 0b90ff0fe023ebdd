"""Fixtures of the SQL case view tests: each test gets an empty database, SQLite file or PostgreSQL.

PostgreSQL is a throwaway server for the session (tests/integration/postgres.py), with a fresh
database per test. Without PostgreSQL its half of the tests is skipped, or fails under CI=true.
"""

from __future__ import annotations

import os
import uuid

import pytest

from streams.views import ViewSink
from tests.integration.postgres import create_database

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'views.db'}"
    return create_database(request.getfixturevalue("postgres_url"), f"views_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def sink(database_url):
    """A started sink (migrated to head) on the test's database."""
    with ViewSink(database_url) as started:
        yield started
