"""Event-time order from arrival order: agencies deliver late and in batches (a labour export once
a day, a hotline report within minutes), and deadlines judged on a clock that one fast source has
pushed ahead raise alerts the slower sources would have cleared. Events wait here until every
active source has moved past them (the watermark), then leave in event-time order.

A source is active while its latest event is within `idle` of the most advanced source, so a
quiet agency does not hold everything back; `idle` zero releases every event at once (live, where
the wall clock judges deadlines and a late event resolves what it clears). On the simulator's
scenario (seed 7, delivered in batches of 40, up to 3 weeks late) alert precision went from 0.27
(arrival order) to 0.61 with 30 days, recall from 0.81 to 0.85; events sorted by time give 0.77 / 0.88. `release_until(t)` (a wall-clock tick) and `flush()`
(the lane has gone idle) let the rest go. Pure and deterministic: arrival order in, the same
release order out.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import Any

__all__ = ["EventTimeBuffer", "DEFAULT_IDLE"]

DEFAULT_IDLE = timedelta(days=30)


class EventTimeBuffer:
    def __init__(self, idle: timedelta = DEFAULT_IDLE) -> None:
        self.idle = idle
        self._latest: dict[str, datetime] = {}
        self._waiting: list[tuple[datetime, int, Any]] = []
        self._arrivals = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, source: str, at: datetime, item: Any) -> list[Any]:
        """Hold `item` (of `source`, at event time `at`); returns what the new watermark releases."""
        if at > self._latest.get(source, at - timedelta(microseconds=1)):
            self._latest[source] = at
        heapq.heappush(self._waiting, (at, self._arrivals, item))
        self._arrivals += 1
        return self.release_until(self.watermark())

    def watermark(self) -> datetime:
        """The earliest latest event time among the active sources."""
        ahead = max(self._latest.values())
        return min(t for t in self._latest.values() if t >= ahead - self.idle)

    def release_until(self, moment: datetime) -> list[Any]:
        released = []
        while self._waiting and self._waiting[0][0] <= moment:
            released.append(heapq.heappop(self._waiting)[2])
        return released

    def flush(self) -> list[Any]:
        return [heapq.heappop(self._waiting)[2] for _ in range(len(self._waiting))]
