"""A feed delivered on paper: each record read by the same pure code the real sources use and
routed by the real mappings, without HTTP, files or tables. The scenario benchmark and the stream
tests publish these publications straight onto the intake topics; the connectors' own tests
deliver through the real sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from connectors.agencies import mapper_for
from connectors.records import Event, Publication, SourceRecord
from connectors.routing import route
from simulator.batches import Delivery, plan
from simulator.feed import Feed
from connectors.sources.files import read_bytes
from connectors.sources.http import split_body
from connectors.sources.sqlpoll import row_record

__all__ = ["Read", "read_all", "source_records", "CHANNEL_AGENCY", "RECEIVED_AT"]

RECEIVED_AT = datetime(2025, 6, 1, tzinfo=timezone.utc)
CHANNEL_AGENCY = {"police-http": "police", "social-http": "social", "labour-file": "labour",
                  "social-file": "social", "immigration-sql": "immigration"}


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
    if not isinstance(records, list):
        raise ValueError(f"delivery {delivery.target} is unreadable: {records}")
    return [r.record for r in records]


def read_all(feed: Feed, *, received_at: datetime | None = None, **options) -> dict[str, Read]:
    """Every record of the feed by its ref, in delivery order. Read at `received_at` (the intake's
    clock, which no event may be after: `connectors.routing.implausible_times`); default
    `RECEIVED_AT`, or the day after the feed's period when it ends later."""
    if received_at is None:
        end = datetime.fromisoformat(feed.truth["period"]["end_at"].replace("Z", "+00:00"))
        received_at = max(RECEIVED_AT, end + timedelta(days=1))
    out = {}
    for delivery in plan(feed.records, **options):
        agency = CHANNEL_AGENCY[delivery.channel]
        sources = source_records(delivery)
        if len(sources) != len(delivery.refs):
            raise ValueError(f"delivery {delivery.target}: {len(sources)} records read, {len(delivery.refs)} sent")
        for ref, source in zip(delivery.refs, sources):
            publications = route(agency, source, mapper_for(agency), received_at)
            event = None
            if not any(p.dead_letter for p in publications):
                (event,) = mapper_for(agency)(source.fields, source.origin)
            out[ref] = Read(delivery, source, publications, event)
    return out
