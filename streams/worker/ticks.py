"""The correlate loop's paces: wall-clock ticks and idle flushes onto the lane (entries the lane's
owner writes itself, so a replay sees them at the same place), and the heap frozen out of the
garbage collector. Each is asked between batches, never from a timer of its own: a tick or a
flush is a lane entry and goes through the loop's one transactional producer, in order.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime, timezone

from streams.worker.batch import Entry
from streams.worker.lane import FLUSH, tick_value

__all__ = ["Pace", "tick", "flush", "HeapFreezer"]

FREEZE_SECONDS, FULL_COLLECTION_SECONDS = 10.0, 3600.0


class Pace:
    """Due once `seconds` have passed since it was last `reset` (or since it was made, `started`)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic, *, started: bool = True) -> None:
        self.seconds, self.clock = seconds, clock
        self.last = clock() if started else float("-inf")

    def due(self) -> bool:
        return self.clock() - self.last >= self.seconds

    def reset(self) -> None:
        self.last = self.clock()


def tick(lane: str, now: datetime | None = None) -> Entry:
    """Live: the wall clock onto the lane, by its owner only, so ticks are never doubled by workers."""
    now = now or datetime.now(timezone.utc)
    return Entry(lane, b"tick", tick_value(now), int(now.timestamp() * 1000))


def flush(lane: str) -> Entry:
    """Events held for event-time order are correlated once the sources have been quiet for a while:
    a `flush` entry, so a replay releases them at the same place."""
    return Entry(lane, b"flush", FLUSH, int(time.time() * 1000))


class HeapFreezer:
    """The correlator's state (matcher index, cases, rules) is a heap of long-lived objects; a full
    collection walked all of it and stopped the loop for 100-160 ms (measured with 700 open cases),
    the tail of the event-to-alert latency. Every `FREEZE_SECONDS` the young generations are
    collected and whatever survives is frozen, out of the collector's walks. Frozen objects are
    still freed by reference counting; cycles among them that became garbage wait for the one full
    collection every `FULL_COLLECTION_SECONDS`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.freeze, self.collect = Pace(FREEZE_SECONDS, clock), Pace(FULL_COLLECTION_SECONDS, clock)

    def __call__(self, *, now: bool = False, full: bool = False) -> None:
        if not now and not self.freeze.due():
            return
        if full or self.collect.due():
            gc.unfreeze()
            gc.collect()
            self.collect.reset()
        else:
            gc.collect(1)
        gc.freeze()
        self.freeze.reset()
