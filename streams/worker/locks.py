"""The workers' one group (`clients.GROUP`) as the lanes' lock: the member a lane's partition is
given to runs that lane's stage; the others stand by. With the stages split, each worker process
has one member subscribed to both lanes, shared by its two loops (`SharedGroup`), and the group
deals the two lanes round robin: two workers run one stage each, one worker runs both."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import ConsumerRebalanceListener

__all__ = ["Assignment", "Fanout", "SharedGroup"]


class Assignment(ConsumerRebalanceListener):
    """Set when the group deals its partitions again: the loop drops its state and takes over anew
    if its lane is still its own."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.changed.set()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.changed.set()


class Fanout(ConsumerRebalanceListener):
    """One member's rebalances, told to each of its loops."""

    def __init__(self, listeners: list[Assignment]) -> None:
        self.listeners = listeners

    async def on_partitions_revoked(self, revoked: Any) -> None:
        for listener in self.listeners:
            await listener.on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        for listener in self.listeners:
            await listener.on_partitions_assigned(assigned)


class SharedGroup:
    """One group member used by several loops. Its polls (which keep the membership alive; every
    lane is paused, nothing is fetched) are taken one at a time: a loop that finds another one
    polling waits out its own timeout instead, so a stage at work never waits on a standing-by
    one's long poll."""

    def __init__(self, group: Any) -> None:
        self.group = group
        self._polling = asyncio.Lock()

    def assignment(self) -> set:
        return self.group.assignment()

    def pause(self, *tps: Any) -> None:
        self.group.pause(*tps)

    async def committed(self, tp: Any) -> int | None:
        return await self.group.committed(tp)

    async def getmany(self, timeout_ms: int = 0) -> dict:
        if self._polling.locked():
            await asyncio.sleep(timeout_ms / 1000)
            return {}
        async with self._polling:
            return await self.group.getmany(timeout_ms=timeout_ms)

    async def stop(self) -> None:
        await self.group.stop()
