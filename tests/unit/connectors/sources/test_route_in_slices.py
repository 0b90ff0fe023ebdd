"""Routing a batch in slices: the same publications in the same order, with the event loop free in between."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from connectors.records import Origin, SourceRecord
from connectors.routing import route, route_deferred
from connectors.sources.base import route_in_slices
from tests.unit.connectors.sources import mappers

RECEIVED_AT = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)


def _records(count: int) -> list[SourceRecord]:
    """Valid rows, with every seventh one lacking its id (a dead letter)."""
    return [SourceRecord(Origin("sql", "crossings", str(i)), b"",
                         {"crossing_id": "" if i % 7 == 3 else f"C{i}", "updated_at": "2025-03-01T08:00:00"})
            for i in range(count)]


def _raw(fields) -> bytes:
    return json.dumps(fields, sort_keys=True).encode()


class TestRouteInSlices:
    def test_gives_the_publications_of_routing_each_record_in_order(self) -> None:
        records = _records(23)
        expected = [p for r in records for p in route("immigration", r, mappers.immigration, RECEIVED_AT)]
        got = asyncio.run(route_in_slices("immigration", records, mappers.immigration, RECEIVED_AT, slice_size=5))
        assert got == expected
        assert sum(p.dead_letter for p in got) == 3

    def test_writes_the_raw_bytes_of_dead_letters_as_route_deferred_does(self) -> None:
        records = _records(12)
        expected = [p for r in records for p in route_deferred("immigration", r, mappers.immigration, RECEIVED_AT,
                                                                _raw)]
        got = asyncio.run(route_in_slices("immigration", records, mappers.immigration, RECEIVED_AT, _raw,
                                          slice_size=4))
        assert got == expected

    def test_lets_other_tasks_run_between_slices(self) -> None:
        ticks: list[int] = []

        async def other() -> None:
            while True:
                ticks.append(len(ticks))
                await asyncio.sleep(0)

        async def main() -> None:
            task = asyncio.create_task(other())
            await asyncio.sleep(0)
            before = len(ticks)
            await route_in_slices("immigration", _records(20), mappers.immigration, RECEIVED_AT, slice_size=5)
            task.cancel()
            assert len(ticks) - before >= 3   # at least once between each of the 4 slices

        asyncio.run(main())

    def test_routes_an_empty_batch_to_nothing(self) -> None:
        assert asyncio.run(route_in_slices("immigration", [], mappers.immigration, RECEIVED_AT)) == []
