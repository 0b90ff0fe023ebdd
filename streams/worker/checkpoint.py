"""The transaction step (as quix-streams' `Checkpoint`): the lane entries, the records they produced
and the sources' offsets, committed together in one Kafka transaction or not at all.

Why aiokafka's transactions and not faust's `exactly_once`: faust picks the transactional producer
by the *destination* partition of each send, so outputs spread over four partitions of
`cases.provincial.v1` would not be in the transaction that commits the source offsets
(docs/decisions/002-worker-loop-and-faust.md). Here one transactional id belongs to the lane's
owner, and an aborted transaction takes its lane entries, outputs and offsets with it.
"""

from __future__ import annotations

from typing import Any

from streams.worker.batch import Entry, Send
from streams.worker.clients import GROUP

__all__ = ["Checkpoint"]


class Checkpoint:
    """Commits through one started transactional producer; `in_flight` counts the lane entries of
    the transaction under way (what a stop at the deadline abandons, `app.Pending`)."""

    def __init__(self, producer: Any, lane: str) -> None:
        self.producer, self.lane = producer, lane
        self.in_flight = 0

    async def commit(self, entries: list[Entry], sends: list[Send], offsets: dict[Any, int] | None = None
                     ) -> int | None:
        """`entries` onto the lane, then `sends`, then the sources' `offsets` for the group, in one
        transaction; returns the lane's next offset if any entry went on it. Raises aiokafka's
        `KafkaError` (fenced, broker gone) when the transaction was aborted: none of it is committed."""
        producer, on_lane = self.producer, None
        self.in_flight = len(entries)
        try:
            async with producer.transaction():
                for entry in entries:
                    on_lane = await producer.send(self.lane, entry.value, key=entry.key, timestamp_ms=entry.timestamp)
                for topic, key, value, headers in sends:
                    await producer.send(topic, value=value, key=key, headers=headers)
                if offsets:
                    await producer.send_offsets_to_transaction(offsets, GROUP)
            return (await on_lane).offset + 1 if on_lane is not None else None
        finally:
            self.in_flight = 0
