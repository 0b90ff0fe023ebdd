"""The connector's one way onto the bus: transactions that carry events and checkpoints together.

Each source hands over a batch of publications plus the position it has reached. The publisher
group-commits whatever is waiting into one Kafka transaction that also writes the sources'
checkpoints to ``offsets.<agency>.v1``; a restart reads the checkpoints back (read-committed), so
a connector killed at any instant neither loses nor repeats a record: either the events and the
checkpoint were committed together, or neither was.

Every transaction also writes a marker, ``publisher:<transactional id>`` -> the batch's id, to the
same topic (one key per instance: compaction keeps one record). A commit whose answer was lost (a
timeout, a leader gone) may have landed: before sending anything again the publisher reopens its
producer (which settles the old transaction) and reads the marker back, so no batch is published
twice, with or without checkpoints (the HTTP intake has none).

While the broker is unreachable the publisher is degraded. Sources' batches wait, retried with
back-off. A caller that cannot wait (an HTTP client) gets ``PublisherUnavailable``: at once while
degraded, or once its batch's commit is known not to have landed; that batch is never sent again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, ProducerFenced
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import ConsumerRecord

from connectors.metrics import ConnectorMetrics
from connectors.clients import read_committed, stop_producer
from connectors.records import Publication
from connectors.sending import send_publications, settle_quietly
from runtime.connection import KafkaConnection

__all__ = ["Abandoned", "Checkpoint", "Publisher", "PublisherStopped", "PublisherUnavailable", "offsets_topic"]

log = logging.getLogger(__name__)
Checkpoint = tuple[str, dict[str, Any]]   # (source id, position as JSON-able dict)


class PublisherStopped(RuntimeError):
    """The connector is stopping; the batch was not published and its checkpoint not advanced."""


class PublisherUnavailable(RuntimeError):
    """The broker cannot be reached; the batch was not published and never will be (send it again later)."""


def offsets_topic(agency: str) -> str:
    return f"offsets.{agency}.v1"


@dataclass(frozen=True)
class Abandoned:
    """What a stop left uncommitted: batches handed over and their records (events and dead letters)."""

    batches: int = 0
    records: int = 0


@dataclass
class _Pending:
    publications: Sequence[Publication]
    checkpoint: Checkpoint | None
    source: str
    done: asyncio.Future[None]
    submitted_at: float
    extra: Sequence[Publication] = ()
    waits_out_outage: bool = True


class Publisher:
    """One transactional producer per connector process, shared by all its sources."""

    def __init__(self, connection: KafkaConnection, agency: str, instance: str, metrics: ConnectorMetrics,
                 *, max_batch: int = 5000, linger_s: float = 0.002, max_backoff_s: float = 5.0,
                 commit_timeout_s: float = 10.0) -> None:
        self._connection = connection
        self.agency = agency
        self.transactional_id = f"{agency}.connector.{instance}"
        self._marker_key = f"publisher:{self.transactional_id}".encode()
        self._metrics = metrics
        self._max_batch, self._linger_s = max_batch, linger_s
        self._max_backoff_s, self._commit_timeout_s = max_backoff_s, commit_timeout_s
        self._producer: AIOKafkaProducer | None = None
        self._partitioner = DefaultPartitioner()   # the producer's own, also used to group sends by partition
        self._queue: list[_Pending] = []
        self._in_flight: list[_Pending] = []
        self._unsettled = False    # True while the in-flight batch may have landed without our knowing
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._checkpoints: dict[str, dict[str, Any]] = {}
        self.degraded_reason: str | None = None

    async def start(self) -> None:
        """Fence any earlier instance (its open transaction is aborted), then read the checkpoints."""
        await self._open()
        self._checkpoints = await self._read_checkpoints()
        self._task = asyncio.create_task(self._run(), name=f"publisher-{self.agency}")

    async def stop(self, timeout_s: float = 10.0) -> Abandoned:
        """Commit what was handed over (for up to ``timeout_s``), give up the rest, close the producer.
        What is given up is returned: a source reads it again after the restart (its checkpoint did
        not move); an HTTP caller gets a 503 if its batch was never sent, else no answer (its commit
        may have landed: only a retry with the same Idempotency-Key is then safe)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=timeout_s * 0.6)   # the loop ends once nothing waits
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=(deadline - loop.time()) / 3)
        abandoned = self.outstanding()
        for pending in (self._in_flight if not self._unsettled else []) + self._queue:
            _fail(pending, PublisherStopped("connector stopping; batch not published"))
        self._in_flight, self._queue = [], []
        await self._close(timeout_s=max(0.2, deadline - loop.time()))
        return abandoned

    def outstanding(self) -> Abandoned:
        """The batches handed over and not committed yet: what stopping now would abandon."""
        left = self._in_flight + self._queue
        return Abandoned(len(left), sum(len(p.publications) for p in left))

    def checkpoint(self, source_id: str) -> dict[str, Any] | None:
        """The last committed position of a source, or None if it never committed."""
        return self._checkpoints.get(source_id)

    def checkpoints_of(self, source_id: str) -> list[dict[str, Any]]:
        """The positions of ``source_id`` and of its shares (``<id>#p<i>of<N>``) as read at start."""
        return [v for k, v in self._checkpoints.items() if k == source_id or k.startswith(f"{source_id}#")]

    async def publish(self, publications: Sequence[Publication], checkpoint: Checkpoint | None = None,
                      source: str = "", *, extra: Sequence[Publication] = (), waits_out_outage: bool = True) -> None:
        """Return once the publications (and the checkpoint, and ``extra`` messages, which are no
        events: an HTTP receipt) are committed on the broker.

        With ``waits_out_outage=False`` raise ``PublisherUnavailable`` instead of waiting while the
        broker cannot be reached; the batch is then not published, now or later."""
        if self._stopping or self._task is None or self._task.done():
            raise PublisherStopped("the publisher is not running")
        if self.degraded_reason and not waits_out_outage:
            raise PublisherUnavailable(self.degraded_reason)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(publications, checkpoint, source, done, time.perf_counter(), extra,
                                    waits_out_outage))
        self._wake.set()
        await asyncio.shield(done)

    # -- the commit loop ---------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._commit_loop()
        except BaseException as err:
            # A dead loop must not leave sources waiting for ever: fail what waits, with the cause.
            for pending in (self._in_flight if not self._unsettled else []) + self._queue:
                _fail(pending, PublisherStopped(f"publisher stopped: {err!r}"))
            raise

    async def _commit_loop(self) -> None:
        while not (self._stopping and not self._queue):
            await self._wake.wait()
            if self._linger_s and not self._stopping:
                await asyncio.sleep(self._linger_s)
            self._wake.clear()
            while self._queue:
                self._in_flight = self._take_batch()
                await self._commit_until_done()
                self._settle(self._in_flight)
                self._in_flight = []

    def _take_batch(self) -> list[_Pending]:
        batch, size = [], 0
        while self._queue and (not batch or size + len(self._queue[0].publications) <= self._max_batch):
            pending = self._queue.pop(0)
            batch.append(pending)
            size += len(pending.publications)
        return batch

    async def _commit_until_done(self) -> None:
        """Commit ``self._in_flight``; after a failure, send it again only once it is known not to
        have landed (reopen and read the marker back, for as long as the broker stays away)."""
        marker = uuid.uuid4().hex
        while self._in_flight:
            self._unsettled = True
            try:
                # aiokafka waits for a commit without a deadline while the broker is away. A timeout
                # block, not wait_for: on Python 3.11 a wait_for cancelled just as its inner await
                # completes swallows the cancellation, and stop() would wait for ever.
                async with asyncio.timeout(self._commit_timeout_s):
                    await self._commit(self._in_flight, marker)
                landed = True
            except ProducerFenced as err:
                raise SystemExit(f"another {self.agency} connector named {self.transactional_id!r} started and "
                                 "took over; run each instance with its own --name") from err
            except (KafkaError, OSError, asyncio.TimeoutError) as err:
                self._set_degraded(f"publishing failed ({type(err).__name__}: {err}); retrying")
                log.warning("%s connector degraded: %s", self.agency, self.degraded_reason)
                self._refuse_impatient(self._queue)   # never sent: certainly not published
                landed = await self._landed(marker)   # once the broker answers again
            self._unsettled = False
            if self.degraded_reason:
                log.warning("%s connector: broker reachable again", self.agency)
            self._set_degraded(None)
            if landed:
                return
            self._refuse_impatient(self._in_flight)

    async def _landed(self, marker: str) -> bool:
        """Whether the transaction that carried ``marker`` was committed, asked until the broker answers."""
        backoff = 0.2
        while True:
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff_s)
            await self._close(timeout_s=4.0)   # its unsent batches go: the new producer aborts them
            try:
                async with asyncio.timeout(self._commit_timeout_s):
                    await self._open()   # settles the earlier transaction: committed or aborted
                    stored = await self._read_checkpoints()
            except (KafkaError, OSError, asyncio.TimeoutError) as err:
                self._set_degraded(f"broker unreachable ({type(err).__name__}: {err}); retrying")
                continue
            landed = stored.pop(self._marker_key.decode(), None) == {"batch": marker}
            if landed:
                self._checkpoints.update(stored)
            return landed

    def _refuse_impatient(self, group: list[_Pending]) -> None:
        """Fail ``group``'s batches whose callers do not wait out an outage: unpublished, now for good."""
        for pending in [p for p in group if not p.waits_out_outage]:
            _fail(pending, PublisherUnavailable(self.degraded_reason or "the broker cannot be reached"))
            group.remove(pending)

    async def _commit(self, batch: list[_Pending], marker: str) -> None:
        producer = self._producer
        assert producer is not None   # _landed returns only once a producer is open
        latest = {p.checkpoint[0]: p.checkpoint[1] for p in batch if p.checkpoint}
        futures: list[asyncio.Future[Any]] = []
        try:
            async with producer.transaction():
                futures = await send_publications(
                    producer, self._partitioner,
                    (p for pending in batch for p in (*pending.publications, *pending.extra)))
                positions = [(source_id.encode(), position) for source_id, position in latest.items()]
                for key, value in [*positions, (self._marker_key, {"batch": marker})]:
                    futures.append(await producer.send(offsets_topic(self.agency),
                                                       json.dumps(value, sort_keys=True).encode(), key=key))
        finally:
            settle_quietly(futures)
        self._checkpoints.update(latest)

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
        producer = AIOKafkaProducer(
            transactional_id=self.transactional_id, enable_idempotence=True, acks="all",
            linger_ms=5, max_batch_size=256 * 1024, request_timeout_ms=15000, partitioner=self._partitioner,
            **self._connection.aiokafka())
        try:
            await producer.start()
        except BaseException:
            await stop_producer(producer, 1.0)
            raise
        self._producer = producer

    async def _close(self, timeout_s: float = 10.0) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await stop_producer(producer, timeout_s)

    async def _read_checkpoints(self) -> dict[str, dict[str, Any]]:
        return {r.key.decode(): json.loads(r.value) for r in await self.read_back(offsets_topic(self.agency))}

    @property
    def connection(self) -> KafkaConnection:
        return self._connection

    async def read_back(self, topic: str) -> list[ConsumerRecord]:
        """Every committed message of ``topic`` (the HTTP intake reads its receipts back with it)."""
        return await read_committed(self._connection, topic)


def _fail(pending: _Pending, error: Exception) -> None:
    if not pending.done.done():
        pending.done.set_exception(error)
        pending.done.exception()   # seen: a caller that stopped waiting must not make asyncio log it
