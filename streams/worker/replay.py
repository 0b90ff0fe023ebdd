"""Rebuilding the correlator from the lane: the last snapshot if it is one of this lane's committed
states, then every committed lane entry after it, publishing nothing.

Called only after the transactional producer fenced any previous owner, so the committed end of
the lane does not move while it is read. A rebuild can take minutes (a snapshot of a gigabyte, a
long lane on a loaded machine); the event loop keeps running meanwhile, so the lane group's
heartbeats go out and the worker keeps the lane it is rebuilding: the snapshot is read in a thread
and the replay yields every `YIELD_EVERY` entries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition

from streams.aggregates import AggregateCounts
from streams.worker.aggregating import count_cases
from streams.worker.batch import Feed, safe_feed
from streams.worker.clients import WorkerClients
from streams.worker.correlator import Correlator
from streams.worker.lane import Refused, feed
from streams.worker.outputs import Output
from streams.worker.snapshot import Snapshot, entry_digest, read_snapshot

__all__ = ["Rebuilt", "rebuild", "replay", "lane_entry"]

log = logging.getLogger("sanpalang.worker.replay")
YIELD_EVERY = 50


@dataclass
class Rebuilt:
    correlator: Any                      # the stage's state machine
    aggregates: AggregateCounts
    snapshot_offset: int | None          # the lane offset the snapshot was taken at, None: no snapshot
    fed: int                             # lane entries replayed after it
    cases_changed: bool                  # the replayed entries changed case views (the aggregates)


async def rebuild(clients: WorkerClients, lane: str, *, consumer_key: bytes | None, window: timedelta,
                  snapshot_path: Path | None, fingerprint: str, machine: Callable[..., Any] = Correlator,
                  apply: Feed = feed, end: int | None = None) -> Rebuilt:
    """The state the lane's committed entries (before `end`, if given) give, with the aggregates'
    counts of its case views; `machine` makes a stage's fresh state, `apply` feeds it an entry."""
    snapshot = await restored(clients, lane, snapshot_path, fingerprint, consumer_key) if snapshot_path else None
    if snapshot is None:
        correlator, aggregates, start = machine(consumer_key=consumer_key, window=window), AggregateCounts(), 0
    else:
        correlator, aggregates, start = snapshot.correlator, snapshot.aggregates, snapshot.next_offset
    changed = False

    def count(outputs: list[Output]) -> None:
        nonlocal changed
        changed = count_cases(aggregates, outputs) or changed

    fed = await replay(clients, correlator, lane=lane, on_outputs=count, start=start, apply=apply, end=end)
    return Rebuilt(correlator, aggregates, start if snapshot is not None else None, fed, changed)


async def restored(clients: WorkerClients, lane: str, path: Path, fingerprint: str,
                   consumer_key: bytes | None) -> Snapshot | None:
    """The snapshot at `path`, if it is one of this lane's committed states made by this code."""
    snapshot = await asyncio.to_thread(read_snapshot, path, fingerprint, lane, consumer_key)
    if snapshot is None:
        return None
    last = await lane_entry(clients, lane, snapshot.next_offset - 1)
    if last is None or entry_digest(last) != snapshot.last_entry_digest:
        log.warning("the snapshot %s does not match the lane (it was made on another or a recreated "
                    "lane); replaying the whole lane", path)
        return None
    return snapshot


async def replay(clients: WorkerClients, correlator: Any, *, lane: str,
                 on_outputs: Callable[[list[Output]], None] | None = None, start: int = 0,
                 apply: Feed = feed, end: int | None = None) -> int:
    """Feed every committed lane entry from offset `start` on (to `end`, else to the lane's end) to
    `correlator`; returns how many were fed. An entry its stage refuses (a lane that is a stage's
    input: it was dead-lettered when it came) is passed over again."""
    tp = TopicPartition(lane, 0)
    consumer = await clients.lane_reader()
    fed = 0
    try:
        consumer.assign([tp])
        if start:
            consumer.seek(tp, start)
        else:
            await consumer.seek_to_beginning(tp)
        if end is None:
            end = (await consumer.end_offsets([tp]))[tp]
        while await consumer.position(tp) < end:
            for messages in (await consumer.getmany(tp, timeout_ms=500, max_records=2000)).values():
                for message in messages:
                    if message.offset >= end:
                        break
                    try:
                        outputs = safe_feed(correlator, message.value, f"lane offset {message.offset}", lane, apply)
                    except Refused:
                        continue
                    if on_outputs is not None:
                        on_outputs(outputs)
                    fed += 1
                    if fed % YIELD_EVERY == 0:
                        await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return fed


async def lane_entry(clients: WorkerClients, lane: str, offset: int) -> bytes | None:
    """The committed lane entry at `offset`, or None if the lane has none there."""
    tp = TopicPartition(lane, 0)
    consumer = await clients.lane_reader(max_partition_fetch_bytes=1 << 20)
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
