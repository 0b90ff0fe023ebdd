"""The correlate step: lane entries through the `Correlator`, outputs and the lane offset committed
in one Kafka transaction.

Why aiokafka's transactions and not faust's `exactly_once`: faust picks the transactional producer
by the *destination* partition of each send, so outputs spread over four partitions of
`cases.provincial.v1` are not in the transaction that commits the lane offset. Here one
transactional id (`sanpalang-hub-correlate`) owns the one lane partition: a second worker waits in
the consumer group, and when it takes over it fences the first (a zombie cannot commit).

On every assignment the state is rebuilt by replaying the lane from offset 0 up to the committed
offset, publishing nothing; then processing goes on from there. A crash anywhere loses nothing
(uncommitted work is redone) and doubles nothing (the redone transaction replaces the aborted one).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

import schemas
from ops.kafka.connection import KafkaConnection
from streams.aggregates import aggregate_case_views, changed_tables
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, Correlator, Output
from streams.worker.lane import FLUSH, LANE_TOPIC, encoded, feed, tick_value
from streams.worker.metrics import WorkerMetrics
from streams.worker.reorder import REPLAY_WINDOW

__all__ = ["CorrelateLoop", "replay"]

log = logging.getLogger("sanpalang.worker.correlate")
GROUP = "sanpalang-hub-correlate"
TRANSACTIONAL_ID = "sanpalang-hub-correlate"
AGGREGATES_TOPIC, AGGREGATE = "reports.aggregates.v1", "sanpalang.hub.Aggregate"
TRIGGER_HEADER = "sanpalang-trigger-produced-ms"
"""On every output: when the intake event (or tick, or operator action) that caused it was produced,
epoch milliseconds; end-to-end latency for consumers and the pipeline benchmark."""


async def replay(connection: KafkaConnection, correlator: Correlator, upto: int, *, lane: str = LANE_TOPIC,
                 on_outputs: Callable[[list[Output]], None] | None = None) -> int:
    """Feed lane entries [0, upto) to `correlator`; returns how many were fed."""
    if upto <= 0:
        return 0
    tp = TopicPartition(lane, 0)
    consumer = AIOKafkaConsumer(**connection.aiokafka(), isolation_level="read_committed",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    fed = 0
    try:
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        while await consumer.position(tp) < upto:
            for messages in (await consumer.getmany(tp, timeout_ms=500, max_records=2000)).values():
                for message in messages:
                    if message.offset >= upto:
                        return fed
                    outputs = _safe_feed(correlator, message.value, message.offset)
                    if on_outputs is not None:
                        on_outputs(outputs)
                    fed += 1
    finally:
        await consumer.stop()
    return fed


def _safe_feed(correlator: Correlator, value: bytes, offset: int) -> list[Output]:
    try:
        return feed(correlator, value)
    except Exception as err:  # a bug on one entry must not stop the hub; it is logged and counted
        log.error("lane entry at offset %d could not be applied and was skipped: %s", offset, err)
        WorkerMetrics.shared().skipped.inc()
        return []


class _Assignment(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.changed = asyncio.Event()

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.changed.set()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.changed.set()


class CorrelateLoop:
    """Runs while the worker runs; holds the lane partition when the group gives it."""

    def __init__(self, connection: KafkaConnection, *, batch: int = 500, lane: str = LANE_TOPIC,
                 metrics: WorkerMetrics | None = None, consumer_key: bytes | None = None,
                 on_alert: Callable[[dict[str, Any]], None] | None = None,
                 tick_seconds: float | None = None, window: timedelta = REPLAY_WINDOW,
                 flush_seconds: float = 3.0, aggregate_seconds: float = 60.0) -> None:
        self.connection, self.batch, self.lane = connection, batch, lane
        self.tick_seconds, self._last_tick = tick_seconds, 0.0
        self.window, self.flush_seconds, self._last_entry = window, flush_seconds, time.monotonic()
        self.consumer_key, self.on_alert = consumer_key, on_alert
        self.tp = TopicPartition(lane, 0)
        self.metrics = metrics or WorkerMetrics.shared()
        self.correlator: Correlator | None = None
        self.producer: AIOKafkaProducer | None = None
        self.aggregate_seconds, self._aggregated_at, self._views_changed = aggregate_seconds, 0.0, False
        self.views: dict[str, dict[str, Any]] = {}          # latest view of every case, for the aggregates
        self._published_tables: dict[str, dict[str, Any]] = {}
        self.next_offset = 0

    async def run(self) -> None:
        listener = _Assignment()
        consumer = AIOKafkaConsumer(**self.connection.aiokafka(), group_id=GROUP, isolation_level="read_committed",
                                    enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        consumer.subscribe([self.lane], listener=listener)
        try:
            while True:
                if listener.changed.is_set():
                    listener.changed.clear()
                    await self._drop_state()
                if self.tp not in consumer.assignment():
                    await consumer.getmany(timeout_ms=200)   # keeps the membership alive
                    continue
                if self.correlator is None:
                    # The producer first: its transactional id fences a previous owner (aborting
                    # its open transaction) before the committed offset is read.
                    self.producer = await self._start_producer()
                    await self._rebuild(consumer)
                await self._tick()
                await self._aggregate()
                batch = (await consumer.getmany(self.tp, timeout_ms=200, max_records=self.batch)).get(self.tp, [])
                if batch:
                    self._last_entry = time.monotonic()
                    await self._process(consumer, batch)
                else:
                    await self._flush_when_idle()
        finally:
            await self._drop_state()
            await consumer.stop()

    async def _tick(self) -> None:
        """Live: the wall clock onto the lane, by its owner only, so ticks are never doubled by workers."""
        if self.tick_seconds is None or time.monotonic() - self._last_tick < self.tick_seconds:
            return
        await self._append(tick_value(datetime.now(timezone.utc)), b"tick")
        self._last_tick = time.monotonic()

    async def _flush_when_idle(self) -> None:
        """Events held for event-time order are correlated once the lane has been quiet for
        `flush_seconds`: a `flush` entry, so a replay releases them at the same place."""
        if self.correlator is None or not len(self.correlator.buffer):
            return
        if time.monotonic() - self._last_entry < self.flush_seconds:
            return
        await self._append(FLUSH, b"flush")
        self._last_entry = time.monotonic()

    async def _append(self, value: bytes, key: bytes) -> None:
        """An entry of the lane's owner (tick, flush), in a transaction of its fenced producer."""
        assert self.producer is not None
        try:
            async with self.producer.transaction():
                await self.producer.send(self.lane, value, key=key)
        except KafkaError as err:                          # fenced or broker gone: rebuilt when ours again
            log.warning("could not append %r to the lane (%s)", key, err)
            await self._drop_state()

    def _keep_views(self, outputs: list[Output]) -> None:
        for output in outputs:
            if output.topic == CASES_TOPIC:
                self.views[output.key] = output.record
                self._views_changed = True

    async def _aggregate(self) -> None:
        """CTDC-style de-identified tables (k >= 11) of every case on `reports.aggregates.v1`,
        only those whose counts changed, at most every `aggregate_seconds`."""
        if not self._views_changed or time.monotonic() - self._aggregated_at < self.aggregate_seconds:
            return
        tables = changed_tables(self._published_tables, aggregate_case_views(self.views.values()))
        assert self.producer is not None
        try:
            async with self.producer.transaction():
                for table in tables:
                    await self.producer.send(AGGREGATES_TOPIC, schemas.encode(AGGREGATE, table),
                                             key=table["table_id"].encode())
        except KafkaError as err:
            log.warning("could not publish the aggregates (%s)", err)
            await self._drop_state()
            return
        self._published_tables.update((t["table_id"], t) for t in tables)
        self._aggregated_at, self._views_changed = time.monotonic(), False

    async def _start_producer(self) -> AIOKafkaProducer:
        producer = AIOKafkaProducer(**self.connection.aiokafka(), transactional_id=TRANSACTIONAL_ID,
                                    enable_idempotence=True, acks="all", linger_ms=5)
        await producer.start()
        return producer

    async def _drop_state(self) -> None:
        """Forget everything not committed: state is rebuilt from the lane when the partition is ours."""
        self.correlator = None
        if self.producer is not None:
            producer, self.producer = self.producer, None
            try:
                await producer.stop()
            except KafkaError as err:
                log.info("stopping a fenced producer: %s", err)

    async def _rebuild(self, consumer: AIOKafkaConsumer) -> None:
        committed = await consumer.committed(self.tp) or 0
        started = time.perf_counter()
        self.correlator = Correlator(consumer_key=self.consumer_key, window=self.window)
        self.views.clear()
        fed = await replay(self.connection, self.correlator, committed, lane=self.lane, on_outputs=self._keep_views)
        consumer.seek(self.tp, committed)
        self.next_offset = committed
        log.info("correlator rebuilt from %d lane entries (offsets 0..%d) in %.1f s", fed, committed,
                 time.perf_counter() - started)

    async def _process(self, consumer: AIOKafkaConsumer, batch: list) -> None:
        assert self.correlator is not None and self.producer is not None
        producer = self.producer
        if batch[0].offset < self.next_offset:            # redelivered: the state is ahead of it, rebuild
            await self._drop_state()
            return
        outputs: list[Output] = []
        sends: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []
        for message in batch:
            produced = [(TRIGGER_HEADER, str(message.timestamp).encode())]
            made = _safe_feed(self.correlator, message.value, message.offset)
            outputs += made
            sends += [(topic, key, value, produced) for topic, key, value, _ in encoded(made)]
        last = batch[-1]
        try:
            async with producer.transaction():
                for topic, key, value, headers in sends:
                    await producer.send(topic, value=value, key=key, headers=headers)
                await producer.send_offsets_to_transaction({self.tp: last.offset + 1}, GROUP)
        except KafkaError as err:
            log.warning("transaction of lane offsets %d..%d aborted (%s); redoing from the last commit",
                        batch[0].offset, last.offset, err)
            await self._drop_state()                       # rebuilt from the committed offset
            return
        self.next_offset = last.offset + 1
        self._keep_views(outputs)
        self.metrics.committed(batch, outputs)
        if self.on_alert is not None:
            for output in outputs:
                if output.topic == ALERTS_TOPIC:
                    self.on_alert(output.record)
