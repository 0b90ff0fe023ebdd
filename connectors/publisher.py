"""The connector's one way onto the bus: transactions that carry events and checkpoints together.

Each source hands over a batch of publications plus the position it has reached. The publisher
group-commits whatever is waiting into one Kafka transaction that also writes the sources'
checkpoints to ``offsets.<agency>.v1``; a restart reads the checkpoints back (read-committed), so
a connector killed at any instant neither loses nor repeats a record: either the events and the
checkpoint were committed together, or neither was. While the broker is unreachable the batch is
retried with back-off and the connector reports itself degraded; nothing is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError, ProducerFenced
from aiokafka.structs import TopicPartition

from connectors.metrics import ConnectorMetrics
from connectors.partitioning import KeyPartitioner
from connectors.records import Publication
from connectors.sending import send_publications, settle_quietly
from ops.kafka.connection import KafkaConnection

__all__ = ["Checkpoint", "Publisher", "PublisherStopped", "offsets_topic"]

log = logging.getLogger(__name__)
Checkpoint = tuple[str, dict[str, Any]]   # (source id, position as JSON-able dict)


class PublisherStopped(RuntimeError):
    """The connector is stopping; the batch was not published and its checkpoint not advanced."""


def offsets_topic(agency: str) -> str:
    return f"offsets.{agency}.v1"


@dataclass
class _Pending:
    publications: Sequence[Publication]
    checkpoint: Checkpoint | None
    source: str
    done: asyncio.Future[None]
    submitted_at: float


class Publisher:
    """One transactional producer per connector process, shared by all its sources."""

    def __init__(self, connection: KafkaConnection, agency: str, instance: str, metrics: ConnectorMetrics,
                 *, max_batch: int = 5000, linger_s: float = 0.002, max_backoff_s: float = 5.0,
                 commit_timeout_s: float = 10.0) -> None:
        self._connection = connection
        self.agency = agency
        self.transactional_id = f"{agency}.connector.{instance}"
        self._metrics = metrics
        self._max_batch = max_batch
        self._linger_s = linger_s
        self._max_backoff_s = max_backoff_s
        self._commit_timeout_s = commit_timeout_s
        self._producer: AIOKafkaProducer | None = None
        self._partitioner = KeyPartitioner()   # aiokafka's answers, faster (partitioning.py)
        self._queue: list[_Pending] = []
        self._in_flight: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._checkpoints: dict[str, dict[str, Any]] = {}
        self.degraded_reason: str | None = None

    async def start(self) -> None:
        """Fence any earlier instance (its open transaction is aborted), then read the checkpoints."""
        await self._open()
        self._checkpoints = await self._read_checkpoints()
        self._task = asyncio.create_task(self._run(), name=f"publisher-{self.agency}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for pending in self._queue:
            if not pending.done.done():
                pending.done.set_exception(PublisherStopped("connector stopping; batch not published"))
        self._queue.clear()
        await self._close()

    def checkpoint(self, source_id: str) -> dict[str, Any] | None:
        """The last committed position of a source, or None if it never committed."""
        return self._checkpoints.get(source_id)

    async def publish(self, publications: Sequence[Publication], checkpoint: Checkpoint | None = None,
                      source: str = "") -> None:
        """Return once the publications (and the checkpoint) are committed on the broker."""
        if self._task is None or self._task.done():
            raise PublisherStopped("the publisher is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(publications, checkpoint, source, done, time.perf_counter()))
        self._wake.set()
        await asyncio.shield(done)

    # -- the commit loop ---------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._commit_loop()
        except BaseException as err:
            # A dead loop must not leave sources waiting for ever: fail what waits, with the cause.
            for pending in self._in_flight + self._queue:
                if not pending.done.done():
                    pending.done.set_exception(PublisherStopped(f"publisher stopped: {err!r}"))
            self._in_flight, self._queue = [], []
            raise

    async def _commit_loop(self) -> None:
        while True:
            await self._wake.wait()
            if self._linger_s:
                await asyncio.sleep(self._linger_s)
            self._wake.clear()
            while self._queue:
                self._in_flight = self._take_batch()
                await self._commit_until_done(self._in_flight)
                self._settle(self._in_flight)
                self._in_flight = []

    def _take_batch(self) -> list[_Pending]:
        batch, size = [], 0
        while self._queue and (not batch or size + len(self._queue[0].publications) <= self._max_batch):
            pending = self._queue.pop(0)
            batch.append(pending)
            size += len(pending.publications)
        return batch

    async def _commit_until_done(self, batch: list[_Pending]) -> None:
        backoff = 0.2
        while True:
            try:
                # aiokafka waits for a commit without a deadline while the broker is away. A timeout
                # block, not wait_for: on Python 3.11 a wait_for cancelled just as its inner await
                # completes swallows the cancellation, and stop() would wait for ever.
                async with asyncio.timeout(self._commit_timeout_s):
                    await self._commit(batch)
                if self.degraded_reason:
                    log.warning("%s connector: broker reachable again", self.agency)
                self._set_degraded(None)
                return
            except ProducerFenced as err:
                raise SystemExit(f"another {self.agency} connector named {self.transactional_id!r} started and "
                                 "took over; run each instance with its own --name") from err
            except (KafkaError, OSError, asyncio.TimeoutError) as err:
                self._set_degraded(f"publishing failed ({type(err).__name__}: {err}); retrying")
                log.warning("%s connector degraded: %s", self.agency, self.degraded_reason)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)
                if await self._reopen_and_check_committed(batch):
                    self._set_degraded(None)
                    return

    async def _commit(self, batch: list[_Pending]) -> None:
        producer = self._producer
        assert producer is not None
        latest = {p.checkpoint[0]: p.checkpoint[1] for p in batch if p.checkpoint}
        futures: list[asyncio.Future[Any]] = []
        try:
            async with producer.transaction():
                futures = await send_publications(producer, self._partitioner,
                                                  (p for pending in batch for p in pending.publications))
                for source_id, position in latest.items():
                    futures.append(await producer.send(offsets_topic(self.agency),
                                                       json.dumps(position, sort_keys=True).encode(),
                                                       key=source_id.encode()))
        finally:
            settle_quietly(futures)
        self._checkpoints.update(latest)

    async def _reopen_and_check_committed(self, batch: list[_Pending]) -> bool:
        """After a failure, start a fresh producer; True if the failed commit had in fact landed.

        A commit whose answer was lost may still have been applied: the checkpoints it carried then
        sit on the offsets topic, and retrying would publish the batch twice.
        """
        try:
            await self._close()
            await self._open()
            stored = await self._read_checkpoints()
        except (KafkaError, OSError, asyncio.TimeoutError) as err:
            self._set_degraded(f"broker unreachable ({type(err).__name__}: {err}); retrying")
            return False
        carried = {p.checkpoint[0]: p.checkpoint[1] for p in batch if p.checkpoint}
        if carried and all(stored.get(k) == v for k, v in carried.items()):
            self._checkpoints.update(stored)
            return True
        return False

    def _settle(self, batch: list[_Pending]) -> None:
        now = time.perf_counter()
        for pending in batch:
            self._metrics.record_published(pending.source, pending.publications, now - pending.submitted_at)
            if not pending.done.done():
                pending.done.set_result(None)

    def _set_degraded(self, reason: str | None) -> None:
        self.degraded_reason = reason
        self._metrics.degraded.labels(self.agency).set(1 if reason else 0)

    # -- Kafka clients ------------------------------------------------------------------------

    async def _open(self) -> None:
        self._producer = AIOKafkaProducer(
            transactional_id=self.transactional_id, enable_idempotence=True, acks="all",
            linger_ms=5, max_batch_size=256 * 1024, request_timeout_ms=15000, partitioner=self._partitioner,
            **self._connection.aiokafka())
        await self._producer.start()

    async def _close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                async with asyncio.timeout(10):   # not wait_for: see _commit_until_done
                    await producer.stop()
            except (KafkaError, OSError, asyncio.TimeoutError):
                log.debug("producer did not stop cleanly", exc_info=True)

    async def _read_checkpoints(self) -> dict[str, dict[str, Any]]:
        topic = offsets_topic(self.agency)
        consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False,
                                    **self._connection.aiokafka())
        await consumer.start()
        try:
            ids = consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)
            partitions = [TopicPartition(topic, p) for p in sorted(ids)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            end = await consumer.end_offsets(partitions)
            found: dict[str, dict[str, Any]] = {}
            while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        found[record.key.decode()] = json.loads(record.value)
            return found
        finally:
            await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    ids = consumer.partitions_for_topic(topic)
    if not ids:
        raise RuntimeError(f"topic {topic} does not exist: run `sanpalang topics apply`")
    return ids
