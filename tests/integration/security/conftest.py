"""Fixtures of the trust-boundary tests (issue 11): SASL brokers with the catalogue applied (users
and ACLs: deny by default), principals as the catalogue names them, and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.admin import apply_catalogue
from runtime.credentials import principal_password
from ops.ports import free_block, free_port
from ops.kafka import local
from runtime.connection import KafkaConnection, resolve_connection
from runtime.settings import Settings
from schemas.catalogue import load_catalogue
from tests.missing import missing

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class SaslHub:
    """A SASL broker of one test module, the catalogue applied; `as_(principal)` connects as one."""

    settings: Settings
    admin: KafkaConnection

    def as_(self, principal: str) -> KafkaConnection:
        return self.admin.as_principal(principal, principal_password(self.settings, principal))


def start_sasl_hub(root: Path, cache: Path) -> SaslHub:
    settings = Settings(home=root / "home", cache=cache, kafka_port=free_block(10))     # reserved (ops.ports)
    absent = local.missing_packages(settings)
    if absent:
        missing(f"the security tests need {', '.join(absent)}")
    local.up(settings, sasl=True)
    admin = resolve_connection(settings)
    apply_catalogue(settings, admin, load_catalogue(), progress=lambda _: None)
    return SaslHub(settings, admin)


@pytest.fixture(scope="module")
def sasl_hub(tmp_path_factory, kafka_jar_cache) -> SaslHub:
    """A SASL broker of this module's own (the worker's topics and groups have fixed names)."""
    hub = start_sasl_hub(tmp_path_factory.mktemp("sasl-hub"), kafka_jar_cache)
    try:
        yield hub
    finally:
        local.down(hub.settings, purge=True)


@pytest.fixture
def pg_database(postgres_url) -> str:
    from tests.integration.postgres import create_database
    return create_database(postgres_url, f"trust_{uuid.uuid4().hex[:12]}")


class HubWorker:
    """`sanpalang worker --clock event` connected as the catalogue's `hub` principal, not the admin."""

    def __init__(self, hub: SaslHub, database_url: str, log: Path) -> None:
        connection = hub.as_("hub")
        env = {**os.environ, "SANPALANG_HOME": str(hub.settings.home / "worker-home"),
               "SANPALANG_KAFKA_BOOTSTRAP": connection.bootstrap, "SANPALANG_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
               "SANPALANG_KAFKA_USERNAME": "hub", "SANPALANG_KAFKA_PASSWORD": connection.password,
               "SANPALANG_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "worker", "--clock", "event", "--loglevel", "info",
             "--metrics", f"127.0.0.1:{free_port()}"],
            env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
