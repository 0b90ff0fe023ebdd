"""Session fixtures: real Kafka brokers, started through ``ops.kafka.local.up`` like ``sanpalang kafka up``.

Each broker shape gets its own temporary ``SANPALANG_HOME`` and a block of ports reserved by
``ops.ports`` (below the ephemeral range, and locked against other sessions on the machine), but the
real jar cache, so the jars are downloaded once per machine. A broker starts on the first test that
asks for it and stops, its data deleted, at the end of the session. Without Java or Maven the broker tests fail in CI
(``CI=true``) and are skipped elsewhere, naming the packages to install.
"""

from __future__ import annotations

import re
import secrets
import sys
from pathlib import Path
from typing import Iterator

import pytest

from ops.kafka import local
from runtime.connection import KafkaConnection, resolve_connection
from ops.ports import free_block
from runtime.settings import Settings
from tests.missing import missing



def _shared_cache() -> Path:
    return Settings.from_env().cache


def _require_tools(settings: Settings) -> None:
    absent = local.missing_packages(settings)
    if not absent:
        return
    message = (f"the broker tests need {', '.join(absent)}: "
               f"sudo apt-get install -y {' '.join(absent)}")
    missing(message)


def _loud(line: str) -> None:
    """Jar downloads take minutes on a fresh machine: show them past pytest's capture."""
    print(f"[kafka] {line}", file=sys.__stderr__, flush=True)


class Brokers:
    """Starts each broker shape on first use, and stops every started one at session end."""

    def __init__(self, root: Path, cache: Path) -> None:
        self._root, self._cache = root, cache
        self._started: dict[str, Settings] = {}

    def get(self, name: str, *, nodes: int = 1, sasl: bool = False) -> Settings:
        if name not in self._started:
            self._started[name] = self._up(name, nodes, sasl)
        return self._started[name]

    def _up(self, name: str, nodes: int, sasl: bool) -> Settings:
        settings = Settings(home=self._root / name, cache=self._cache, kafka_port=free_block(10 * nodes))
        _require_tools(settings)
        local.ensure_jars(settings, progress=_loud)
        local.up(settings, nodes=nodes, sasl=sasl)
        return settings

    def down_all(self) -> None:
        for settings in self._started.values():
            local.down(settings, purge=True)


@pytest.fixture(scope="session")
def kafka_jar_cache() -> Path:
    """The machine's shared jar cache (``SANPALANG_CACHE`` or ~/.cache/sanpalang)."""
    return _shared_cache()


@pytest.fixture(scope="session")
def kafka_brokers(tmp_path_factory: pytest.TempPathFactory, kafka_jar_cache: Path) -> Iterator[Brokers]:
    brokers = Brokers(tmp_path_factory.mktemp("sanpalang-kafka"), kafka_jar_cache)
    try:
        yield brokers
    finally:
        brokers.down_all()


@pytest.fixture(scope="session")
def kafka_settings(kafka_brokers: Brokers) -> Settings:
    """Settings of a plain single-node broker (PLAINTEXT)."""
    return kafka_brokers.get("plain")


@pytest.fixture(scope="session")
def kafka_connection(kafka_settings: Settings) -> KafkaConnection:
    return resolve_connection(kafka_settings)


@pytest.fixture(scope="session")
def sasl_settings(kafka_brokers: Brokers) -> Settings:
    """Settings of a single-node SASL/SCRAM-SHA-512 broker with StandardAuthorizer."""
    return kafka_brokers.get("sasl", sasl=True)


@pytest.fixture(scope="session")
def sasl_connection(sasl_settings: Settings) -> KafkaConnection:
    """The SASL broker, as its admin (a super user)."""
    return resolve_connection(sasl_settings)


@pytest.fixture(scope="session")
def cluster3_settings(kafka_brokers: Brokers) -> Settings:
    """Settings of a 3-node KRaft cluster (client ports base, base + 10, base + 20)."""
    return kafka_brokers.get("cluster3", nodes=3)


@pytest.fixture(scope="session")
def cluster3_connection(cluster3_settings: Settings) -> KafkaConnection:
    return resolve_connection(cluster3_settings)


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A short topic / group prefix of this test, unique per run, so tests cannot disturb each other."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.removeprefix("test_").lower()).strip("-")
    return f"{slug[:24].rstrip('-')}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port under a temporary directory (views and SQL source tests)."""
    import shutil
    import tempfile

    from tests.integration.postgres import PostgresStartError, PostgresUnavailable, start_postgres, stop_postgres
    root = Path(tempfile.mkdtemp(prefix="sanpalang-pg-"))
    try:
        url = start_postgres(root)
    except PostgresUnavailable as e:
        shutil.rmtree(root, ignore_errors=True)
        missing(str(e))
    except PostgresStartError as e:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(str(e))
    try:
        yield url
    finally:
        stop_postgres(root)
        shutil.rmtree(root, ignore_errors=True)
