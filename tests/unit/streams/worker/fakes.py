"""An in-memory broker and the correlate loop's clients on it (`FakeClients`, in the place of
`streams.worker.clients.WorkerClients`): committed logs, transactions that land whole or not at
all, a transactional id that fences its previous holder, the group's committed offsets and its
lane partition given to one worker at a time."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import IllegalOperation, KafkaConnectionError, ProducerFenced

from streams.worker.aggregating import AGGREGATES_TOPIC
from streams.worker.lane import LANE_TOPIC


class Killed(BaseException):
    """The process died (kill -9) here: nothing after it runs, nothing is cleaned up."""


@dataclass(frozen=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp: int
    headers: tuple = ()


@dataclass
class FakeBroker:
    partitions: dict[str, int] = field(default_factory=dict)        # topic -> count (default 1)
    logs: dict[TopicPartition, list[Message]] = field(default_factory=dict)
    offsets: dict[TopicPartition, int] = field(default_factory=dict)   # the correlate group's
    epoch: int = 0                                                  # of the transactional id
    lane_owner: Any = None                                          # the FakeGroup given the lane
    at_commit: BaseException | None = None                          # raised once, at the next commit
    refuse_fenced_sends: bool = False     # a fenced producer's sends raise (aiokafka, once it knows), not its commit

    def log(self, tp: TopicPartition) -> list[Message]:
        return self.logs.setdefault(tp, [])

    def append(self, topic: str, value: bytes, key: bytes | None = None, partition: int = 0, timestamp: int = 0,
               headers: tuple = ()) -> Message:
        log = self.log(TopicPartition(topic, partition))
        log.append(Message(topic, partition, len(log), key, value, timestamp, headers))
        return log[-1]

    def values(self, topic: str) -> list[bytes]:
        return [m.value for tp, log in sorted(self.logs.items()) if tp.topic == topic for m in log]

    def published(self) -> list[tuple[str, bytes | None, bytes]]:
        """Every committed output in a stable order: not the sources, the lane or the aggregates (whose
        tables depend on when they are published, not only on the lane)."""
        return sorted((m.topic, m.key, m.value) for tp, log in self.logs.items()
                      if tp.topic not in (LANE_TOPIC, AGGREGATES_TOPIC) and not tp.topic.startswith("intake.")
                      for m in log)

    def give_lane(self, group: "FakeGroup | None") -> None:
        self.lane_owner = group


class _Sent:
    def __init__(self, offset: int) -> None:
        self.offset = offset

    def __await__(self):
        yield from ()
        return self


class FakeProducer:
    def __init__(self, broker: FakeBroker) -> None:
        broker.epoch += 1                               # fences the previous holder
        self.broker, self.epoch, self.pending = broker, broker.epoch, None

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.broker.partitions.get(topic, 1)))

    @contextlib.asynccontextmanager
    async def transaction(self):
        self.pending = []
        try:
            yield
            if self.broker.epoch != self.epoch:
                raise ProducerFenced()
            if self.broker.at_commit is not None:
                crash, self.broker.at_commit = self.broker.at_commit, None
                raise crash
            for kind, *what in self.pending:
                if kind == "send":
                    self.broker.append(*what)
                else:
                    self.broker.offsets.update(what[0])
        finally:
            self.pending = None

    async def send(self, topic: str, value: bytes, key: bytes | None = None, headers: Any = None,
                   timestamp_ms: int | None = None) -> _Sent:
        assert self.pending is not None, "a send outside a transaction"
        if self.broker.refuse_fenced_sends and self.broker.epoch != self.epoch:
            raise IllegalOperation("Can't send messages while not in transaction")
        partition = 0 if key is None else sum(key) % self.broker.partitions.get(topic, 1)
        ahead = sum(1 for kind, *what in self.pending
                    if kind == "send" and what[0] == topic and what[3] == partition)
        self.pending.append(("send", topic, value, key, partition, timestamp_ms or 0, tuple(headers or ())))
        return _Sent(len(self.broker.log(TopicPartition(topic, partition))) + ahead)

    async def send_offsets_to_transaction(self, offsets: dict[TopicPartition, int], group: str) -> None:
        self.pending.append(("offsets", dict(offsets)))

    async def stop(self) -> None:
        if self.broker.epoch != self.epoch:
            raise KafkaConnectionError("fenced")


class FakeConsumer:
    """Reads committed records only, from positions it is told (no group)."""

    def __init__(self, broker: FakeBroker) -> None:
        self.broker, self.positions, self.stopped = broker, {}, False

    def assign(self, tps: list[TopicPartition]) -> None:
        self.positions = {tp: 0 for tp in tps}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp] = offset

    async def seek_to_beginning(self, tp: TopicPartition) -> None:
        self.positions[tp] = 0

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]

    async def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: 0 for tp in tps}

    async def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: len(self.broker.log(tp)) for tp in tps}

    async def getmany(self, *tps: TopicPartition, timeout_ms: int = 0, max_records: int | None = None) -> dict:
        fetched, room = {}, max_records or 1 << 30
        for tp in tps or sorted(self.positions):
            messages = self.broker.log(tp)[self.positions[tp]:self.positions[tp] + room]
            if messages:
                fetched[tp], room = messages, room - len(messages)
                self.positions[tp] += len(messages)
        return fetched

    async def stop(self) -> None:
        self.stopped = True


class FakeGroup:
    """A member of the correlate group: it has the lane while the broker gives it to it, and its
    listener hears of every change at its next poll (`zombie`: it hears of none)."""

    def __init__(self, broker: FakeBroker, listener: Any) -> None:
        self.broker, self.listener, self.zombie, self.had = broker, listener, False, False

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition(LANE_TOPIC, 0)} if self.had else set()

    async def getmany(self, timeout_ms: int = 0) -> dict:
        has = self.broker.lane_owner is self
        if has != self.had and not self.zombie:
            self.had = has
            await (self.listener.on_partitions_assigned if has else self.listener.on_partitions_revoked)(set())
        return {}

    def pause(self, tp: TopicPartition) -> None:
        pass

    async def committed(self, tp: TopicPartition) -> int | None:
        return self.broker.offsets.get(tp)

    async def stop(self) -> None:
        pass


class FakeClients:
    def __init__(self, broker: FakeBroker) -> None:
        self.broker = broker
        self.group: FakeGroup | None = None

    async def lane_group(self, lanes: list[str], listener: Any) -> FakeGroup:
        self.group = FakeGroup(self.broker, listener)
        return self.group

    async def transactional_producer(self, transactional_id: str = "") -> FakeProducer:
        return FakeProducer(self.broker)

    async def sources(self) -> FakeConsumer:
        return FakeConsumer(self.broker)

    async def lane_reader(self, **settings: Any) -> FakeConsumer:
        return FakeConsumer(self.broker)
