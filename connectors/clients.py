"""Two things aiokafka does not do for the publisher: read a small topic back whole (its
checkpoints and commit markers, the HTTP receipts), and stop a producer within a bound."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord, TopicPartition

from runtime.connection import KafkaConnection

__all__ = ["read_committed", "stop_producer"]

log = logging.getLogger(__name__)


async def read_committed(connection: KafkaConnection, topic: str) -> list[ConsumerRecord]:
    """Every committed message of ``topic`` from the beginning, in order within each partition."""
    consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False, **connection.aiokafka())
    await consumer.start()
    try:
        ids = consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)
        partitions = [TopicPartition(topic, p) for p in sorted(ids)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[ConsumerRecord] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(records)
        return found
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    ids = consumer.partitions_for_topic(topic)
    if not ids:
        raise RuntimeError(f"topic {topic} does not exist: run `sanpalang topics apply`")
    return ids


async def stop_producer(producer: AIOKafkaProducer, timeout_s: float) -> None:
    """Stop ``producer`` within ``timeout_s``. With the broker away ``stop()`` waits for ever for
    unsent batches to flush; its sender and client are then closed without them (aiokafka has no
    public way: a sender left running wakes up fenced once the broker is back, and logs so)."""
    try:
        async with asyncio.timeout(timeout_s / 2):   # not wait_for: see publisher._commit_until_done
            await producer.stop()
        return
    except (KafkaError, OSError, asyncio.TimeoutError):
        log.debug("producer did not stop cleanly", exc_info=True)
    try:
        async with asyncio.timeout(timeout_s / 2):
            if producer._sender is not None:  # noqa: SLF001
                await producer._sender.close()  # noqa: SLF001
            await producer.client.close()
    except (KafkaError, OSError, asyncio.TimeoutError):
        log.debug("producer's sender did not close", exc_info=True)
