"""`sanpalang worker` processes on a real broker and a real database, when what they depend on
fails: a database that refuses writes degrades the SQL views and nothing else."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ops.hub_run import ScratchHub, correlated, latest, publish, read_topic, settled, wait_until
from ops.scenario import scenario_feed
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC
from tests.integration.postgres import create_database

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]


class Worker:
    """`sanpalang worker --clock event` on a scratch hub, `/metrics` and `/health` on a port of its
    choosing (read from its log), with extra settings in `env`."""

    def __init__(self, hub: ScratchHub, log: Path, database_url: str, **env: str) -> None:
        environ = {**os.environ, "SANPALANG_HOME": str(hub.settings.home),
                   "SANPALANG_KAFKA_PORT": str(hub.settings.kafka_port), "SANPALANG_DATABASE_URL": database_url,
                   "PYTHONPATH": str(ROOT), **env}
        environ.pop("SANPALANG_KAFKA_BOOTSTRAP", None)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "worker", "--clock", "event", "--order-days", "2", "--loglevel", "info",
             "--metrics", "127.0.0.1:0"], env=environ, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        wait_until(lambda: self._address() is not None or self.process.poll() is not None, timeout=60,
                   what="the worker's metrics address in its log")
        self.address = self._address()
        assert self.address, self.log.read_text()[-3000:]

    def _address(self) -> tuple[str, int] | None:
        found = re.search(r"/metrics and /health on http://([\d.]+):(\d+)", self.log.read_text(errors="replace"))
        return (found[1], int(found[2])) if found else None

    def health(self) -> dict:
        return json.loads(urllib.request.urlopen(f"http://{self.address[0]}:{self.address[1]}/health", timeout=10).read())

    def metric(self, name: str) -> float:
        text = urllib.request.urlopen(f"http://{self.address[0]}:{self.address[1]}/metrics", timeout=10).read().decode()
        return next(float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " "))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def _read_only(server_url: str, database: str, on: bool) -> None:
    """The database refuses writes in every new session (`on`), or takes them again; with `on`, the
    sessions open now are ended, as a failover to a read-only replica would."""
    import psycopg
    url = make_url(server_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True) as conn:
        if on:
            conn.execute(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,))
        else:
            conn.execute(f'ALTER DATABASE "{database}" RESET default_transaction_read_only')


def _views(url: str) -> tuple[dict, set]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            alerts = {r.alert_id: r.state for r in conn.execute(sa.text("select alert_id, state from alerts"))}
            cases = {r.case_id for r in conn.execute(sa.text("select case_id from cases"))}
    finally:
        engine.dispose()
    return alerts, cases


class TestAWorkerWhoseViewsDatabaseRefusesWrites:
    def test_keeps_publishing_alerts_says_it_is_degraded_and_its_views_catch_up(self, hub_broker, postgres_url, tmp_path):
        database = f"views_{uuid.uuid4().hex[:12]}"
        url = create_database(postgres_url, database)
        publications, _ = scenario_feed(7)
        connection, half = hub_broker.connection, len(publications) // 2
        worker = Worker(hub_broker, tmp_path / "worker.log", url)
        try:
            sent = publish(connection, publications[:half])
            wait_until(lambda: settled(connection, sent, flushed=False), what="the first half in the views")
            assert worker.health() == {"status": "ok", "reason": None}
            alerts_before = len(read_topic(connection, [ALERTS_TOPIC]))

            _read_only(postgres_url, database, True)
            sent += publish(connection, publications[half:])
            wait_until(lambda: worker.health()["status"] == "degraded", timeout=120, what="the worker degraded")
            wait_until(lambda: correlated(connection) >= sent, timeout=180, what="every event correlated")
            assert len(read_topic(connection, [ALERTS_TOPIC])) > alerts_before      # alerts go on
            assert "read-only transaction" in worker.health()["reason"]
            assert worker.metric("sanpalang_worker_views_degraded") == 1
            assert worker.metric("sanpalang_worker_views_failures_total") >= 1
            assert worker.process.poll() is None

            _read_only(postgres_url, database, False)
            wait_until(lambda: settled(connection, sent), timeout=180, what="the views caught up")
            wait_until(lambda: worker.health()["status"] == "ok", timeout=30, what="the worker healthy again")
            assert worker.metric("sanpalang_worker_views_degraded") == 0
        finally:
            worker.stop()
        published = read_topic(connection)
        alerts, cases = _views(url)
        assert alerts == {k: a["state"] for k, a in latest(published, ALERTS_TOPIC).items()}
        assert cases == set(latest(published, CASES_TOPIC))                    # every case, nothing lost
