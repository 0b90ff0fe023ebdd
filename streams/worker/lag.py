"""Consumer lag of the worker's loops, for `sanpalang_worker_consumer_lag{topic}`: the messages
between each group's committed offset and the end of its topics (commit markers included, so an
idle transactional topic shows a lag of one per partition at most). One consumer and one admin
client, started once and kept: a probe must not cost the hub more than it reports."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.worker.clients import WorkerClients
from streams.worker.metrics import WorkerMetrics

__all__ = ["LagProbe"]

log = logging.getLogger("sanpalang.worker.lag")


class LagProbe:
    def __init__(self, clients: WorkerClients, groups: dict[str, str], metrics: WorkerMetrics) -> None:
        self.clients, self.groups, self.metrics = clients, groups, metrics     # topic -> group
        self._consumer: AIOKafkaConsumer | None = None
        self._admin: AIOKafkaAdminClient | None = None

    async def measure(self) -> None:
        try:
            if self._consumer is None or self._admin is None:
                self._consumer, self._admin = await self.clients.offsets_reader()
            described = await self._admin.describe_topics(list(self.groups))
            partitions = {t["topic"]: [p["partition"] for p in t["partitions"]] for t in described}
            by_group: dict[str, list[TopicPartition]] = {}
            for topic, group in self.groups.items():
                by_group.setdefault(group, []).extend(TopicPartition(topic, p) for p in partitions.get(topic, ()))
            for group, tps in by_group.items():
                if not tps:
                    continue
                ends = await self._consumer.end_offsets(tps)
                offsets = await self._admin.list_consumer_group_offsets(group, partitions=tps)
                committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
                for topic in {tp.topic for tp in tps}:
                    self.metrics.lag.labels(topic).set(
                        sum(max(0, ends[tp] - committed.get(tp, 0)) for tp in tps if tp.topic == topic))
        except Exception as err:  # lag is best effort; the hub goes on
            log.debug("lag measurement failed: %s", err)

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()
