"""The correlate loop's Kafka clients, built in one place (`WorkerClients`) and handed to the parts
that use them, so that each part is driven by fake clients in the unit tests
(tests/unit/streams/worker/fakes.py) and by aiokafka's against a broker.

Each client's settings are here with the reason for them; the commit discipline they serve is in
`checkpoint` and `loop`.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from runtime.connection import KafkaConnection

__all__ = ["GROUP", "TRANSACTIONAL_ID", "WorkerClients"]

GROUP = "sanpalang-hub-correlate"
TRANSACTIONAL_ID = "sanpalang-hub-correlate"


class WorkerClients:
    """Started aiokafka clients for the correlate loop and the lag probe; the caller stops each one
    it was given."""

    def __init__(self, connection: KafkaConnection) -> None:
        self.connection = connection

    async def lane_group(self, lanes: list[str], listener: ConsumerRebalanceListener) -> AIOKafkaConsumer:
        """The member of `GROUP` that may be given the lanes' partitions: a lane is a lock, never
        consumed through the group (the loop pauses it), and the group keeps the sources' offsets.
        Round robin deals two lanes to two members, one each (the range assignor deals each topic
        on its own: both to the same member)."""
        group = AIOKafkaConsumer(**self.connection.aiokafka(), group_id=GROUP, enable_auto_commit=False,
                                 auto_offset_reset="earliest",
                                 partition_assignment_strategy=(RoundRobinPartitionAssignor,))
        await group.start()
        group.subscribe(lanes, listener=listener)
        return group

    async def transactional_producer(self, transactional_id: str = TRANSACTIONAL_ID) -> AIOKafkaProducer:
        """Started, it fences any previous holder of `transactional_id` (aborting its open transaction)."""
        # retry_backoff_ms: a transaction begun while the broker still writes the last one's
        # markers is refused (CONCURRENT_TRANSACTIONS) and retried after this; at aiokafka's 100 ms
        # default that wait was the p99 of every transaction (bare transactions of four sends and
        # an offset, one every 20 ms, p99: 150 ms at 100, 17-40 ms at 10, 13-19 ms at 2).
        producer = AIOKafkaProducer(**self.connection.aiokafka(), transactional_id=transactional_id,
                                    enable_idempotence=True, acks="all", linger_ms=0, retry_backoff_ms=2)
        await producer.start()
        return producer

    async def sources(self) -> AIOKafkaConsumer:
        """Reads the intake topics and operator actions, committed records only, no group (the loop
        assigns the partitions and seeks to the offsets committed with the lane)."""
        # fetch_max_wait_ms: with every partition on one broker, a partition just drained is not
        # fetched again until the broker answers the long poll for the others; at the 500 ms
        # default an event on it waited for that.
        return await self._started(group_id=None, enable_auto_commit=False, isolation_level="read_committed",
                                   auto_offset_reset="earliest", fetch_max_wait_ms=20)

    async def lane_reader(self, **settings: Any) -> AIOKafkaConsumer:
        """Reads the lane's committed entries, no group (a replay, a snapshot's check)."""
        return await self._started(group_id=None, enable_auto_commit=False, isolation_level="read_committed",
                                   **settings)

    async def offsets_reader(self) -> tuple[AIOKafkaConsumer, AIOKafkaAdminClient]:
        """A consumer for the topics' end offsets and an admin client for the groups' committed ones."""
        admin = AIOKafkaAdminClient(**self.connection.aiokafka())
        await admin.start()
        return await self._started(group_id=None, enable_auto_commit=False), admin

    async def _started(self, **settings: Any) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(**self.connection.aiokafka(), **settings)
        await consumer.start()
        return consumer
