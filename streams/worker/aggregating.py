"""The aggregates step: CTDC-style de-identified tables (k >= 11, `streams.aggregates`) of every case,
kept from the case views the worker publishes and put on `reports.aggregates.v1` at most every
`every_seconds`, only the tables whose counts changed, in a transaction of their own (a table is
a function of the lane so far: a crash before it is published republishes it after the replay).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import schemas
from streams.aggregates import AggregateCounts, changed_tables
from streams.worker.batch import Send
from streams.worker.correlator import CASES_TOPIC, Output

__all__ = ["AGGREGATES_TOPIC", "Aggregating", "count_cases"]

AGGREGATES_TOPIC, AGGREGATE = "reports.aggregates.v1", "sanpalang.hub.Aggregate"


def count_cases(counts: AggregateCounts, outputs: Iterable[Output]) -> bool:
    """Add the case views among `outputs` to `counts`; whether there was any."""
    changed = False
    for output in outputs:
        if output.topic == CASES_TOPIC:
            counts.add(output.record)
            changed = True
    return changed


class Aggregating:
    def __init__(self, every_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every_seconds, self.clock = every_seconds, clock
        self.counts = AggregateCounts()
        self.changed, self._published_at = False, float("-inf")
        self._published: dict[str, dict[str, Any]] = {}       # table id -> the table last published

    def restart(self, counts: AggregateCounts, changed: bool) -> None:
        """The counts of a rebuilt correlator (what was published before is still published)."""
        self.counts, self.changed = counts, self.changed or changed

    def count(self, outputs: Iterable[Output]) -> None:
        self.changed = count_cases(self.counts, outputs) or self.changed

    def due(self) -> list[dict[str, Any]] | None:
        """The tables to publish now, or None when it is not time."""
        if not self.changed or self.clock() - self._published_at < self.every_seconds:
            return None
        return changed_tables(self._published, self.counts.tables())

    def published(self, tables: list[dict[str, Any]]) -> None:
        self._published.update((t["table_id"], t) for t in tables)
        self._published_at, self.changed = self.clock(), False


def sends(tables: list[dict[str, Any]]) -> list[Send]:
    return [(AGGREGATES_TOPIC, table["table_id"].encode(), schemas.encode(AGGREGATE, table), []) for table in tables]
