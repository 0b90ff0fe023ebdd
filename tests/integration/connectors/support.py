"""Helpers of the connector integration tests: run a source against a real broker, read what landed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

import schemas
from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher
from connectors.sources import SourceContext


@dataclass
class Landed:
    """This test's messages on intake and DLQ (read committed, from the beginning)."""

    events: list[dict] = field(default_factory=list)
    letters: list[dict] = field(default_factory=list)

    @property
    def event_ids(self) -> Counter:
        return Counter(e["envelope"]["source"]["record_id"] for e in self.events)

    def count_per_record(self, record_id_in_letter: Callable[[dict], str]) -> Counter:
        """How often each source record ended in intake or DLQ (an event or a dead letter each)."""
        counts = Counter(self.event_ids)
        counts.update(record_id_in_letter(letter) for letter in self.letters)
        return counts


async def read_landed(connection, agency: str, prefix: str) -> Landed:
    topics = [f"intake.{agency}.v1", f"dlq.{agency}.v1"]
    consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False,
                                **connection.aiokafka())
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await _settled_ends(connection, consumer, partitions)
        landed = Landed()
        needle = prefix.encode()
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for tp, messages in (await consumer.getmany(timeout_ms=1000, max_records=5000)).items():
                for message in messages:
                    if needle not in message.value and needle not in (message.key or b""):
                        continue
                    _, record = schemas.decode(message.value)
                    (landed.letters if tp.topic.startswith("dlq.") else landed.events).append(record)
        return landed
    finally:
        await consumer.stop()


async def _settled_ends(connection, committed: AIOKafkaConsumer, partitions: list[TopicPartition],
                        timeout_s: float = 30.0) -> dict[TopicPartition, int]:
    """The read-committed ends once no transaction is half-marked. A commit returns when the
    coordinator has decided it; the markers reach the partitions a moment later, one by one, and
    until then a partition's last stable offset stops short of the transaction's records. Reading
    at that moment would see part of a transaction, so wait until every last stable offset equals
    the partition's high watermark (no transaction in flight: the tests read after their sources)."""
    everything = AIOKafkaConsumer(isolation_level="read_uncommitted", enable_auto_commit=False,
                                  **connection.aiokafka())
    await everything.start()
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            stable = await committed.end_offsets(partitions)
            if stable == await everything.end_offsets(partitions) or time.monotonic() > deadline:
                return stable
            await asyncio.sleep(0.05)
    finally:
        await everything.stop()


def landed(connection, agency: str, prefix: str) -> Landed:
    return asyncio.run(read_landed(connection, agency, prefix))


@contextlib.asynccontextmanager
async def running(connection, agency: str, instance: str, mapper, make_source):
    """A publisher and one source running in this loop; yields (source, publisher, metrics)."""
    metrics = ConnectorMetrics(agency)
    publisher = Publisher(connection, agency, instance, metrics, max_backoff_s=1.0)
    await publisher.start()
    source = make_source(SourceContext(agency, mapper, publisher, metrics))
    task = asyncio.create_task(source.run())
    try:
        yield source, publisher, metrics
    finally:
        await source.stop()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.stop()
    if task.done() and not task.cancelled() and task.exception():
        raise task.exception()


async def eventually(condition: Callable[[], bool], timeout_s: float, what: str, step_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(step_s)
