"""Handing a transaction's messages to the producer a record batch per partition, not a call per message.

``AIOKafkaProducer.send`` costs some 15-20 us a message in Python (metadata wait, partitioning
that rebuilds the partition lists, a future per message, the accumulator's bookkeeping), about as
much as mapping a small record. ``create_batch``/``send_batch`` fill aiokafka's own record batch
builder instead, one future per batch. What reaches the broker is what ``send`` would have sent:
the same partition for each key (the producer's own partitioner over the same partition list),
the same order within a partition, the same (current) timestamps, and, being inside the caller's
transaction, the same all-or-nothing commit (aiokafka flushes every batch before the commit).
A message too big to share a batch goes through ``send`` itself, so its size check and its error
stay exactly as they were.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterable, Sequence

from aiokafka import AIOKafkaProducer

from connectors.records import Publication

__all__ = ["LARGE_MESSAGE_BYTES", "Partitioner", "send_publications", "settle_quietly"]

LARGE_MESSAGE_BYTES = 64 * 1024
Partitioner = Callable[[bytes | None, list[int], list[int]], int]


async def send_publications(producer: AIOKafkaProducer, partitioner: Partitioner,
                            publications: Iterable[Publication]) -> list[asyncio.Future[Any]]:
    """Queue ``publications`` in order on ``producer`` (inside its open transaction); the futures
    of the batches (and of any large message) sent. ``partitioner`` must be the producer's own."""
    futures: list[asyncio.Future[Any]] = []
    partitions: dict[str, tuple[list[int], list[int]]] = {}
    builders: dict[tuple[str, int], Any] = {}

    async def flush(topic: str, partition: int) -> None:
        builder = builders.pop((topic, partition), None)
        if builder is not None:
            futures.append(await producer.send_batch(builder, topic, partition=partition))

    try:
        for p in publications:
            lists = partitions.get(p.topic)
            if lists is None:
                # what send() passes its partitioner: list(set) of all, and of available, partitions
                await producer.partitions_for(p.topic)
                metadata = producer.client.cluster
                lists = partitions[p.topic] = (list(metadata.partitions_for_topic(p.topic)),
                                               list(metadata.available_partitions_for_topic(p.topic)))
            partition = partitioner(p.key, *lists)
            headers = list(p.headers)
            if len(p.value) + len(p.key) > LARGE_MESSAGE_BYTES:
                await flush(p.topic, partition)
                futures.append(await producer.send(p.topic, p.value, key=p.key, partition=partition,
                                                   headers=headers or None))
                continue
            builder = builders.get((p.topic, partition))
            if builder is None:
                builder = builders[(p.topic, partition)] = producer.create_batch()
            if builder.append(timestamp=None, key=p.key, value=p.value, headers=headers) is None:
                await flush(p.topic, partition)   # full: send it, start the next one
                builder = builders[(p.topic, partition)] = producer.create_batch()
                builder.append(timestamp=None, key=p.key, value=p.value, headers=headers)
        for topic, partition in list(builders):
            await flush(topic, partition)
    except BaseException:
        settle_quietly(futures)   # the caller sees the error itself
        raise
    return futures


def settle_quietly(futures: Sequence[asyncio.Future[Any]]) -> None:
    """Mark the futures' outcomes as seen: a failed transaction reports its own error."""
    for future in futures:
        future.add_done_callback(_seen)


def _seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
