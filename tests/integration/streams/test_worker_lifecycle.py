"""`sanpalang worker` processes on a real broker and a real database, when what they depend on
fails: a database that refuses writes degrades the SQL views and nothing else; a broker gone does
not hold the worker's stop past `SANPALANG_STOP_TIMEOUT`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.hub_run import ScratchHub, correlated, latest, publish, read_topic, settled, wait_until
from ops.kafka import local
from bench.scoring import scenario_feed
from runtime.stopping import EXIT_ABANDONED
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC
from tests.integration.postgres import create_database

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
STOP_TIMEOUT_S, MARGIN_S = 3, 12             # the margin is a failure guard, not a measure


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

    def _get(self, path: str) -> str:
        return urllib.request.urlopen(f"http://{self.address[0]}:{self.address[1]}{path}", timeout=10).read().decode()

    def health(self) -> dict:
        return json.loads(self._get("/health"))

    def metric(self, name: str) -> float:
        text = self._get("/metrics")
        return next(float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " "))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def _children(pid: int, marker: bytes = b"") -> set[int]:
    """The processes whose parent is `pid` (with `marker` in their command line)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid and \
                    marker in (stat.parent / "cmdline").read_bytes():
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    return found


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


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
    def test_keeps_publishing_alerts_says_it_is_degraded_and_its_views_catch_up(self, hub_broker, postgres_url,
                                                                                tmp_path):
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


class TestAWorkerWhoseViewsProcessDies:
    def test_starts_it_again_and_is_degraded_only_meanwhile(self, hub_broker, tmp_path):
        worker = Worker(hub_broker, tmp_path / "worker.log", hub_broker.database_url)
        try:
            wait_until(lambda: len(_children(worker.process.pid, b"multiprocessing.spawn")) == 1, timeout=60,
                       what="the views process")
            (views,) = _children(worker.process.pid, b"multiprocessing.spawn")
            os.kill(views, signal.SIGKILL)
            wait_until(lambda: worker.health()["status"] == "degraded", timeout=30, what="the worker degraded")
            assert "the SQL views process stopped (exit code -9)" in worker.health()["reason"]
            wait_until(lambda: _children(worker.process.pid, b"multiprocessing.spawn") - {views}, timeout=60,
                       what="a new views process")
            wait_until(lambda: worker.health()["status"] == "ok", timeout=60, what="the worker healthy again")
            assert worker.process.poll() is None
        finally:
            worker.stop()


class TestAWorkerWhoseBrokerIsGone:
    def test_stops_within_the_stop_timeout_on_sigterm_and_frees_its_port(self, hub_broker, tmp_path):
        worker = Worker(hub_broker, tmp_path / "worker.log", hub_broker.database_url,
                        SANPALANG_STOP_TIMEOUT=str(STOP_TIMEOUT_S))
        try:
            wait_until(lambda: "stage rebuilt" in worker.log.read_text(errors="replace"), timeout=120,
                       what="the worker correlating")
            children = _children(worker.process.pid)
            assert children, "the worker runs its SQL views in a child process"
            local.stop_node(hub_broker.settings, 1)
            worker.process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            code = worker.process.wait(timeout=STOP_TIMEOUT_S + MARGIN_S)
            print(f"stopped in {time.monotonic() - started:.1f} s with exit code {code}")
        finally:
            worker.stop()
        log = worker.log.read_text(errors="replace")
        assert code in (0, EXIT_ABANDONED), log[-3000:]
        if code == EXIT_ABANDONED:
            assert len(re.findall(rf"not stopped within {STOP_TIMEOUT_S} s .*: abandoned ", log)) == 1
        wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children), timeout=10,
                   what="the worker's children gone with it")
        assert _port_free(*worker.address)
