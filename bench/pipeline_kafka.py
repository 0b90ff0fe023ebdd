"""The Kafka clients of `sanpalang bench pipeline` that are not the hub: the raw limits it is
measured against (a plain consume-and-produce loop, the broker's round trip), the paced feed of the
latency run and the reader timing each alert against the event that caused it."""

from __future__ import annotations

import asyncio
import threading
import time

__all__ = ["raw_loop", "round_trip", "alert_latencies", "pace"]


async def raw_loop(connection, topics: list[str], count: int) -> float:
    """Consume `count` intake messages and produce each to a scratch topic: messages/s."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    consumer = AIOKafkaConsumer(*topics, **connection.aiokafka(), group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    producer = AIOKafkaProducer(**connection.aiokafka(), acks="all", enable_idempotence=True, linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        seen, began = 0, time.perf_counter()
        while seen < count:
            for messages in (await consumer.getmany(timeout_ms=500, max_records=2000)).values():
                for m in messages:
                    await producer.send("bench.raw.v1", m.value, key=m.key)
                seen += sum(1 for _ in messages)
        await producer.flush()
        return count / (time.perf_counter() - began)
    finally:
        await consumer.stop()
        await producer.stop()


async def round_trip(connection, rate: float, count: int) -> list[float]:
    """Produce small messages at `rate`/s; each one's produce-to-consume time, seconds."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    consumer = AIOKafkaConsumer("bench.rtt.v1", **connection.aiokafka(), group_id=None,
                                auto_offset_reset="latest", isolation_level="read_committed")
    producer = AIOKafkaProducer(**connection.aiokafka(), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    latencies: list[float] = []

    async def receive() -> None:
        while len(latencies) < count:
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                now = time.time()
                latencies.extend(now - float(m.value) for m in messages)
    try:
        await consumer.seek_to_end()
        reader = asyncio.create_task(receive())
        for n in range(count):
            await producer.send("bench.rtt.v1", str(time.time()).encode())
            await asyncio.sleep(1 / rate)
        async with asyncio.timeout(60):
            await reader
        return latencies
    finally:
        await consumer.stop()
        await producer.stop()


def alert_latencies(connection, stop: threading.Event, out: list[float]) -> None:
    from kafka import KafkaConsumer
    from streams.worker.batch import TRIGGER_HEADER
    # fetch_max_wait_ms: as in the worker, a partition's next fetch waits for the long poll of the
    # others (alerts.v1 has four); the round trip's topic has one partition and no such wait
    consumer = KafkaConsumer("alerts.v1", **connection.kafka_python(), isolation_level="read_committed",
                             auto_offset_reset="latest", enable_auto_commit=False, fetch_max_wait_ms=10)
    try:
        consumer.poll(timeout_ms=1000)            # join: positions at the end before the load starts
        while not stop.is_set():
            for messages in consumer.poll(timeout_ms=200).values():
                now = time.time()
                for m in messages:
                    produced = dict(m.headers or ()).get(TRIGGER_HEADER)
                    if produced:
                        out.append(now - int(produced) / 1000)
    finally:
        consumer.close()


def pace(connection, publications: list, rate: float) -> None:
    from kafka import KafkaProducer
    producer = KafkaProducer(**connection.kafka_python(), acks="all", enable_idempotence=True, linger_ms=0)
    try:
        began = time.perf_counter()
        for n, p in enumerate(publications):
            delay = began + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            producer.send(p.topic, key=p.key, value=p.value, headers=list(p.headers))
        producer.flush()
    finally:
        producer.close()
