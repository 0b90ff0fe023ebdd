"""Handing publications to the producer in record batches: same partitions, same order, nothing left behind."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from aiokafka.partitioner import DefaultPartitioner

from connectors.records import Publication
from connectors.sending import LARGE_MESSAGE_BYTES, send_publications


class FakeBuilder:
    def __init__(self, capacity: int) -> None:
        self.capacity, self.messages = capacity, []

    def append(self, *, timestamp, key, value, headers):
        if len(self.messages) >= self.capacity:
            return None
        self.messages.append((key, value, headers))
        return object()


class FakeProducer:
    """Records what reaches the 'broker', in order: (topic, partition, key, value, headers, how)."""

    def __init__(self, partitions: dict[str, set[int]], capacity: int = 3) -> None:
        self.sent: list[tuple] = []
        self.capacity = capacity
        self._partitions = partitions
        self.client = SimpleNamespace(cluster=SimpleNamespace(partitions_for_topic=partitions.get,
                                                              available_partitions_for_topic=partitions.get))

    async def partitions_for(self, topic):
        return self._partitions[topic]

    def create_batch(self):
        return FakeBuilder(self.capacity)

    async def send_batch(self, builder, topic, *, partition):
        self.sent.extend((topic, partition, k, v, h, "batch") for k, v, h in builder.messages)
        return _done()

    async def send(self, topic, value, key=None, partition=None, headers=None):
        self.sent.append((topic, partition, key, value, headers or [], "send"))
        return _done()


def _done():
    future = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def _publications(n: int, topic: str = "intake.police.v1") -> list[Publication]:
    return [Publication(topic, f"POLICE:{i}".encode(), f"value {i}".encode()) for i in range(n)]


def _send(producer, publications):
    async def go():
        return await send_publications(producer, DefaultPartitioner(), publications)
    return asyncio.run(go())


class TestSendPublications:
    def test_each_message_goes_to_the_partition_send_would_choose_in_order(self):
        partitions = {"intake.police.v1": {0, 1, 2, 3}, "dlq.police.v1": {0}}
        producer = FakeProducer(partitions)
        publications = _publications(40) + _publications(5, "dlq.police.v1")
        _send(producer, publications)
        choose = DefaultPartitioner()
        expected = {(p.topic, choose(p.key, list(partitions[p.topic]), list(partitions[p.topic]))): [] for p in publications}
        for p in publications:
            expected[(p.topic, choose(p.key, list(partitions[p.topic]), list(partitions[p.topic])))].append(p.key)
        got: dict = {}
        for topic, partition, key, *_ in producer.sent:
            got.setdefault((topic, partition), []).append(key)
        assert got == expected
        assert len(producer.sent) == 45

    def test_a_full_batch_is_sent_and_the_next_one_started(self):
        producer = FakeProducer({"t": {0}}, capacity=3)
        futures = _send(producer, _publications(10, "t"))
        assert [k for _, _, k, *_ in producer.sent] == [p.key for p in _publications(10, "t")]
        assert len(futures) == 4   # 3 + 3 + 3 + 1

    def test_a_large_message_goes_through_send_after_what_came_before_it(self):
        producer = FakeProducer({"t": {0}})
        big = Publication("t", b"k", b"x" * (LARGE_MESSAGE_BYTES + 1), headers=(("h", b"1"),))
        publications = [*_publications(2, "t"), big, *_publications(1, "t")]
        _send(producer, publications)
        assert [(k, how) for _, _, k, _, _, how in producer.sent] == [
            (b"POLICE:0", "batch"), (b"POLICE:1", "batch"), (b"k", "send"), (b"POLICE:0", "batch")]
        assert producer.sent[2][4] == [("h", b"1")]
