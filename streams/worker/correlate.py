"""The correlate step: intake events and operator actions straight from their topics through the
`Correlator`; in one Kafka transaction, the entries as the lane records them, their outputs and the
source offsets.

The lane (`sanpalang-hub-lane`, one partition) is the order the correlator decided in, written in
the same transaction as what that order produced; it is never read live, only to rebuild. There
is no copying step before it: an entry costs one consume and one produce, and an event's outputs
are one hop from its intake topic.

Why aiokafka's transactions and not faust's `exactly_once`: faust picks the transactional producer
by the *destination* partition of each send, so outputs spread over four partitions of
`cases.provincial.v1` are not in the transaction that commits the source offsets. Here one
transactional id (`sanpalang-hub-correlate`) belongs to whichever worker the group
`sanpalang-hub-correlate` gives the lane partition (the lane is the lock, never consumed through
the group): a second worker waits, and when it takes over it fences the first (a zombie cannot
commit), replays the lane to its committed end to rebuild the state, publishing nothing, and reads
the sources on from the offsets committed with it. A crash anywhere loses nothing (uncommitted work
is redone) and doubles nothing (the aborted transaction's lane entries, outputs and offsets vanish
together).

A restart replays the lane from the last snapshot of the correlator (`snapshot`), not from its start.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

import schemas
from runtime.connection import KafkaConnection
from streams.aggregates import AggregateCounts, changed_tables
from streams.views.clock import HUB_CLOCK_HEADER, clock_header
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, CONSUMER_TOPICS, Correlator, Output
from streams.worker.lane import (ACTIONS_TOPIC, FLUSH, LANE_TOPIC, Refused, encoded, feed, intake_topics,
                                 refused_output, tick_value)
from streams.worker.metrics import WorkerMetrics
from streams.worker.reorder import REPLAY_WINDOW
from streams.worker.snapshot import Snapshot, SnapshotWriter, code_fingerprint, entry_digest, read_snapshot

__all__ = ["CorrelateLoop", "replay"]

log = logging.getLogger("sanpalang.worker.correlate")
GROUP = "sanpalang-hub-correlate"
TRANSACTIONAL_ID = "sanpalang-hub-correlate"
AGGREGATES_TOPIC, AGGREGATE = "reports.aggregates.v1", "sanpalang.hub.Aggregate"
FREEZE_SECONDS, FULL_COLLECTION_SECONDS = 10.0, 3600.0
_CONSUMER = frozenset(CONSUMER_TOPICS.values())     # their times are days (streams.privacy): no hub clock
TRIGGER_HEADER = "sanpalang-trigger-produced-ms"
"""On every output: when the intake event (or tick, or operator action) that caused it was produced,
epoch milliseconds; end-to-end latency for consumers and the pipeline benchmark."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One lane entry: from a source topic (intake event, operator action) or the owner's own (tick,
    flush, with `topic` the lane's); `timestamp` is when it was produced, epoch ms."""

    topic: str
    key: bytes | None
    value: bytes
    timestamp: int
    partition: int | None = None
    offset: int | None = None


async def replay(connection: KafkaConnection, correlator: Correlator, *, lane: str = LANE_TOPIC,
                 on_outputs: Callable[[list[Output]], None] | None = None, start: int = 0) -> int:
    """Feed every committed lane entry from offset `start` on to `correlator`; returns how many were
    fed. Called after the transactional producer fenced any previous owner, so the committed end
    does not move."""
    tp = TopicPartition(lane, 0)
    consumer = AIOKafkaConsumer(**connection.aiokafka(), isolation_level="read_committed",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    fed = 0
    try:
        consumer.assign([tp])
        if start:
            consumer.seek(tp, start)
        else:
            await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        while await consumer.position(tp) < end:
            for messages in (await consumer.getmany(tp, timeout_ms=500, max_records=2000)).values():
                for message in messages:
                    outputs = _safe_feed(correlator, message.value, f"lane offset {message.offset}")
                    if on_outputs is not None:
                        on_outputs(outputs)
                    fed += 1
    finally:
        await consumer.stop()
    return fed


async def lane_entry(connection: KafkaConnection, lane: str, offset: int) -> bytes | None:
    """The committed lane entry at `offset`, or None if the lane has none there."""
    tp = TopicPartition(lane, 0)
    consumer = AIOKafkaConsumer(**connection.aiokafka(), isolation_level="read_committed",
                                enable_auto_commit=False, group_id=None, max_partition_fetch_bytes=1 << 20)
    await consumer.start()
    try:
        consumer.assign([tp])
        first, end = (await consumer.beginning_offsets([tp]))[tp], (await consumer.end_offsets([tp]))[tp]
        if not first <= offset < end:
            return None
        consumer.seek(tp, offset)
        while await consumer.position(tp) <= offset:
            for messages in (await consumer.getmany(tp, timeout_ms=500, max_records=1)).values():
                for message in messages:
                    return message.value if message.offset == offset else None
        return None
    finally:
        await consumer.stop()


def _safe_feed(correlator: Correlator, value: bytes, where: str, topic: str = LANE_TOPIC) -> list[Output]:
    try:
        return feed(correlator, value, topic)
    except Refused:
        raise
    except Exception as err:  # a bug on one entry must not stop the hub; it is logged and counted
        log.error("the entry at %s could not be applied and was skipped: %s", where, err)
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
    """Runs while the worker runs; correlates while the group gives it the lane partition."""

    def __init__(self, connection: KafkaConnection, *, batch: int = 500, lane: str = LANE_TOPIC,
                 sources: list[str] | None = None, metrics: WorkerMetrics | None = None,
                 consumer_key: bytes | None = None, on_alert: Callable[[dict[str, Any]], None] | None = None,
                 tick_seconds: float | None = None, window: timedelta = REPLAY_WINDOW,
                 flush_seconds: float = 3.0, aggregate_seconds: float = 60.0,
                 snapshot_path: Path | None = None, snapshot_seconds: float = 300.0) -> None:
        self.connection, self.batch, self.lane = connection, batch, lane
        self.source_topics = sources if sources is not None else [*intake_topics(), ACTIONS_TOPIC]
        self.tick_seconds, self._last_tick = tick_seconds, 0.0
        self.window, self.flush_seconds, self._last_entry = window, flush_seconds, time.monotonic()
        self.consumer_key, self.on_alert = consumer_key, on_alert
        self.tp = TopicPartition(lane, 0)
        self.metrics = metrics or WorkerMetrics.shared()
        self.correlator: Correlator | None = None
        self.producer: AIOKafkaProducer | None = None
        self.sources: AIOKafkaConsumer | None = None
        self.aggregate_seconds, self._aggregated_at, self._views_changed = aggregate_seconds, 0.0, False
        self.aggregates = AggregateCounts()                  # kept as case views come
        self._published_tables: dict[str, dict[str, Any]] = {}
        self._frozen_at = self._collected_at = time.monotonic()
        self.fingerprint = code_fingerprint(consumer_key, window)
        self.snapshots = (SnapshotWriter(snapshot_path, snapshot_seconds)
                          if snapshot_path is not None and snapshot_seconds > 0 else None)
        self._lane_next: tuple[int, bytes] | None = None    # after the last commit: the lane's next offset, last entry
        self.in_flight = 0                                   # lane entries of the transaction under way

    async def run(self) -> None:
        listener = _Assignment()
        group = AIOKafkaConsumer(**self.connection.aiokafka(), group_id=GROUP, enable_auto_commit=False,
                                 auto_offset_reset="earliest")
        await group.start()
        group.subscribe([self.lane], listener=listener)
        try:
            while True:
                if listener.changed.is_set():
                    listener.changed.clear()
                    await self._drop_state()
                if self.tp not in group.assignment():
                    await group.getmany(timeout_ms=200)      # keeps the membership alive
                    continue
                group.pause(self.tp)                          # the lane is the lock; only the replay reads it
                await group.getmany(timeout_ms=0)             # a poll, or the group drops a busy member
                if self.correlator is None:
                    # The producer first: its transactional id fences a previous owner (aborting
                    # its open transaction) before the lane is replayed and the offsets are read.
                    self.producer = await self._start_producer()
                    await self._rebuild(group)
                await self._tick()
                await self._aggregate()
                if self.sources is None:
                    continue
                fetched = await self.sources.getmany(timeout_ms=200, max_records=self.batch)
                if fetched:
                    self._last_entry = time.monotonic()
                    entries = [Entry(m.topic, m.key, m.value, m.timestamp, m.partition, m.offset)
                               for ms in fetched.values() for m in ms]
                    # positions, not last offset + 1: they step over the sources' commit markers
                    offsets = {tp: await self.sources.position(tp) for tp in fetched}
                    await self._commit(entries, offsets)
                else:
                    await self._flush_when_idle()
                self._freeze_heap()
                self._snapshot()
        finally:
            await self._drop_state()
            await group.stop()
            if self.snapshots is not None:
                self.snapshots.close()

    def _freeze_heap(self, *, now: bool = False) -> None:
        """The correlator's state (matcher index, cases, rules) is a heap of long-lived objects; a
        full collection walked all of it and stopped the loop for 100-160 ms (measured with 700 open
        cases), the tail of the event-to-alert latency. Every `FREEZE_SECONDS` the young
        generations are collected and whatever survives is frozen, out of the collector's walks.
        Frozen objects are still freed by reference counting; cycles among them that became garbage
        wait for the one full collection every `FULL_COLLECTION_SECONDS`."""
        moment = time.monotonic()
        if not now and moment - self._frozen_at < FREEZE_SECONDS:
            return
        if moment - self._collected_at >= FULL_COLLECTION_SECONDS:
            gc.unfreeze()
            gc.collect()
            self._collected_at = moment
        else:
            gc.collect(1)
        gc.freeze()
        self._frozen_at = moment

    async def _tick(self) -> None:
        """Live: the wall clock onto the lane, by its owner only, so ticks are never doubled by workers."""
        if self.tick_seconds is None or time.monotonic() - self._last_tick < self.tick_seconds:
            return
        now = datetime.now(timezone.utc)
        await self._commit([Entry(self.lane, b"tick", tick_value(now), int(now.timestamp() * 1000))], {})
        self._last_tick = time.monotonic()

    async def _flush_when_idle(self) -> None:
        """Events held for event-time order are correlated once the sources have been quiet for
        `flush_seconds`: a `flush` entry, so a replay releases them at the same place."""
        if self.correlator is None or not len(self.correlator.buffer):
            return
        if time.monotonic() - self._last_entry < self.flush_seconds:
            return
        await self._commit([Entry(self.lane, b"flush", FLUSH, int(time.time() * 1000))], {})
        self._last_entry = time.monotonic()

    async def _commit(self, entries: list[Entry], offsets: dict[TopicPartition, int]) -> None:
        """Correlate `entries`; the entries onto the lane, their outputs and the sources' `offsets`
        in one transaction. Aborted: the state is dropped and rebuilt from what was committed."""
        if self.correlator is None or self.producer is None:
            return
        producer = self.producer
        outputs: list[Output] = []
        sends: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []
        admitted: list[Entry] = []
        for entry in entries:
            try:
                made = _safe_feed(self.correlator, entry.value, f"{entry.topic} ({entry.key!r})", entry.topic)
            except Refused as refused:        # not what its topic carries: dead-lettered, never on the lane
                log.warning("refused %s partition %s offset %s: %s", entry.topic, entry.partition, entry.offset, refused)
                made = [refused_output(entry.topic, entry.partition, entry.offset, entry.value, entry.timestamp, refused)]
            else:
                admitted.append(entry)
            outputs += made
            produced = [(TRIGGER_HEADER, str(entry.timestamp).encode())]
            sends += [(topic, key, value, produced) for topic, key, value, _ in encoded(made)]
        if self.correlator.now is not None:      # the hub clock these outputs were decided at (views.clock),
            mode = "wall" if self.correlator.wall_at is not None else "event"      # not for consumers: on event
            clock = (HUB_CLOCK_HEADER, clock_header(self.correlator.now, mode))  # time it is an event's time
            sends = [(topic, key, value, headers if topic in _CONSUMER else [*headers, clock])
                     for topic, key, value, headers in sends]
        self.in_flight = len(entries)
        try:
            async with producer.transaction():
                for entry in admitted:
                    on_lane = await producer.send(self.lane, entry.value, key=entry.key, timestamp_ms=entry.timestamp)
                for topic, key, value, headers in sends:
                    await producer.send(topic, value=value, key=key, headers=headers)
                if offsets:
                    await producer.send_offsets_to_transaction(offsets, GROUP)
            if admitted:
                self._lane_next = ((await on_lane).offset + 1, admitted[-1].value)
                written = self.snapshots.written if self.snapshots is not None else 0
                self.metrics.replay_backlog.set(self._lane_next[0] - written)
        except KafkaError as err:                          # fenced or broker gone: rebuilt when ours again
            log.warning("transaction of %d entries aborted (%s); redoing from the last commit", len(entries), err)
            await self._drop_state()
            return
        finally:
            self.in_flight = 0
        self._count(outputs)
        self.metrics.committed(admitted, outputs)
        if self.on_alert is not None:
            for output in outputs:
                if output.topic == ALERTS_TOPIC:
                    self.on_alert(output.record)

    def _snapshot(self) -> None:
        """Between commits the correlator's state is that of the lane up to its end (only `_commit`
        feeds it)."""
        if self.snapshots is None or self._lane_next is None or self.correlator is None:
            return
        offset, last = self._lane_next
        if offset == self.snapshots.offset or not self.snapshots.due():
            return
        self.snapshots.write(Snapshot(self.fingerprint, self.lane, offset, entry_digest(last), self.correlator,
                                      self.aggregates))

    async def _restored(self) -> Snapshot | None:
        """The last snapshot, if it is one of this lane's committed states made by this code."""
        if self.snapshots is None:
            return None
        snapshot = read_snapshot(self.snapshots.path, self.fingerprint, self.lane, self.consumer_key)
        if snapshot is None:
            return None
        last = await lane_entry(self.connection, self.lane, snapshot.next_offset - 1)
        if last is None or entry_digest(last) != snapshot.last_entry_digest:
            log.warning("the snapshot %s does not match the lane (it was made on another or a recreated "
                        "lane); replaying the whole lane", self.snapshots.path)
            return None
        return snapshot

    def _count(self, outputs: list[Output]) -> None:
        for output in outputs:
            if output.topic == CASES_TOPIC:
                self.aggregates.add(output.record)
                self._views_changed = True

    async def _aggregate(self) -> None:
        """CTDC-style de-identified tables (k >= 11) of every case on `reports.aggregates.v1`,
        only those whose counts changed, at most every `aggregate_seconds`."""
        if self.producer is None or not self._views_changed or \
                time.monotonic() - self._aggregated_at < self.aggregate_seconds:
            return                                        # (no producer: a failed tick dropped the state)
        tables = changed_tables(self._published_tables, self.aggregates.tables())
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
        # retry_backoff_ms: a transaction begun while the broker still writes the last one's
        # markers is refused (CONCURRENT_TRANSACTIONS) and retried after this; at aiokafka's 100 ms
        # default that wait was the p99 of every transaction (bare transactions of four sends and
        # an offset, one every 20 ms, p99: 150 ms at 100, 17-40 ms at 10, 13-19 ms at 2).
        producer = AIOKafkaProducer(**self.connection.aiokafka(), transactional_id=TRANSACTIONAL_ID,
                                    enable_idempotence=True, acks="all", linger_ms=0, retry_backoff_ms=2)
        await producer.start()
        return producer

    async def _drop_state(self) -> None:
        """Forget everything not committed: state is rebuilt from the lane when the partition is ours."""
        self.correlator = None
        if self.sources is not None:
            sources, self.sources = self.sources, None
            await sources.stop()
        if self.producer is not None:
            producer, self.producer = self.producer, None
            try:
                await producer.stop()
            except KafkaError as err:
                log.info("stopping a fenced producer: %s", err)

    async def _rebuild(self, group: AIOKafkaConsumer) -> None:
        started = time.perf_counter()
        self._lane_next = None
        snapshot = await self._restored()
        if snapshot is None:
            self.correlator, start = Correlator(consumer_key=self.consumer_key, window=self.window), 0
            self.aggregates = AggregateCounts()
        else:
            self.correlator, start, self.aggregates = snapshot.correlator, snapshot.next_offset, snapshot.aggregates
            self.snapshots.written = start
        fed = await replay(self.connection, self.correlator, lane=self.lane, on_outputs=self._count, start=start)
        self.sources = await self._start_sources(group)
        self._collected_at = 0.0                          # a full collection, then the state frozen
        self._freeze_heap(now=True)
        log.info("correlator rebuilt from %s and %d lane entries in %.1f s",
                 f"a snapshot at lane offset {start}" if snapshot else "nothing", fed, time.perf_counter() - started)

    async def _start_sources(self, group: AIOKafkaConsumer) -> AIOKafkaConsumer:
        """The intake topics and operator actions, each partition from the offset committed with
        the lane entries it became."""
        # fetch_max_wait_ms: with every partition on one broker, a partition just drained is not
        # fetched again until the broker answers the long poll for the others; at the 500 ms
        # default an event on it waited for that.
        sources = AIOKafkaConsumer(**self.connection.aiokafka(), group_id=None, enable_auto_commit=False,
                                   isolation_level="read_committed", auto_offset_reset="earliest",
                                   fetch_max_wait_ms=20)
        await sources.start()
        assert self.producer is not None                   # its partitions_for waits for the metadata
        tps = [TopicPartition(topic, p) for topic in self.source_topics
               for p in sorted(await self.producer.partitions_for(topic))]
        sources.assign(tps)
        for tp in tps:
            committed = await group.committed(tp)
            if committed is None:
                await sources.seek_to_beginning(tp)
            else:
                sources.seek(tp, committed)
        return sources
