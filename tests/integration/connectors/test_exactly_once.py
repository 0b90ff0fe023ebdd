"""Nothing lost, nothing doubled: a source killed with SIGKILL mid-file or mid-table and restarted,
and a broker stopped for 20 s under a running source. Every source record ends exactly once in
intake or DLQ (read committed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.sources import FileDropSource
from ops.kafka import local
from tests.unit.connectors.sources import mappers

from .support import eventually, landed, running

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
RECORDS = 20_000


class SourceProcess:
    """``run_source.py`` in a child process, its output lines collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "tests.integration.connectors.run_source", *args], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate, timeout_s: float, what: str) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the source exited before {what}:\n" + "\n".join(self.lines[-30:]))
            self.lines.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"timed out waiting for {what}:\n" + "\n".join(self.lines[-30:]))

    def commits(self) -> int:
        return sum(" committed " in line for line in self.lines)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def kill_after_commits(args: list[str], commits: int) -> str:
    """Start the source, SIGKILL it right after ``commits`` batches were committed; the last commit line."""
    first = SourceProcess(*args)
    try:
        first.wait_for(lambda line: line == "ready", 60, "the first start")
        line = ""
        while first.commits() < commits:
            line = first.wait_for(lambda text: " committed " in text, 60, f"{commits} commits")
        first.kill()
        return line
    finally:
        first.terminate()


def csv_export(prefix: str) -> bytes:
    lines = ["record_id,ชื่อ,หมายเหตุ"]
    for i in range(1, RECORDS + 1):
        note = '"สอง\nบรรทัด"' if i % 7 == 0 else "-"
        extra = ",เกิน" if i % 1000 == 500 else ""          # 20 bad lines: dead letters
        lines.append(f"{prefix}-{i:05d},คนงาน {i},{note}{extra}")
    return ("\n".join(lines) + "\n").encode("cp874")


def record_id_in(letter: dict) -> str:
    return letter["original"].split(b",", 1)[0].decode()


class TestKillNine:
    def test_a_source_killed_mid_file_and_restarted_publishes_every_record_exactly_once(
            self, catalogue, tmp_path, prefix):
        watch = tmp_path / "in"
        watch.mkdir()
        name = f"{prefix}.csv"
        (tmp_path / name).write_bytes(csv_export(prefix))
        (tmp_path / name).rename(watch / name)
        args = ["--bootstrap", catalogue.bootstrap, "--agency", "labour", "--instance", prefix, "--watch",
                str(watch), "--batch-size", "500"]

        last = kill_after_commits(args, commits=4)
        committed = int(re.search(r"'records': (\d+)", last).group(1))
        assert 0 < committed < RECORDS and (watch / name).exists(), "killed mid-file"

        second = SourceProcess(*args)
        try:
            second.wait_for(lambda line: "'finished': True" in line, 120, "the file to finish")
            deadline = time.monotonic() + 10
            while not (watch / "done" / name).exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            second.terminate()
        assert (watch / "done" / name).exists() and not (watch / name).exists()

        result = landed(catalogue, "labour", prefix)
        counts = result.count_per_record(record_id_in)
        assert len(result.letters) == 20
        assert counts == Counter({f"{prefix}-{i:05d}": 1 for i in range(1, RECORDS + 1)})

    def test_a_source_killed_mid_table_and_restarted_publishes_every_row_exactly_once(
            self, catalogue, tmp_path, prefix):
        url = f"sqlite:///{tmp_path / 'immigration.db'}"
        table = f"crossings_{prefix.lower()}"
        engine = sa.create_engine(url)
        at = dt.datetime(2025, 3, 5, 7, 0)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, crossing_id TEXT, "
                                 "traveller TEXT, updated_at TIMESTAMP)")
            conn.exec_driver_sql(   # 1000 rows share each watermark value: ties cross batch boundaries
                f"INSERT INTO {table} (id, crossing_id, traveller, updated_at) VALUES (?, ?, ?, ?)",
                [(i, f"{prefix}-{i:05d}", f"นาย {i}", (at + dt.timedelta(minutes=i // 1000)).isoformat(" "))
                 for i in range(1, RECORDS + 1)])
        engine.dispose()
        args = ["--bootstrap", catalogue.bootstrap, "--agency", "immigration", "--instance", prefix,
                "--sql", url, "--table", table, "--watermark", "updated_at", "--batch-size", "500"]

        last = kill_after_commits(args, commits=4)
        assert f"'pk': {RECORDS}" not in last, "killed mid-table"

        second = SourceProcess(*args)
        try:
            second.wait_for(lambda line: f"'pk': {RECORDS}}}" in line, 120, "the last row")
        finally:
            second.terminate()

        result = landed(catalogue, "immigration", prefix)
        assert result.letters == []
        assert result.event_ids == Counter({f"{prefix}-{i:05d}": 1 for i in range(1, RECORDS + 1)})


def degraded(metrics) -> float | None:
    return metrics.registry.get_sample_value("sanpalang_connector_degraded", {"agency": "labour"})


class TestBrokerOutage:
    def test_a_broker_stopped_for_20_s_degrades_the_connector_and_loses_nothing(self, outage_broker, tmp_path,
                                                                              prefix):
        settings, connection = outage_broker
        watch = tmp_path / "in"
        watch.mkdir()
        files = [f"{prefix}-{k:02d}.csv" for k in range(26)]

        async def feed():
            for k, name in enumerate(files):          # one small export a second, outage or not
                rows = "".join(f"{prefix}-{k:02d}-{i:02d},x\n" for i in range(25))
                (tmp_path / name).write_text("record_id,name\n" + rows)
                (tmp_path / name).rename(watch / name)
                await asyncio.sleep(1.0)

        async def scenario():
            async with running(connection, "labour", prefix, mappers.labour,
                               lambda ctx: FileDropSource(ctx, watch, interval_s=0.2)) as (_, publisher, metrics):
                feeder = asyncio.create_task(feed())
                await eventually(lambda: (watch / "done" / files[1]).exists(), 30, "the first files")
                await asyncio.to_thread(local.stop_node, settings, 1)
                stopped = time.monotonic()
                await eventually(lambda: publisher.degraded_reason is not None, 30, "degraded", step_s=0.2)
                assert degraded(metrics) == 1
                assert b'sanpalang_connector_degraded{agency="labour"} 1.0' in metrics.exposition()
                await asyncio.sleep(max(0.0, 20 - (time.monotonic() - stopped)))
                await asyncio.to_thread(local.start_node, settings, 1)
                await feeder
                await eventually(lambda: all((watch / "done" / name).exists() for name in files), 120,
                                 "every file in done/", step_s=0.5)
                assert publisher.degraded_reason is None
                assert degraded(metrics) == 0

        asyncio.run(scenario())
        result = landed(connection, "labour", prefix)
        assert result.letters == []
        assert result.event_ids == Counter({f"{prefix}-{k:02d}-{i:02d}": 1 for k in range(26) for i in range(25)})
