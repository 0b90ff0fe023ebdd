"""The correlate loop: intake events and operator actions straight from their topics through the
`Correlator`; the entries as the lane records them, their outputs and the source offsets in one
Kafka transaction (`checkpoint`). The lane (`sanpalang-hub-lane`, one partition) is the order the
correlator decided in; it is never read live, only to rebuild (`replay`).

The group `sanpalang-hub-correlate` is the lock: whichever worker it gives the lane partition owns
the transactional id; a second worker waits, and when it takes over it fences the first (a zombie
cannot commit), rebuilds the state from the lane's committed entries, publishing nothing, and reads
the sources on from the offsets committed with them (docs/decisions/002-worker-loop-and-faust.md).
Between batches the owner writes its own lane entries (`ticks`), publishes the aggregates
(`aggregating`) and starts a snapshot when one is due.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import IllegalOperation, KafkaError

from streams.worker import aggregating
from streams.worker.aggregating import Aggregating
from streams.worker.batch import Entry, correlate, triggered_at
from streams.worker.checkpoint import Checkpoint
from streams.worker.clients import WorkerClients
from streams.worker.locks import Assignment
from streams.worker.metrics import WorkerMetrics
from streams.worker.outputs import ALERTS_TOPIC
from streams.worker.reorder import REPLAY_WINDOW
from streams.worker.replay import rebuild
from streams.worker.snapshot import Snapshot, SnapshotWriter, code_fingerprint, entry_digest
from streams.worker.stages import JOINED, Stage
from streams.worker.ticks import HeapFreezer, Pace, flush, tick

__all__ = ["CorrelateLoop"]

log = logging.getLogger("sanpalang.worker.loop")
ABORTED = (KafkaError, IllegalOperation)
"""A transaction that did not commit: fenced, the broker gone, or (IllegalOperation) a producer
fenced by a new owner while this one still sent: aiokafka then refuses the sends themselves."""


class CorrelateLoop:
    """Runs while the worker runs; correlates while the group gives it the lane partition."""

    def __init__(self, clients: WorkerClients, *, stage: Stage = JOINED, batch: int = 500,
                 sources: list[str] | None = None, metrics: WorkerMetrics | None = None,
                 consumer_key: bytes | None = None, on_alert: Callable[[dict[str, Any]], None] | None = None,
                 tick_seconds: float | None = None, window: timedelta = REPLAY_WINDOW,
                 flush_seconds: float = 3.0, aggregate_seconds: float = 60.0,
                 snapshot_path: Path | None = None, snapshot_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clients, self.stage, self.batch = clients, stage, batch
        self.lane, self.tp = stage.lane, TopicPartition(stage.lane, 0)
        self.source_topics = sources if sources is not None else list(stage.sources)
        self.consumer_key, self.window, self.on_alert = consumer_key, window, on_alert
        self.metrics = metrics or WorkerMetrics.shared()
        self.ticks = Pace(tick_seconds, clock, started=False) if tick_seconds is not None and stage.keeps_clock else None
        self.idle = Pace(flush_seconds, clock)
        self.aggregating = Aggregating(aggregate_seconds, clock)
        self.freeze_heap = HeapFreezer(clock)
        self.fingerprint = code_fingerprint(consumer_key, window, stage.name)
        self.snapshots = (SnapshotWriter(snapshot_path, snapshot_seconds)
                          if snapshot_path is not None and snapshot_seconds > 0 else None)
        self.correlator: Any = None          # the stage's state machine; None: not ours, or dropped after an abort
        self.checkpoint: Checkpoint | None = None
        self.sources: Any = None
        self._lane_next: tuple[int, bytes] | None = None    # after the last commit: the lane's next offset, last entry
        self.assignment = Assignment()

    @property
    def in_flight(self) -> int:
        """Lane entries of the transaction under way."""
        return self.checkpoint.in_flight if self.checkpoint is not None else 0

    async def run(self, group: Any = None) -> None:
        """Turns until cancelled; `group`: a member shared with the other stage's loop (else its own)."""
        own = group is None
        if own:
            group = await self.clients.lane_group([self.lane], self.assignment)
        try:
            while True:
                await self.turn(group)
        finally:
            await self._drop_state()
            if own:
                await group.stop()
            if self.snapshots is not None:
                self.snapshots.close()

    async def turn(self, group: Any) -> None:
        """One pass: keep the membership alive; if the lane is ours, take over if need be, then one
        batch from the sources (or a tick, an idle flush, the aggregates, a snapshot when due)."""
        if self.assignment.changed.is_set():
            self.assignment.changed.clear()
            await self._drop_state()
        if self.tp not in group.assignment():
            await group.getmany(timeout_ms=200)      # keeps the membership alive
            return
        group.pause(self.tp)                          # the lane is the lock; only the replay reads it
        await group.getmany(timeout_ms=0)             # a poll, or the group drops a busy member
        if self.correlator is None:
            await self._take_over(group)
            if self.assignment.changed.is_set():     # dealt again while it rebuilt: ours no more, perhaps
                return
        if self.ticks is not None and self.ticks.due():
            await self._commit([tick(self.lane)], {})
            self.ticks.reset()
        await self._aggregate()
        if self.sources is None:
            return
        fetched = await self.sources.getmany(timeout_ms=200, max_records=self.batch)
        if fetched:
            self.idle.reset()
            own = not self.stage.writes_lane           # its source is the hub's own hand-over topic
            entries = [Entry(m.topic, m.key, m.value, triggered_at(m) if own else m.timestamp, m.partition, m.offset)
                       for ms in fetched.values() for m in ms]
            # positions, not last offset + 1: they step over the sources' commit markers
            offsets = {tp: await self.sources.position(tp) for tp in fetched}
            await self._commit(entries, offsets)
        elif self.stage.keeps_clock and self.correlator is not None and len(self.correlator.buffer) \
                and self.idle.due():
            await self._commit([flush(self.lane)], {})
            self.idle.reset()
        self.freeze_heap()
        self._snapshot()

    async def _commit(self, entries: list[Entry], offsets: dict[TopicPartition, int]) -> None:
        """Correlate `entries` and commit them (`Checkpoint`). Aborted: the state is dropped and
        rebuilt from what was committed."""
        if self.correlator is None or self.checkpoint is None:
            return
        batch = correlate(self.correlator, entries, self.stage.feed)
        try:
            next_offset = await self.checkpoint.commit(batch.admitted if self.stage.writes_lane else [], batch.sends,
                                                       offsets)
        except ABORTED as err:                             # fenced or broker gone: rebuilt when ours again
            log.warning("transaction of %d entries aborted (%s); redoing from the last commit", len(entries), err)
            await self._drop_state()
            return
        if not self.stage.writes_lane and batch.admitted:       # its source is its lane
            next_offset = batch.admitted[-1].offset + 1
        if next_offset is not None:
            self._lane_next = (next_offset, batch.admitted[-1].value)
            self.metrics.replay_backlog.set(next_offset - (self.snapshots.written if self.snapshots else 0))
        self.aggregating.count(batch.outputs)
        self.metrics.committed(batch.admitted, batch.outputs)
        if self.on_alert is not None and self.stage.counts_cases:
            for output in batch.outputs:
                if output.topic == ALERTS_TOPIC:
                    self.on_alert(output.record)

    async def _aggregate(self) -> None:
        tables = self.aggregating.due() if self.checkpoint is not None and self.stage.counts_cases else None
        if tables is None:                             # (no checkpoint: a failed tick dropped the state)
            return
        try:
            await self.checkpoint.commit([], aggregating.sends(tables))
        except ABORTED as err:
            log.warning("could not publish the aggregates (%s)", err)
            await self._drop_state()
            return
        self.aggregating.published(tables)

    def _snapshot(self) -> None:
        """Between commits the correlator's state is that of the lane up to its end (only `_commit`
        feeds it)."""
        if self.snapshots is None or self._lane_next is None or self.correlator is None:
            return
        offset, last = self._lane_next
        if offset == self.snapshots.offset or not self.snapshots.due():
            return
        self.snapshots.write(Snapshot(self.fingerprint, self.lane, offset, entry_digest(last), self.correlator,
                                      self.aggregating.counts))

    async def _take_over(self, group: Any) -> None:
        started = time.perf_counter()
        # The producer first: its transactional id fences a previous owner (aborting its open
        # transaction) before the lane is replayed and the offsets are read.
        self.checkpoint = Checkpoint(await self.clients.transactional_producer(self.stage.transactional_id), self.lane)
        self._lane_next = None
        end = None if self.stage.writes_lane else (await group.committed(self.tp) or 0)   # its input: as far as it went
        rebuilt = await rebuild(self.clients, self.lane, consumer_key=self.consumer_key, window=self.window,
                                snapshot_path=self.snapshots.path if self.snapshots else None,
                                fingerprint=self.fingerprint, machine=self.stage.machine, apply=self.stage.feed,
                                end=end)
        if rebuilt.snapshot_offset is not None and self.snapshots is not None:
            self.snapshots.written = rebuilt.snapshot_offset
        self.correlator = rebuilt.correlator
        self.aggregating.restart(rebuilt.aggregates, rebuilt.cases_changed)
        self.sources = await self._start_sources(group)
        self.freeze_heap(now=True, full=True)           # a full collection, then the state frozen
        self.metrics.lane_owned.labels(self.stage.name).set(1)
        log.info("%s stage rebuilt from %s and %d lane entries in %.1f s", self.stage.name,
                 f"a snapshot at lane offset {rebuilt.snapshot_offset}" if rebuilt.snapshot_offset is not None
                 else "nothing", rebuilt.fed, time.perf_counter() - started)

    async def _start_sources(self, group: Any) -> Any:
        """The intake topics and operator actions, each partition from the offset committed with
        the lane entries it became."""
        sources = await self.clients.sources()
        assert self.checkpoint is not None                 # its producer's partitions_for waits for the metadata
        tps = [TopicPartition(topic, p) for topic in self.source_topics
               for p in sorted(await self.checkpoint.producer.partitions_for(topic))]
        sources.assign(tps)
        for tp in tps:
            committed = await group.committed(tp)
            if committed is None:
                await sources.seek_to_beginning(tp)
            else:
                sources.seek(tp, committed)
        return sources

    async def _drop_state(self) -> None:
        """Forget everything not committed: state is rebuilt from the lane when the partition is ours."""
        self.correlator = None
        self.metrics.lane_owned.labels(self.stage.name).set(0)
        if self.sources is not None:
            sources, self.sources = self.sources, None
            await sources.stop()
        if self.checkpoint is not None:
            producer, self.checkpoint = self.checkpoint.producer, None
            try:
                await producer.stop()
            except KafkaError as err:
                log.info("stopping a fenced producer: %s", err)
