"""HTTP intake routes items without writing each back to JSON, yet publishes exactly what it did."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from connectors.agencies import mapper_for
from connectors.routing import route
from connectors.routing import route_deferred
from connectors.sources.http import item_json, split_body

EXAMPLES = Path(__file__).resolve().parents[4] / "connectors" / "agencies" / "examples"
AT = dt.datetime(2025, 3, 5, 3, 0, tzinfo=dt.timezone.utc)


def _items() -> list:
    good = json.loads((EXAMPLES / "police.json").read_text())["records"]
    bad = [{**good[0], "record_id": ""}, {"nothing": "here"}, {**good[0], "occurred_at": "31/02/2561"},
           {**good[0], "persons": "not a list"}, 42, "text", None, [1, 2]]
    return [*good, *bad, *good]


class TestRouteDeferred:
    def test_publishes_what_routing_the_items_with_their_bytes_publishes(self):
        body = json.dumps(_items(), ensure_ascii=False).encode()
        mapper = mapper_for("police")
        with_bytes = [route("police", r, mapper, AT) for r in split_body(body, "req-1", 1000)]
        lazily = [route_deferred("police", r, mapper, AT, item_json)
                  for r in split_body(body, "req-1", 1000, item_bytes=False)]
        assert lazily == with_bytes
        assert any(p.dead_letter for ps in lazily for p in ps) and any(not p.dead_letter for ps in lazily for p in ps)

    def test_only_object_items_go_without_their_bytes(self):
        body = json.dumps(_items(), ensure_ascii=False).encode()
        full, lazy = split_body(body, "r", 1000), split_body(body, "r", 1000, item_bytes=False)
        for a, b in zip(full, lazy):
            assert (a.origin, a.fields, a.problem) == (b.origin, b.fields, b.problem)
            assert b.raw == (b"" if isinstance(a.fields, dict) else a.raw)
            if isinstance(a.fields, dict):
                assert a.raw == item_json(a.fields)

    def test_the_mappings_leave_the_items_fields_as_they_were(self):
        hotline = json.loads((EXAMPLES / "hotline.json").read_text())
        hotline = hotline.get("records", hotline) if isinstance(hotline, dict) else hotline
        for agency, items in (("police", _items()), ("social", hotline)):
            for record in split_body(json.dumps(items).encode(), "r", 1000, item_bytes=False):
                if record.fields is not None:
                    before = copy.deepcopy(record.fields)
                    route(agency, record, mapper_for(agency), AT)
                    assert record.fields == before
