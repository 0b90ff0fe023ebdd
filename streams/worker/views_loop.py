"""The SQL views loop: the committed outputs of the correlator into the views' database.

It reads `cases.provincial.v1`, `alerts.v1`, `persons.links.v1`, the referral topics and, for its
prevention activities only (`streams.views.prevention`), `intake.social.v1` with
read_committed and commits its offsets only after the SQL transaction: a crash redoes a batch,
and `ViewSink` upserts are idempotent (an older or equal version changes nothing). Two workers
share the partitions through the consumer group `sanpalang-hub-views`.

A database it cannot write (down, read-only, full) does not stop it, nor the worker: the batch is
rolled back, its partitions are rewound to the batch's first offsets, and it is fetched and applied
again after a back-off (`backoff_s`: 1 s doubling to a minute), for as long as it takes. Meanwhile
the loop reports itself degraded with the reason (`ViewsStatus`: the worker's `/health` and
`sanpalang_worker_views_degraded`); the correlator goes on publishing on Kafka, where the outputs
wait under the group's committed offsets, so the views catch up once the database takes writes.

The worker runs it in a child process (`run_in_child`): its SQL work, about a sixth of the worker's
CPU under load, then takes neither the GIL nor the event loop from the correlation, and it gets the
second core. A child that dies anyway is started again after the same back-off.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError, KafkaError

import schemas
from runtime.connection import KafkaConnection
from runtime.lifetime import tie_to_parent
from streams.views import Applied, ViewSink
from streams.views.clock import HubClock, clock_of, latest
from streams.views.prevention import PREVENTION_TOPIC
from streams.views.sink import STORED
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, referrals_topic
from streams.worker.lane import AGENCIES
from streams.worker.metrics import WorkerMetrics

__all__ = ["ViewsLoop", "ViewsStatus", "OUTPUT_TOPICS", "backoff_s", "run_in_child"]

log = logging.getLogger("sanpalang.worker.views")
GROUP = "sanpalang-hub-views"
OUTPUT_TOPICS = (CASES_TOPIC, ALERTS_TOPIC, LINKS_TOPIC, *(referrals_topic(a) for a in AGENCIES))
READ_TOPICS = (*OUTPUT_TOPICS, PREVENTION_TOPIC)
KINDS = ("cases", "alerts", "links", "referrals", "prevention")
FIRST_BACKOFF_S, MAX_BACKOFF_S = 1.0, 60.0
REASON_BYTES = 500
T = TypeVar("T")


def backoff_s(failures: int) -> float:
    """The wait after the `failures`-th failure in a row: 1 s, 2 s, 4 s ... at most a minute."""
    return min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** min(failures - 1, 16))


class ViewsStatus:
    """What the views process tells the worker, in memory shared between them: rows changed per
    kind, failures so far, and why it is degraded (empty while it is not)."""

    def __init__(self, context=multiprocessing) -> None:
        self.rows = context.Array("q", len(KINDS), lock=False)
        self.failures = context.Value("q", 0, lock=False)
        self._reason = context.Array("c", REASON_BYTES)          # locked: read whole or not at all

    def applied(self, applied: Applied) -> None:
        for n, kind in enumerate(KINDS):
            self.rows[n] += getattr(applied, kind)

    def failed(self, reason: str) -> None:
        self.failures.value += 1
        self._set(reason.encode()[:REASON_BYTES - 4].decode(errors="ignore") or "failed")

    def recovered(self) -> None:
        self._set("")

    @property
    def reason(self) -> str | None:
        with self._reason.get_lock():
            return self._reason.value.decode() or None

    def _set(self, reason: str) -> None:
        with self._reason.get_lock():
            self._reason.value = reason.encode()


class ViewsLoop:
    def __init__(self, connection: KafkaConnection, sink: ViewSink, status: ViewsStatus, *, batch: int = 2000,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.connection, self.sink, self.status, self.batch, self.sleep = connection, sink, status, batch, sleep
        self._failures = 0                                         # in a row

    async def run(self) -> None:
        await self.start_sink()
        consumer = AIOKafkaConsumer(*READ_TOPICS, **self.connection.aiokafka(), group_id=GROUP,
                                    isolation_level="read_committed", enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        try:
            while True:
                await self.step(consumer)
        finally:
            await consumer.stop()
            self.sink.close()

    async def start_sink(self) -> None:
        """Connect and migrate, for as long as it takes."""
        while not await self._attempt(self.sink.start, "migrate the views"):
            pass

    async def step(self, consumer: AIOKafkaConsumer) -> None:
        """One batch into SQL, then its offsets committed; a batch that fails is fetched again."""
        fetched = await consumer.getmany(timeout_ms=500, max_records=self.batch)
        values = [m.value for messages in fetched.values() for m in messages]
        if not values:
            return
        clock = latest(clock_of(m.headers) for messages in fetched.values() for m in messages)
        applied = await self._attempt(functools.partial(self._apply, values, clock), f"write {len(values)} record(s)")
        if applied is None:
            for tp, messages in fetched.items():
                consumer.seek(tp, messages[0].offset)
            return
        self.status.applied(applied)
        try:
            await consumer.commit()
        except CommitFailedError as err:       # a rebalance moved partitions: their new owner redoes them
            log.info("views commit skipped after a rebalance: %s", err)
        except KafkaError as err:              # broker gone: the next commit covers this batch
            log.warning("views commit failed (%s); the rows are written, their offsets follow", err)

    def _apply(self, values: list[bytes], clock: HubClock | None = None) -> Applied:
        decoded = (schemas.decode(value) for value in values)
        return self.sink.apply_many([(name, record) for name, record in decoded if name in STORED], clock)

    async def _attempt(self, work: Callable[[], T], what: str) -> T | None:
        """`work()` in a thread; on failure the sink's connections are dropped (they may be to a
        server that restarted or sessions opened read-only), the loop reports itself degraded and
        waits its back-off. Returns what `work` returned (True for None), or None if it failed.
        The reason is the error's first line: SQLAlchemy's next lines quote the statement and its
        parameters, victims' data that neither `/health` nor the log may show."""
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, work)
        except Exception as err:
            self._failures += 1
            wait = backoff_s(self._failures)
            reason = f"could not {what}: {str(err).splitlines()[0] if str(err) else repr(err)}"
            log.error("SQL views degraded: %s (failure %d in a row), retrying in %.0f s", reason, self._failures, wait)
            self.status.failed(reason)
            self.sink.reconnect()
            await self.sleep(wait)
            return None
        if self._failures:
            log.warning("SQL views recovered after %d failure(s) in a row", self._failures)
            self._failures = 0
        self.status.recovered()
        return True if result is None else result


async def run_in_child(connection: KafkaConnection, database_url: str, metrics: WorkerMetrics) -> None:
    """The views loop in a child process, for as long as this coroutine runs. The child dies with
    the worker, even by `kill -9` (PR_SET_PDEATHSIG); if the child dies, it is started again after
    a back-off, the worker degraded meanwhile. Its row counts and health reach this process's
    metrics through `ViewsStatus`."""
    context = multiprocessing.get_context("spawn")
    status = ViewsStatus(context)
    counted, failures, deaths = [0] * len(KINDS), 0, 0
    while True:
        child = context.Process(target=_child, args=(connection, database_url, status, os.getpid(),
                                                     logging.getLogger().level),
                                name="sanpalang-views", daemon=True)
        child.start()
        started = time.monotonic()
        try:
            while child.is_alive():
                await asyncio.sleep(0.5)
                failures, counted = _report(status, metrics, failures, counted)
        finally:
            if child.is_alive():
                child.terminate()
                await asyncio.to_thread(child.join, 5)
        deaths = 1 if time.monotonic() - started > MAX_BACKOFF_S else deaths + 1     # in a row
        wait = backoff_s(deaths)
        reason = f"the SQL views process stopped (exit code {child.exitcode}); restarting it in {wait:.0f} s"
        log.error("%s; its error is in this log", reason)
        status.failed(reason)
        failures, counted = _report(status, metrics, failures, counted)
        await asyncio.sleep(wait)


def _report(status: ViewsStatus, metrics: WorkerMetrics, failures: int, counted: list[int]) -> tuple[int, list[int]]:
    """The child's news since the last report onto the metrics; returns what is now counted."""
    for n, kind in enumerate(KINDS):
        if status.rows[n] > counted[n]:
            metrics.view_rows.labels(kind).inc(status.rows[n] - counted[n])
    if status.failures.value > failures:
        metrics.views_failures.inc(status.failures.value - failures)
    metrics.views_degraded(status.reason)
    return status.failures.value, list(status.rows)


def _child(connection: KafkaConnection, database_url: str, status: ViewsStatus, parent: int, level: int) -> None:
    tie_to_parent(signal.SIGKILL, parent)   # the views die with the worker, however it ends
    logging.basicConfig(level=level, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s")
    asyncio.run(ViewsLoop(connection, ViewSink(database_url), status).run())
