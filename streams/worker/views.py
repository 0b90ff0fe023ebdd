"""The SQL views loop: the committed outputs of the correlator into the views' database.

It reads `cases.provincial.v1`, `alerts.v1`, `persons.links.v1` and the referral topics with
read_committed and commits its offsets only after the SQL transaction: a crash redoes a batch,
and `ViewSink` upserts are idempotent (an older or equal version changes nothing). Two workers
share the partitions through the consumer group `sanpalang-hub-views`.

The worker runs it in a child process (`run_in_child`): its SQL work, about a sixth of the worker's
CPU under load, then takes neither the GIL nor the event loop from the correlation, and it gets the
second core.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError

import schemas
from ops.kafka.connection import KafkaConnection
from streams.views import Applied, ViewSink
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, referrals_topic
from streams.worker.lane import AGENCIES
from streams.worker.metrics import WorkerMetrics

__all__ = ["ViewsLoop", "OUTPUT_TOPICS", "run_in_child"]

log = logging.getLogger("sanpalang.worker.views")
GROUP = "sanpalang-hub-views"
OUTPUT_TOPICS = (CASES_TOPIC, ALERTS_TOPIC, LINKS_TOPIC, *(referrals_topic(a) for a in AGENCIES))
KINDS = ("cases", "alerts", "links", "referrals")


class ViewsLoop:
    def __init__(self, connection: KafkaConnection, database_url: str, on_applied: Callable[[Applied], None], *,
                 batch: int = 2000) -> None:
        self.connection, self.batch, self.on_applied = connection, batch, on_applied
        self.sink = ViewSink(database_url)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.sink.start)
        consumer = AIOKafkaConsumer(*OUTPUT_TOPICS, **self.connection.aiokafka(), group_id=GROUP,
                                    isolation_level="read_committed", enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        try:
            while True:
                fetched = await consumer.getmany(timeout_ms=500, max_records=self.batch)
                records = [schemas.decode(m.value) for messages in fetched.values() for m in messages]
                if not records:
                    continue
                applied = await loop.run_in_executor(None, self.sink.apply_many, records)
                self.on_applied(applied)
                try:
                    await consumer.commit()
                except CommitFailedError as err:   # a rebalance moved partitions: their new owner redoes them
                    log.info("views commit skipped after a rebalance: %s", err)
        finally:
            await consumer.stop()
            self.sink.close()


async def run_in_child(connection: KafkaConnection, database_url: str, metrics: WorkerMetrics) -> None:
    """The views loop in a child process, for as long as this coroutine runs. The child dies with
    the worker, even by `kill -9` (PR_SET_PDEATHSIG); if the child dies, this raises, so the worker
    stops with an error rather than run without views. Its row counts reach this process's
    metrics through shared counters."""
    context = multiprocessing.get_context("spawn")
    rows = context.Array("q", len(KINDS), lock=False)
    child = context.Process(target=_child, args=(connection, database_url, rows, os.getpid(),
                                                 logging.getLogger().level),
                            name="sanpalang-views", daemon=True)
    child.start()
    counted = [0] * len(KINDS)
    try:
        while child.is_alive():
            await asyncio.sleep(0.5)
            for n, kind in enumerate(KINDS):
                if rows[n] > counted[n]:
                    metrics.view_rows.labels(kind).inc(rows[n] - counted[n])
                    counted[n] = rows[n]
        raise RuntimeError(f"the SQL views process stopped (exit code {child.exitcode}); its error is in this log")
    finally:
        if child.is_alive():
            child.terminate()
            child.join(timeout=10)


def _child(connection: KafkaConnection, database_url: str, rows, parent: int, level: int) -> None:
    _die_with_parent(parent)
    logging.basicConfig(level=level, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s")

    def count(applied: Applied) -> None:
        for n, kind in enumerate(KINDS):
            rows[n] += getattr(applied, kind)
    asyncio.run(ViewsLoop(connection, database_url, count).run())


def _die_with_parent(parent: int) -> None:
    """Linux: SIGKILL when the worker process ends, however it ends."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:                    # the worker ended before prctl took effect
        os._exit(1)
