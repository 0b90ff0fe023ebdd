"""Fixtures of the connector integration tests: the catalogue applied once, a throwaway PostgreSQL,
and a dedicated broker that a test may stop.

The broker fixtures (``kafka_settings``, ``kafka_connection``) come from tests/integration/conftest.py.
Topics are fixed per agency, so tests isolate themselves by a unique prefix on record ids, file and
table names, and a unique publisher instance; they read the topics from the beginning and keep
only their own records.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient

from ops.admin import apply_catalogue
from ops.kafka import local
from runtime.connection import resolve_connection
from ops.ports import free_block
from runtime.settings import Settings
from schemas.catalogue import load_catalogue
from tests.missing import missing





def ensure_topics(settings, connection) -> None:
    """Apply the catalogue unless its topics are all there already (another fixture may have applied it)."""
    catalogue = load_catalogue()
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        absent = set(catalogue.names) - set(admin.list_topics())
    finally:
        admin.close()
    if absent:
        apply_catalogue(settings, connection, catalogue, progress=lambda _: None)


@pytest.fixture(scope="session")
def catalogue(kafka_settings, kafka_connection):
    """The topics (intake, dlq, offsets of every agency) exist on the session broker."""
    ensure_topics(kafka_settings, kafka_connection)
    return kafka_connection


@pytest.fixture
def prefix():
    """A prefix for this test's record ids, file and table names (topics are shared per agency)."""
    return f"T{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def outage_broker(kafka_jar_cache):
    """A broker of its own (own SANPALANG_HOME and port) that a test can stop and start again."""
    home = Path(tempfile.mkdtemp(prefix="sanpalang-outage-"))
    settings = Settings(home=home, cache=kafka_jar_cache, kafka_port=free_block(2))
    absent = local.missing_packages(settings)
    if absent:
        missing(f"the broker tests need {', '.join(absent)}")
    local.up(settings)
    try:
        connection = resolve_connection(settings)
        ensure_topics(settings, connection)
        yield settings, connection
    finally:
        local.down(settings, purge=True)
        shutil.rmtree(home, ignore_errors=True)


# --- PostgreSQL ---------------------------------------------------------------------------------

