"""Fixtures of the connector integration tests: the catalogue applied once, a throwaway PostgreSQL,
and a dedicated broker that a test may stop.

The broker fixtures (``kafka_settings``, ``kafka_connection``) come from tests/integration/conftest.py.
Topics are fixed per agency, so tests isolate themselves by a unique prefix on record ids, file and
table names, and a unique publisher instance; they read the topics from the beginning and keep
only their own records.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient

from ops.admin import apply_catalogue
from ops.kafka import local
from ops.kafka.connection import resolve_connection
from ops.settings import Settings
from schemas.catalogue import load_catalogue

IN_CI = os.environ.get("CI") == "true"
OUTAGE_PORT = 29392


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: a missing dependency fails the run)")
    pytest.skip(what)


def ensure_topics(settings, connection) -> None:
    """Apply the catalogue unless its topics are all there already (another fixture may have applied it)."""
    catalogue = load_catalogue()
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        missing = set(catalogue.names) - set(admin.list_topics())
    finally:
        admin.close()
    if missing:
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
    settings = Settings(home=home, cache=kafka_jar_cache, kafka_port=OUTAGE_PORT)
    missing = local.missing_packages(settings)
    if missing:
        _missing(f"the broker tests need {', '.join(missing)}")
    for attempt in range(5):          # another session on this machine may hold the port block
        try:
            local.up(settings)
            break
        except local.PortInUseError:
            if attempt == 4:
                raise
            settings = settings.with_(kafka_port=settings.kafka_port + 1000)
    try:
        connection = resolve_connection(settings)
        ensure_topics(settings, connection)
        yield settings, connection
    finally:
        local.down(settings)
        shutil.rmtree(home, ignore_errors=True)


# --- PostgreSQL ---------------------------------------------------------------------------------

def postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb (Debian package postgresql)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    return Path(max(found, key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root (CI runs as root): run its tools as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster on a free port under a temporary directory."""
    bindir = postgres_bin()
    if bindir is None:
        _missing("PostgreSQL is not installed (Debian package: postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("the psycopg driver is not installed (PyPI: psycopg[binary])")
    root = Path(tempfile.mkdtemp(prefix="sanpalang-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--no-sync", "--locale=C"]), check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    started = subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                                           "-o", options, "start"]), capture_output=True, text=True)
    if started.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {started.stderr}\n{log[-2000:]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
