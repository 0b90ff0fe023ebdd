"""The forward step: every intake topic onto the lane, as it is (operator actions, a trickle, go
through the faust agent `actions` in app.py with the same guarantee).

At-least-once, in batches: the lane sends of a batch are acknowledged by the broker before the
source offsets are committed, so a crash can copy an entry twice but never lose one; the
correlator drops an event or action it has already seen. The consumer group `sanpalang-hub-forward`
spreads the source partitions over the running workers. (A faust agent did this first, at about
270 entries/s: one awaited send per message; batches reach the broker's pace.)
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import CommitFailedError

from ops.kafka.connection import KafkaConnection
from streams.worker.lane import LANE_TOPIC, intake_topics
from streams.worker.metrics import WorkerMetrics

__all__ = ["ForwardLoop", "GROUP"]

log = logging.getLogger("sanpalang.worker.forward")
GROUP = "sanpalang-hub-forward"


class ForwardLoop:
    def __init__(self, connection: KafkaConnection, *, batch: int = 2000, metrics: WorkerMetrics | None = None) -> None:
        self.connection, self.batch = connection, batch
        self.metrics = metrics or WorkerMetrics.shared()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(*intake_topics(), **self.connection.aiokafka(), group_id=GROUP,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    isolation_level="read_committed")
        producer = AIOKafkaProducer(**self.connection.aiokafka(), acks="all", enable_idempotence=True, linger_ms=2)
        await consumer.start()
        await producer.start()
        try:
            while True:
                fetched = await consumer.getmany(timeout_ms=200, max_records=self.batch)
                if not fetched:
                    continue
                sends = [await producer.send(LANE_TOPIC, m.value, key=m.key, timestamp_ms=m.timestamp)
                         for messages in fetched.values() for m in messages]
                await asyncio.gather(*sends)
                for tp, messages in fetched.items():
                    if tp.topic.startswith("intake."):
                        self.metrics.events.labels(tp.topic.split(".")[1]).inc(len(messages))
                try:
                    await consumer.commit({TopicPartition(tp.topic, tp.partition): messages[-1].offset + 1
                                           for tp, messages in fetched.items()})
                except CommitFailedError as err:   # a rebalance: the new owner copies them again (deduplicated)
                    log.info("forward commit skipped after a rebalance: %s", err)
        finally:
            await consumer.stop()
            await producer.stop()
