"""The console's Kafka edges: the live alert feed (alerts.v1 -> boards) and the action publisher
(operator decisions -> operator.actions.v1).

The feed reads without a consumer group, from the end of every partition, read-committed: each
console instance shows what arrives from now on (the board's starting point is SQL), and no
offsets need committing for a view that is rebuilt on every page load. The broadcaster hands an
alert to each open board whose caller may see its province (`roles.sees_province`); a board that
cannot keep up is dropped and reconnects (its EventSource reloads the board from SQL).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import schemas
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from console.metrics import ConsoleMetrics
from console.roles import Principal, sees_province
from runtime.connection import KafkaConnection
from streams.views.clock import HubClock, clock_of, latest

__all__ = ["Topics", "Broadcaster", "AlertFeed", "ActionPublisher", "Subscription"]

log = logging.getLogger(__name__)
ALERT, ACTION = "sanpalang.hub.Alert", "sanpalang.hub.OperatorAction"


@dataclass(frozen=True)
class Topics:
    """Topic names, configurable so that tests can use their own. ``intake``: the topics the
    person directory reads names from (empty: no directory)."""

    alerts: str = "alerts.v1"
    actions: str = "operator.actions.v1"
    intake: tuple[str, ...] = ("intake.police.v1", "intake.immigration.v1", "intake.labour.v1", "intake.social.v1")
    anchors: str | None = "audit.anchors.v1"      # the audit chain's anchors (None: not anchored)


class Subscription:
    def __init__(self, principal: Principal, maxsize: int = 256) -> None:
        self.principal = principal
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize)
        self.dropped = False


class Broadcaster:
    """Open boards, and the latest state of the alerts seen on the bus since the console started
    (an alert may reach a board before the worker has written it to SQL), at most ``keep`` of
    them, the least recently changed forgotten first.

    A board subscribes after its page was rendered; what changed in between is replayed to it on
    subscription (`since` the page's `mark`), so no alert falls in the gap between the SQL board
    and the stream."""

    def __init__(self, keep: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.hub_clock: HubClock | None = None      # the latest the alerts carried (`streams.views.clock`)
        self._subs: set[Subscription] = set()
        self.latest: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._seen_at: dict[str, float] = {}
        self._keep, self._clock = keep, clock

    def mark(self) -> float:
        """A point in the feed's time: what a page rendered now has seen (see `since`)."""
        return self._clock()

    def since(self, principal: Principal, mark: float) -> list[dict[str, Any]]:
        """Alerts the caller may see that changed after ``mark``, oldest first."""
        return [dict(a) for aid, a in self.latest.items()
                if self._seen_at[aid] > mark and sees_province(principal, a["province"])]

    def acknowledged_here(self, alert_id: str, at: Any) -> None:
        """This console recorded an acknowledgement: the live copy says so too, until the worker's
        republished alert replaces it (so a replay never shows a stale, unacknowledged row)."""
        if alert_id in self.latest:
            self.latest[alert_id]["acknowledged_at"] = at

    def subscribe(self, principal: Principal) -> Subscription:
        sub = Subscription(principal)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)

    def close(self) -> None:
        for sub in list(self._subs):
            self._drop(sub)

    def _drop(self, sub: Subscription) -> None:
        """End a board: what it has not read is discarded, then None tells it to close (its
        browser reconnects and reloads the board from SQL, so nothing is lost to the operator)."""
        sub.dropped = True
        self._subs.discard(sub)
        while not sub.queue.empty():
            sub.queue.get_nowait()
        sub.queue.put_nowait(None)

    def publish(self, alert: Mapping[str, Any]) -> int:
        """Hand the alert to every board that may see it; how many got it."""
        aid = alert["alert_id"]
        self.latest.pop(aid, None)
        self.latest[aid] = dict(alert)
        self._seen_at[aid] = self._clock()
        while len(self.latest) > self._keep:
            old, _ = self.latest.popitem(last=False)
            self._seen_at.pop(old, None)
        sent = 0
        for sub in list(self._subs):
            if not sees_province(sub.principal, alert["province"]):
                continue
            try:
                sub.queue.put_nowait(dict(alert))
                sent += 1
            except asyncio.QueueFull:
                self._drop(sub)
        return sent

    @property
    def boards(self) -> int:
        return len(self._subs)


class AlertFeed:
    """alerts.v1 -> `Broadcaster`: a small lifecycle class (start / stop), one background task."""

    def __init__(self, connection: KafkaConnection, topic: str, broadcaster: Broadcaster,
                 metrics: ConsoleMetrics | None = None) -> None:
        self.connection, self.topic, self.broadcaster = connection, topic, broadcaster
        self.metrics = metrics
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False, group_id=None,
                                    **self.connection.aiokafka())
        await consumer.start()
        try:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
            ids = consumer.partitions_for_topic(self.topic)
            if not ids:
                raise RuntimeError(f"topic {self.topic} does not exist: run `sanpalang topics apply`")
            partitions = [TopicPartition(self.topic, p) for p in sorted(ids)]
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for tp in partitions:              # resolve the end offsets now, not at the first fetch
                await consumer.position(tp)
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(), name="console-alert-feed")
        self.ready.set()

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=200)
            except KafkaError:
                log.warning("alert feed: broker error, retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            for records in batches.values():
                for record in records:
                    if record.value is None:
                        continue
                    try:
                        name, alert = schemas.decode(record.value)
                    except schemas.CodecError:
                        log.warning("alert feed: undecodable message at %s/%s", record.partition, record.offset)
                        continue
                    if name == ALERT:
                        self.broadcaster.hub_clock = latest((self.broadcaster.hub_clock, clock_of(record.headers)))
                        sent = self.broadcaster.publish(alert)
                        if self.metrics is not None:
                            self.metrics.alert_read(record.timestamp, sent)
            if self.metrics is not None:
                await self._measure_lag()

    async def _measure_lag(self) -> None:
        """Messages between the feed's position and the last stable offset (read-committed: what a
        transaction has not committed yet is not behind), summed over the topic's partitions. The
        offsets are those of the last fetch, so the figure is as fresh as the last `getmany`."""
        assert self._consumer is not None and self.metrics is not None
        behind = 0
        for tp in self._consumer.assignment():
            end = self._consumer.last_stable_offset(tp)
            if end is None:
                end = self._consumer.highwater(tp)
            if end is None:
                continue
            behind += max(0, end - await self._consumer.position(tp))
        self.metrics.lag(self.topic, behind)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        self.broadcaster.close()


class ActionPublisher:
    """Operator decisions onto operator.actions.v1: idempotent producer, acks=all, keyed by
    province (the catalogue's key); `send` returns once the brokers have the record."""

    def __init__(self, connection: KafkaConnection, topic: str) -> None:
        self.connection, self.topic = connection, topic
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(acks="all", enable_idempotence=True, request_timeout_ms=15000,
                                          **self.connection.aiokafka())
        await self._producer.start()

    async def send(self, action: Mapping[str, Any]) -> None:
        if self._producer is None:
            raise RuntimeError("the action publisher is not started")
        await self._producer.send_and_wait(self.topic, schemas.encode(ACTION, action),
                                           key=action["province"].encode())

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
