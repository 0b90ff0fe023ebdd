"""The SQL views loop: the committed outputs of the correlator into the views' database.

It reads `cases.provincial.v1`, `alerts.v1`, `persons.links.v1` and the referral topics with
read_committed and commits its offsets only after the SQL transaction: a crash redoes a batch,
and `ViewSink` upserts are idempotent (an older or equal version changes nothing). Two workers
share the partitions through the consumer group `sanpalang-hub-views`.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError

import schemas
from ops.kafka.connection import KafkaConnection
from streams.views import ViewSink
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, referrals_topic
from streams.worker.lane import AGENCIES
from streams.worker.metrics import WorkerMetrics

__all__ = ["ViewsLoop", "OUTPUT_TOPICS"]

log = logging.getLogger("sanpalang.worker.views")
GROUP = "sanpalang-hub-views"
OUTPUT_TOPICS = (CASES_TOPIC, ALERTS_TOPIC, LINKS_TOPIC, *(referrals_topic(a) for a in AGENCIES))


class ViewsLoop:
    def __init__(self, connection: KafkaConnection, database_url: str, *, batch: int = 2000,
                 metrics: WorkerMetrics | None = None) -> None:
        self.connection, self.batch = connection, batch
        self.sink = ViewSink(database_url)
        self.metrics = metrics or WorkerMetrics.shared()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.sink.start)
        consumer = AIOKafkaConsumer(*OUTPUT_TOPICS, **self.connection.aiokafka(), group_id=GROUP,
                                    isolation_level="read_committed", enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        try:
            while True:
                fetched = await consumer.getmany(timeout_ms=500, max_records=self.batch)
                records = [schemas.decode(m.value) for messages in fetched.values() for m in messages]
                if not records:
                    continue
                applied = await loop.run_in_executor(None, self.sink.apply_many, records)
                for kind in ("cases", "alerts", "links", "referrals"):
                    self.metrics.view_rows.labels(kind).inc(getattr(applied, kind))
                try:
                    await consumer.commit()
                except CommitFailedError as err:   # a rebalance moved partitions: their new owner redoes them
                    log.info("views commit skipped after a rebalance: %s", err)
        finally:
            await consumer.stop()
            self.sink.close()
