"""The receipts of sibling processes: an HTTP intake shared by N processes follows its receipts topic.

Behind one port (``SO_REUSEPORT``) a retried request may reach another child than the one that
answered it first. Each child therefore reads ``receipts.<agency>.v1`` continuously (read
committed) instead of only once at start, and before it treats an Idempotency-Key as new it
catches up to the topic's end as it is at that moment (``caught_up``): a receipt committed by a
sibling before the retry arrived is then known, so the retry gets the first answer and nothing is
published twice. Costs one ListOffsets round trip per keyed request not known locally.

A retry arriving while the first request is still under way in a sibling waits for that request's
claim on the key (`http_claims`), then finds its receipt here.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord, TopicPartition

from runtime.connection import KafkaConnection

__all__ = ["ReceiptsFollower"]


class ReceiptsFollower:
    """Hands every committed message of ``topic`` to ``learn``, from the beginning, until stopped."""

    def __init__(self, connection: KafkaConnection, topic: str, learn: Callable[[ConsumerRecord], None]) -> None:
        self._connection, self._topic, self._learn = connection, topic, learn
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []
        self._fetched = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start following; returns once everything committed so far was handed over."""
        self._consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False,
                                          **self._connection.aiokafka())
        await self._consumer.start()
        await self._consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        ids = self._consumer.partitions_for_topic(self._topic)
        if not ids:
            raise RuntimeError(f"topic {self._topic} does not exist: run `sanpalang topics apply`")
        self._partitions = [TopicPartition(self._topic, p) for p in sorted(ids)]
        self._consumer.assign(self._partitions)
        await self._consumer.seek_to_beginning(*self._partitions)
        self._task = asyncio.create_task(self._follow(), name=f"follow-{self._topic}")
        await self.caught_up()

    async def caught_up(self) -> None:
        """Return once every message committed before this call was handed over."""
        consumer = self._consumer
        assert consumer is not None and self._task is not None
        ends = await consumer.end_offsets(self._partitions)
        while [tp for tp in self._partitions if await consumer.position(tp) < ends[tp]]:
            if self._task.done():
                self._task.result()       # the follower failed: say why
            self._fetched.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    await self._fetched.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()

    async def _follow(self) -> None:
        assert self._consumer is not None
        while True:
            for records in (await self._consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    self._learn(record)
            self._fetched.set()
