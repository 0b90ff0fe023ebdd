"""The audit chain's head, anchored outside the database: `audit.anchors.v1` (compacted, written by
the console principal only), when the console starts, at least every `interval_s` and at
shutdown; `read_anchor` gives `sanpalang audit verify` the newest one (`console.audit`).

An anchor that cannot be published is logged and tried again at the next interval: the console
keeps serving, and `audit verify` reports the entries after the newest anchor once it is overdue.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone

from aiokafka import AIOKafkaProducer
from sqlalchemy.engine import Engine

from console import auditlog
from console.audit import Anchor, chain_id, make_anchor
from runtime.connection import KafkaConnection

__all__ = ["AuditAnchors", "read_anchor", "ANCHORS_TOPIC", "ANCHOR_EVERY_S"]

log = logging.getLogger(__name__)
ANCHORS_TOPIC = "audit.anchors.v1"
ANCHOR_EVERY_S = 60.0
FINAL_ANCHOR_S = 3.0


class AuditAnchors:
    def __init__(self, connection: KafkaConnection, engine: Engine, key: bytes, *, topic: str = ANCHORS_TOPIC,
                 interval_s: float = ANCHOR_EVERY_S) -> None:
        self.connection, self.engine, self.key, self.topic = connection, engine, key, topic
        self.interval_s = interval_s
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self.published: Anchor | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(acks="all", enable_idempotence=True, request_timeout_ms=15000,
                                          **self.connection.aiokafka())
        await self._producer.start()
        await self._producer.client.force_metadata_update()
        if not self._producer.client.cluster.partitions_for_topic(self.topic):
            log.error("the audit chain is NOT anchored: topic %s does not exist (run `sanpalang topics apply`); "
                      "`sanpalang audit verify` will report the missing anchors", self.topic)
            await self._producer.stop()
            self._producer = None
            return
        await self.anchor()
        self._task = asyncio.create_task(self._run(), name="console-audit-anchors")

    def _head(self) -> tuple[int, str]:
        with self.engine.connect() as conn:
            return auditlog.head(conn)

    async def anchor(self) -> Anchor | None:
        """Publish the current head now; None (logged) when the bus refused it."""
        if self._producer is None:
            return None
        head = await asyncio.to_thread(self._head)
        anchor = make_anchor(self.key, head, datetime.now(timezone.utc))
        try:
            await self._producer.send_and_wait(self.topic, json.dumps(anchor.to_json()).encode(),
                                               key=chain_id(self.key).encode())
        except Exception as err:   # broker away, topic missing: the next interval tries again
            log.warning("could not anchor the audit chain head %s on %s: %s", head[0], self.topic, err)
            return None
        self.published = anchor
        return anchor

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.anchor()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        try:
            async with asyncio.timeout(FINAL_ANCHOR_S):   # bounded: a stop must not wait for a broker that is gone
                await self.anchor()             # the head at shutdown
        except TimeoutError:
            log.warning("the audit chain's head at shutdown was not anchored within %s s (broker away); "
                        "`sanpalang audit verify` will report the entries after the last anchor", FINAL_ANCHOR_S)
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None


def read_anchor(connection: KafkaConnection, key: bytes, topic: str = ANCHORS_TOPIC) -> Anchor | None:
    """The newest anchor of this key's chain on the topic (read to its end), or None."""
    from runtime.reading import messages
    wanted, found = chain_id(key).encode(), None
    for message in messages(connection, topic):
        if message.key == wanted and message.value:
            found = Anchor.from_json(json.loads(message.value))
    return found
