"""The three source kinds of ``bench intake --processes``, each through the real command.

Every run starts ``sanpalang connect AGENCY --processes N``, waits until each child says it runs,
warms the children with records of their own (a connector runs for months: what each process
loads once, the romanisation model, the Avro writers, is loaded before the clock starts, as the
single-process bench does with ``_pre_encoded``), then times from the release of the records to
the commit of the last. See ``bench/intake_processes.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from bench.intake import EXAMPLES, HTTP_BATCH, crossing_rows, labour_csv, police_records
from bench.intake_cpu import CpuMeter, CpuWindow, children_of
from connectors.publisher import offsets_topic
from connectors.sources.sharing import Share
from runtime.connection import KafkaConnection
from runtime.credentials import issue_intake_token
from runtime.settings import Settings

__all__ = ["Timed", "file_rate", "http_rate", "sql_rate"]

FILES = 8            # labour exports per setting: at least a few per child
WARM = 200           # records each run sends before the clock starts
HTTP_CLIENTS = 8     # concurrent requests of the load client
READY_S = 180.0
DONE_S = 900.0


# -- one setting of one source kind: the real command --------------------------------------------

class Connector:
    """``sanpalang connect AGENCY --processes N ...``; ``ready()`` once each child said it runs."""

    def __init__(self, env: dict[str, str], agency: str, processes: int, *args: str) -> None:
        self.processes = processes
        self.process = subprocess.Popen([sys.executable, "-m", "ops.cli", "connect", agency, "--processes",
                                         str(processes), *args], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)

    def ready(self, marker: str) -> str:
        """The line of the last child to say ``marker``; the rest of the output is read and dropped
        (a full pipe would stop the children at their next log line)."""
        seen, deadline, line = 0, time.monotonic() + READY_S, ""
        stream = self.process.stderr
        assert stream is not None
        while seen < self.processes:
            line = stream.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"the connector did not start (last line: {line!r})")
            seen += marker in line
        threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()
        return line

    def pids(self) -> dict[str, int]:
        """The connector's processes by name: the one process, or the supervisor and each child."""
        if self.processes == 1:
            return {"connector": self.process.pid}
        children = children_of(self.process.pid)
        return {"supervisor": self.process.pid, **{f"child {n + 1}": pid for n, pid in enumerate(children)}}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


Timed = tuple[float, CpuWindow]   # records/s, and the CPU of each process over the timed window


def _until(done: Callable[[], bool], what: str) -> float:
    deadline = time.monotonic() + DONE_S
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return time.perf_counter()


def file_rate(env: dict[str, str], processes: int, count: int, run: str, workdir: Path, setting: int,
              watched: dict[str, int]) -> Timed:
    watch = workdir / f"drop-{setting}"
    watch.mkdir()
    names = [f"inspection_{run}-s{setting}-{k}.csv" for k in range(FILES)]
    per_file = count // FILES
    for k, name in enumerate(names):
        (watch / f"{name}.part").write_bytes(labour_csv(per_file, f"{run}-s{setting}-{k}", seed=100 + k))
    warm = [f"inspection_{run}-s{setting}-warm{k}.csv" for k in range(FILES)]
    connector = Connector(env, "labour", processes, "--watch", str(watch))
    try:
        connector.ready("file source running")
        for k, name in enumerate(warm):    # several small files: every child takes some
            (watch / f"{name}.part").write_bytes(labour_csv(WARM // FILES, f"{run}-s{setting}-w{k}", seed=900 + k))
            (watch / f"{name}.part").rename(watch / name)
        _until(lambda: all((watch / "done" / name).exists() for name in warm), "the warm-up files")
        meter = CpuMeter({**connector.pids(), **watched})
        meter.start()
        started = time.perf_counter()
        for name in names:
            (watch / f"{name}.part").rename(watch / name)
        ended = _until(lambda: all((watch / "done" / name).exists() for name in names), "the files")
        window = meter.stop()
    finally:
        connector.stop()
    return per_file * FILES / (ended - started), window


class _Checkpoints:
    """Tails ``offsets.<agency>.v1`` (read committed): the last committed position per source id."""

    def __init__(self, connection: KafkaConnection, agency: str) -> None:
        self.connection, self.topic = connection, offsets_topic(agency)
        self.positions: dict[str, Any] = {}

    async def wait(self, done: Callable[[dict[str, Any]], bool]) -> float:
        consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False,
                                    **self.connection.aiokafka())
        await consumer.start()
        try:
            await consumer._client.force_metadata_update()  # noqa: SLF001
            partitions = [TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic))]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            deadline = time.monotonic() + DONE_S
            while not done(self.positions):
                if time.monotonic() > deadline:
                    raise RuntimeError("timed out waiting for the SQL checkpoints")
                for records in (await consumer.getmany(timeout_ms=50)).values():
                    for record in records:
                        if record.value is not None:
                            self.positions[record.key.decode()] = json.loads(record.value)
            return time.perf_counter()
        finally:
            await consumer.stop()


def _at(position: dict[str, Any] | None, row: dict[str, Any]) -> bool:
    """Whether a committed SQL position is ``row`` (its key and its watermark as SQLite keeps it:
    a repeated setting polls rows with the ids of an earlier one)."""
    return bool(position) and str(position["pk"]) == str(row["id"]) and position["watermark"] == str(row["updated_at"])


def last_rows(rows: list[dict[str, Any]], processes: int) -> dict[str, dict[str, Any]]:
    """The checkpoint of each SQL child and the row its committed position stands at once all are
    published: every child reads every row and keeps those its key hashes to, so each ends at the
    last row."""
    if processes == 1:
        return {"sql:crossings": rows[-1]}
    return {f"sql:crossings#{share.suffix}": rows[-1] for share in Share(0, processes).siblings()}


def sql_rate(env: dict[str, str], connection: KafkaConnection, processes: int, count: int,
             workdir: Path, setting: int, watched: dict[str, int]) -> Timed:
    """``setting``: how many settings ran before on this broker. Each takes its rows 10 days after
    the one before, since children of a new count start where the earlier processes stood."""
    url = f"sqlite:///{workdir / f'immigration-{setting}.db'}"
    engine = sa.create_engine(url)
    later = dt.timedelta(days=10 * setting)
    rows = [{**row, "updated_at": row["updated_at"] + later} for row in crossing_rows(count, seed=200 + processes)]
    ddl = (EXAMPLES / "immigration.sql").read_text().split("CREATE INDEX")[0]
    warm = crossing_rows(WARM, seed=900 + processes)
    for n, row in enumerate(warm):     # ids -199..0 and watermarks a day before the timed rows
        row.update(id=n - WARM + 1, updated_at=row["updated_at"] + later - dt.timedelta(days=1))
    with engine.begin() as conn:
        conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(ddl.replace("CREATE TABLE crossings", "CREATE TABLE staged"))
        conn.execute(sa.table("staged", *[sa.column(k) for k in rows[0]]).insert(), rows)
        conn.execute(sa.table("crossings", *[sa.column(k) for k in warm[0]]).insert(), warm)
    connector = Connector(env, "immigration", processes, "--sql", url, "--table", "crossings")
    checkpoints = _Checkpoints(connection, "immigration")
    try:
        connector.ready("sql source running")
        warm_ends = last_rows(warm, processes)
        asyncio.run(checkpoints.wait(lambda positions: all(_at(positions.get(i), r) for i, r in warm_ends.items())))
        meter = CpuMeter({**connector.pids(), **watched})
        meter.start()
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO crossings SELECT * FROM staged")
        ends = last_rows(rows, processes)
        ended = asyncio.run(checkpoints.wait(lambda positions: all(_at(positions.get(i), r) for i, r in ends.items())))
        window = meter.stop()
    finally:
        connector.stop()
        engine.dispose()
    return count / (ended - started), window


HTTP_CLIENT = """
import asyncio, json, sys, time, aiohttp
url, token, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
bodies = [json.dumps(batch).encode() for batch in json.loads(sys.stdin.readline())]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
print("ready", flush=True)
sys.stdin.readline()
started = time.process_time()
async def worker(session, mine):
    for body in mine:
        while True:   # a 503 (the connector cannot commit now) is sent again, as its answer asks
            async with session.post(url, data=body, headers=headers) as r:
                if r.status == 503:
                    print("503", flush=True)
                    await asyncio.sleep(1.0)
                    continue
                assert r.status == 202, (r.status, await r.text())
                break
async def main():
    # a new connection per request: SO_REUSEPORT spreads connections, not requests
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as s:
        await asyncio.gather(*(worker(s, bodies[i::clients]) for i in range(clients)))
asyncio.run(main())
print("cpu", time.process_time() - started, flush=True)
"""


def http_rate(env: dict[str, str], settings: Settings, processes: int, count: int, run: str, setting: int,
              watched: dict[str, int]) -> Timed:
    token = issue_intake_token(settings, "police")
    records = police_records(count, f"{run}-s{setting}", seed=300 + processes)
    batches = [records[i:i + HTTP_BATCH] for i in range(0, len(records), HTTP_BATCH)]
    connector = Connector(env, "police", processes, "--http", "127.0.0.1:0")
    client = None
    try:
        line = connector.ready("HTTP intake on")
        url = line.split(" on ", 1)[1].split()[0]
        warm = police_records(WARM, f"{run}-s{setting}-warm", seed=900 + processes)
        for i in range(0, WARM, 10):       # 20 requests, each its own connection: every child gets some
            request = urllib.request.Request(url, data=json.dumps(warm[i:i + 10]).encode(), method="POST",
                                             headers={"Authorization": f"Bearer {token}",
                                                      "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as answer:
                if answer.status != 202:
                    raise RuntimeError(f"warm-up request answered {answer.status}")
        client = subprocess.Popen([sys.executable, "-c", HTTP_CLIENT, url, token, str(HTTP_CLIENTS)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert client.stdin is not None and client.stdout is not None
        client.stdin.write(json.dumps(batches) + "\n")
        client.stdin.flush()
        if client.stdout.readline() != "ready\n":
            raise RuntimeError("the HTTP load client did not start")
        meter = CpuMeter({**connector.pids(), **watched})
        meter.start()
        started = time.perf_counter()
        answered, _ = client.communicate("go\n", timeout=DONE_S)
        ended = time.perf_counter()
        window = meter.stop()
        # the client is reaped by now (its /proc entry gone): it reports its own CPU as its last line
        client_cpu = float(answered.rsplit("cpu ", 1)[1]) if "cpu " in answered else None
        window = replace(window, cpu_s={**window.cpu_s, "load client": client_cpu})
        if answered.count("503"):
            print(f"http: {answered.count('503')} request(s) answered 503 and sent again", file=sys.stderr, flush=True)
        if client.returncode:
            raise RuntimeError("the HTTP load client failed (an answer other than 202)")
    finally:
        if client is not None and client.poll() is None:
            client.kill()
        connector.stop()
    return count / (ended - started), window
