"""One default feed per session, delivered (on paper) through the real readers and mappings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from connectors.agencies import mapper_for
from connectors.records import Event, Publication, SourceRecord
from connectors.routing import route
from connectors.simulator import Feed, generate
from connectors.simulator.batches import Delivery, plan
from connectors.sources.files import read_bytes
from connectors.sources.http import split_body
from connectors.sources.sqlpoll import row_record

START = datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=7)))
RECEIVED_AT = datetime(2025, 6, 1, tzinfo=timezone.utc)
AGENCY = {"police-http": "police", "social-http": "social", "labour-file": "labour", "social-file": "social",
          "immigration-sql": "immigration"}


@dataclass
class Read:
    """One feed record as a source reads it, and what routing made of it."""

    delivery: Delivery
    source: SourceRecord
    publications: list[Publication]
    event: Event | None


def source_records(delivery: Delivery) -> list[SourceRecord]:
    """The records of one delivery, read by the same pure code the real sources use."""
    if delivery.channel.endswith("http"):
        return split_body(delivery.data, delivery.request_id, 1000)
    if delivery.channel == "immigration-sql":
        return [row_record(delivery.target, row, ["id"]) for row in delivery.natives]
    _, records = read_bytes(delivery.target, delivery.data)
    assert isinstance(records, list), records
    return [r.record for r in records]


def read_all(feed: Feed, **options) -> dict[str, Read]:
    out = {}
    for delivery in plan(feed.records, **options):
        agency = AGENCY[delivery.channel]
        sources = source_records(delivery)
        assert len(sources) == len(delivery.refs)
        for ref, source in zip(delivery.refs, sources):
            publications = route(agency, source, mapper_for(agency), RECEIVED_AT)
            event = None
            if not any(p.dead_letter for p in publications):
                (event,) = mapper_for(agency)(source.fields, source.origin)
            out[ref] = Read(delivery, source, publications, event)
    return out


@pytest.fixture(scope="session")
def feed() -> Feed:
    return generate(7, start_at=START)


@pytest.fixture(scope="session")
def read(feed) -> dict[str, Read]:
    return read_all(feed, batch=40)


@pytest.fixture(scope="session")
def truth_records(feed) -> dict[str, dict]:
    return {r["ref"]: r for r in feed.truth["records"]}
