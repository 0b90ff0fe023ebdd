"""intake.<agency>.v1 -> the person directory (`console.names`): a small lifecycle class.

No consumer group: the offsets live in the console's own table, written in the same transaction
as the entries they produced, so the directory is exactly as far as its offsets say. A topic that
does not exist yet (an agency not connected) is skipped with a warning and picked up at the next
start. Read-committed: a connector's aborted batch never names anyone.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping

import schemas
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from sqlalchemy.engine import Engine

from console.directory import PersonEntry, entries_of
from console.names import stored_offsets, write_entries
from console.roles import AGENCIES
from runtime.connection import KafkaConnection

__all__ = ["DirectoryFeed", "INTAKE_TOPICS"]

log = logging.getLogger(__name__)
INTAKE_TOPICS = tuple(f"intake.{agency}.v1" for agency in AGENCIES)


def _agency_of(topic: str) -> str | None:
    """The agency a topic's name names (`intake.police.v1`, a test's `...-intake-police`)."""
    named = [part for part in re.split(r"[.-]", topic) if part in AGENCIES]
    return named[-1] if named else None


class DirectoryFeed:
    def __init__(self, connection: KafkaConnection, topics: tuple[str, ...], engine: Engine,
                 agencies: Mapping[str, str] | None = None) -> None:
        """``agencies``: the agency each topic belongs to (default: the agency its name names, as in
        `intake.<agency>.v1`); a record is admitted only when it is that agency's event (issue 11:
        a record is what its topic says)."""
        self.connection, self.topics, self.engine = connection, topics, engine
        self.agencies = dict(agencies) if agencies is not None else {t: _agency_of(t) for t in topics}
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        stored = await asyncio.to_thread(self._offsets)
        # A partition without a stored offset starts at the beginning by the reset policy; one with
        # a stored offset is positioned right after `assign`, with no await in between, so that the
        # consumer's own reset cannot overtake the seek.
        consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False, group_id=None,
                                    auto_offset_reset="earliest", **self.connection.aiokafka())
        await consumer.start()
        try:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
            partitions = []
            for topic in self.topics:
                ids = consumer.partitions_for_topic(topic)
                if not ids:
                    log.warning("person directory: topic %s does not exist yet; skipped until the next start", topic)
                    continue
                partitions += [TopicPartition(topic, p) for p in sorted(ids)]
            if partitions:
                consumer.assign(partitions)
                for tp in partitions:
                    if (tp.topic, tp.partition) in stored:
                        consumer.seek(tp, stored[(tp.topic, tp.partition)])
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        if partitions:
            self._task = asyncio.create_task(self._run(), name="console-person-directory")

    def _offsets(self) -> dict[tuple[str, int], int]:
        with self.engine.connect() as conn:
            return stored_offsets(conn, self.topics)

    def _write(self, entries: list[PersonEntry], offsets: dict[tuple[str, int], int]) -> None:
        with self.engine.begin() as conn:
            write_entries(conn, entries, offsets)

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=2000)
            except KafkaError:
                log.warning("person directory: broker error, retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            entries: list[PersonEntry] = []
            offsets: dict[tuple[str, int], int] = {}
            for tp, records in batches.items():
                for record in records:
                    offsets[(tp.topic, tp.partition)] = record.offset + 1
                    if record.value is None:
                        continue
                    agency = self.agencies.get(tp.topic)
                    try:
                        name, event = schemas.decode(record.value)
                        if agency is None or not name.startswith(f"sanpalang.{agency}."):   # not this topic's
                            log.warning("person directory: %s record refused on %s/%s@%s", name, tp.topic,
                                        tp.partition, record.offset)
                            continue
                        entries += entries_of(event, agency)
                    except (schemas.CodecError, KeyError, TypeError):
                        log.warning("person directory: unreadable event at %s/%s@%s", tp.topic, tp.partition,
                                    record.offset)
            if offsets:
                await self._store(entries, offsets)

    async def _store(self, entries: list[PersonEntry], offsets: dict[tuple[str, int], int]) -> None:
        """Write until it works: the batch is not lost to a locked database or a restarting server
        (the consumer's position already moved past it)."""
        while True:
            try:
                await asyncio.to_thread(self._write, entries, offsets)
                log.debug("person directory: %d entries stored, offsets %s", len(entries), offsets)
                return
            except Exception:
                log.exception("person directory: could not store %d entries; retrying", len(entries))
                await asyncio.sleep(1)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
