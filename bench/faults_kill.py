"""Faults of ``sanpalang bench faults``: each process kind killed with SIGKILL at random instants.

Every trial is a real ``sanpalang connect`` or ``sanpalang worker`` process on a scratch broker,
killed at a random instant (while starting, reading, mapping or committing: the instant is not
chosen to be kind) and started again; after the last trial it runs undisturbed until all its input
has landed, and what landed is counted (``bench.faults_count``).
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

from bench.intake import crossing_rows, labour_csv, police_records
from bench.faults_count import Tally, count_landed
from bench.hub_run import (HubProcess, ScratchHub, WorkerProcess, correlated, expected, lane_values, per_key,
                         publish, read_topic, settled, wait_until)
from ops.ports import free_port
from simulator.deliver import write_atomically

__all__ = ["HttpLoad", "Connector", "Crossings", "labour_exports", "records_in", "lane_entries", "lane_events",
           "outputs_differing", "kill_file_connector", "kill_sql_connector", "kill_http_connector", "kill_worker"]

FILES, RECORDS_PER_FILE = 20, 250
HTTP_BATCH = 50


class Connector:
    """``sanpalang connect AGENCY ...`` on a scratch hub, with its /health address; restartable."""

    def __init__(self, hub: ScratchHub, workdir: Path, agency: str, *args: str, http: bool = False) -> None:
        self.hub, self.log, self.agency, self.args = hub, workdir / f"{agency}.log", agency, args
        self.port = free_port()
        self.flag = "--http" if http else "--metrics"
        self.process: HubProcess | None = None

    def start(self) -> None:
        self.process = HubProcess(self.hub, self.log, "connect", self.agency, *self.args,
                                  self.flag, f"127.0.0.1:{self.port}", "--name", "faults")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


    def wait_healthy(self, timeout_s: float = 60) -> None:
        wait_until(self.healthy, timeout=timeout_s, what=f"the {self.agency} connector's /health", poll=0.05)


def _trials(connector: Connector, trials: int, rng: random.Random, emit: Callable[[str], None],
            before_kill: Callable[[int], None] = lambda _: None) -> None:
    """Start; then ``trials`` times: once it answers, wait a random 0-1.5 s (mid-read, mid-commit),
    kill it and start it again."""
    connector.start()
    for n in range(trials):
        connector.wait_healthy()
        time.sleep(rng.uniform(0.0, 1.5))
        before_kill(n)
        connector.kill()
        emit(f"  {connector.agency}: kill {n + 1}/{trials}")
        connector.start()


def _landed(hub: ScratchHub, agency: str) -> list[tuple[str, str, dict]]:
    return read_topic(hub.connection, (f"intake.{agency}.v1", f"dlq.{agency}.v1"))


def labour_exports(run: str, files: int, per_file: int) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Labour inspection exports of ``run`` (name, Windows-874 CSV bytes) and their record ids,
    ``{run}fNN-L{i}`` (the pattern ``rf"{run}f\\d\\d-L\\d+"`` finds them in dead letters)."""
    exports = [(f"inspection_{run}_{k:02d}.csv", labour_csv(per_file, f"{run}f{k:02d}", seed=k + 10))
               for k in range(files)]
    return exports, [f"{run}f{k:02d}-L{i}" for k in range(files) for i in range(per_file)]


def kill_file_connector(hub: ScratchHub, workdir: Path, trials: int, rng: random.Random, run: str,
                        emit: Callable[[str], None]) -> Tally:
    """Labour's file drop, ``FILES`` exports of ``RECORDS_PER_FILE`` records waiting in the drop."""
    drop = workdir / "labour-drop"
    drop.mkdir()
    exports, ids = labour_exports(run, FILES, RECORDS_PER_FILE)
    for name, data in exports:
        write_atomically(drop / name, data)
    connector = Connector(hub, workdir, "labour", "--watch", str(drop))
    try:
        _trials(connector, trials, rng, emit)
        wait_until(lambda: not list(drop.glob("*.csv")), timeout=300, what="every export read")
    finally:
        connector.stop()
    tally = count_landed("file-drop connector kill -9", ids, _landed(hub, "labour"), rf"{run}f\d\d-L\d+")
    tally.trials = trials
    return tally


def kill_sql_connector(hub: ScratchHub, workdir: Path, trials: int, rng: random.Random, run: str,
                       emit: Callable[[str], None], count: int = 5000) -> Tally:
    """Immigration's table polling, with rows still being inserted while it is killed."""
    crossings = Crossings(workdir)
    insert = crossings.insert
    rows = crossing_rows(count, seed=rng.randrange(1000))
    half, step = count // 2, count // 20
    insert(rows[:half])

    def more(n: int) -> None:           # the second half arrives while the connector is being killed
        if n < 10:
            insert(rows[half + n * step: half + (n + 1) * step])

    connector = Connector(hub, workdir, "immigration", "--sql", crossings.url, "--table", "crossings")
    try:
        _trials(connector, trials, rng, emit, more)
        insert(rows[half + min(trials, 10) * step:])
        ids = [f"crossings/{row['id']}" for row in rows]
        wait_until(lambda: records_in(hub, "immigration") >= count, timeout=300, what="every row published")
    finally:
        connector.stop()
        crossings.dispose()
    tally = count_landed("SQL-polling connector kill -9", ids, _landed(hub, "immigration"), r"crossings/\d+")
    tally.trials = trials
    return tally


class Crossings:
    """Immigration's polled table, ``crossings``, in a SQLite file of ``workdir``; rows go in by chunks."""

    def __init__(self, workdir: Path) -> None:
        from simulator.deliver import ensure_tables
        self.url = f"sqlite:///{workdir / 'immigration.db'}"
        ensure_tables(self.url)
        self.engine = sa.create_engine(self.url)
        self.table = sa.Table("crossings", sa.MetaData(), autoload_with=self.engine)

    def insert(self, chunk: list[dict[str, Any]]) -> None:
        if not chunk:
            return
        with self.engine.begin() as conn:
            conn.execute(self.table.insert(), [{k: v for k, v in row.items() if k in self.table.c} for row in chunk])

    def dispose(self) -> None:
        self.engine.dispose()


def records_in(hub: ScratchHub, agency: str) -> int:
    """How many distinct source records of ``agency`` are on its intake topic (read committed)."""
    return len({r["envelope"]["source"]["record_id"] for t, _, r in _landed(hub, agency) if t.startswith("intake.")})


class HttpLoad:
    """Batches of police records posted with an ``Idempotency-Key`` each, retried with the same key
    after any failure (refused connection, 5xx, 503, no answer within ``answer_wait_s``) until the
    intake gives a final answer."""

    def __init__(self, url: str, token: str, records: list[dict[str, Any]], answer_wait_s: float = 30.0) -> None:
        self.url, self.token, self.answer_wait_s = url, token, answer_wait_s
        self.batches = [records[i:i + HTTP_BATCH] for i in range(0, len(records), HTTP_BATCH)]
        self.answers: dict[int, int] = {}
        self.retries = 0

    async def run(self, run: str, clients: int = 2, pause_s: float = 0.0) -> None:
        """Post every batch; each client waits ``pause_s`` between its posts, so the load lasts."""
        import aiohttp
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(len(self.batches)):
            queue.put_nowait(n)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.answer_wait_s)) as session:
            async def client() -> None:
                while not queue.empty():
                    n = queue.get_nowait()
                    self.answers[n] = await self._post(session, n, f"{run}-{n}")
                    await asyncio.sleep(pause_s)
            await asyncio.gather(*(client() for _ in range(clients)))

    async def _post(self, session: Any, n: int, key: str) -> int:
        import aiohttp
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        while True:
            try:
                async with session.post(self.url, json={"records": self.batches[n]}, headers=headers) as answer:
                    if answer.status < 500:
                        return answer.status
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            self.retries += 1
            await asyncio.sleep(0.5)


def kill_http_connector(hub: ScratchHub, workdir: Path, trials: int, rng: random.Random, run: str,
                        emit: Callable[[str], None], count: int = 5000) -> Tally:
    """Police HTTP intake under a steady load of retried posts, killed mid-request."""
    from runtime.credentials import issue_intake_token
    records = police_records(count, run)
    connector = Connector(hub, workdir, "police", http=True)
    load = HttpLoad(f"http://127.0.0.1:{connector.port}/v1/records", issue_intake_token(hub.settings, "police"), records)

    async def scenario() -> None:
        connector.start()
        posting = asyncio.create_task(load.run(run, pause_s=trials * 3.5 * 2 / len(load.batches)))
        for n in range(trials):
            await asyncio.to_thread(connector.wait_healthy)
            await asyncio.sleep(rng.uniform(0.0, 1.5))
            connector.kill()
            emit(f"  police: kill {n + 1}/{trials}")
            connector.start()
        await posting

    try:
        asyncio.run(scenario())
    finally:
        connector.stop()
    tally = count_landed("HTTP intake connector kill -9", [r["record_id"] for r in records], _landed(hub, "police"),
                         rf"{run}-P\d+")
    tally.trials, tally.note = trials, f"{load.retries} retried posts"
    return tally


def kill_worker(hub: ScratchHub, workdir: Path, trials: int, rng: random.Random, emit: Callable[[str], None],
                seeds: tuple[int, ...] = (21, 22)) -> Tally:
    """The worker under a feed of simulator scenarios: every intake event on its lane exactly once,
    and its outputs equal to what an undisturbed worker publishes for that lane."""
    from bench.scoring import scenario_feed
    publications = [p for seed in seeds for p in scenario_feed(seed)[0] if not p.dead_letter]
    log = workdir / "worker.log"
    worker = WorkerProcess(hub, log)
    try:
        sent = publish(hub.connection, publications[:len(publications) // 2])
        wait_until(lambda: correlated(hub.connection) > 0, what="the first lane entries")
        sent += publish(hub.connection, publications[len(publications) // 2:])
        for n in range(trials):
            time.sleep(rng.uniform(0.5, 4.0))
            worker.kill()
            emit(f"  worker: kill {n + 1}/{trials}")
            worker = WorkerProcess(hub, log)
        wait_until(lambda: settled(hub.connection, sent), timeout=600, what="every event correlated")
    finally:
        worker.stop()
    on_lane = lane_entries(hub)
    wanted = {p.value for p in publications}
    differing = outputs_differing(hub)
    return Tally("worker kill -9", trials, len(wanted), lost=len(wanted - set(on_lane)),
                 doubled=sum(n - 1 for n in on_lane.values()), unaccounted=len(set(on_lane) - wanted) + differing,
                 note=f"{differing} output keys differ from an undisturbed worker's")


def lane_entries(hub: ScratchHub) -> Counter[bytes]:
    """How often each intake event (its bytes as the connector wrote them) is on the worker's lane."""
    return lane_events(lane_values(hub.connection))


def lane_events(lane: list[bytes]) -> Counter[bytes]:
    """The lane's intake events, counted; its own entries (the idle flush, clock ticks) left out."""
    from streams.worker.lane import FLUSH
    return Counter(v for v in lane if v != FLUSH and not v.startswith(b"tick:"))


def outputs_differing(hub: ScratchHub) -> int:
    """How many (topic, key) of the worker's committed outputs differ from what an undisturbed
    worker publishes for the lane as written (``bench.hub_run.expected``): 0 when no kill or
    failover doubled, dropped or reordered an output."""
    got, want = per_key(read_topic(hub.connection)), per_key(expected(hub))
    return sum(1 for key in set(got) | set(want) if got.get(key) != want.get(key))
