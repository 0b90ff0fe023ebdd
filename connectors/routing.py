"""Routing: every source record ends as its events on intake, or as one dead letter. Never both, never neither.

Pure: the mapping is passed in, the time of receipt too. A mapping that raises anything at all
sends the record to the dead-letter topic with the reason; the connector itself never crashes on
bad input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Callable, Mapping, Sequence

import schemas
from connectors.records import Event, MappingError, Origin, Publication, SourceRecord

__all__ = ["Mapper", "RawOf", "dead_letter", "route", "route_deferred", "CONNECTOR_VERSION"]

CONNECTOR_VERSION = "sanpalang-connectors/0.1"
Mapper = Callable[[object, Origin], Sequence[Event]]
RawOf = Callable[[Mapping[str, Any]], bytes]


def dead_letter(agency: str, record: SourceRecord, code: str, reason: str,
                received_at: dt.datetime, problems: Sequence[str] = ()) -> Publication:
    """The DLQ message for ``record``: its original bytes, where it came from, and why.

    ``problems`` (one per field) travel with the publication so the HTTP intake can answer with them.
    """
    letter = {
        "agency": agency,
        "origin": {"kind": record.origin.kind, "location": record.origin.location},
        "reason_code": code,
        "reason": reason,
        "original": record.raw,
        "received_at": received_at,
        "connector_version": CONNECTOR_VERSION,
    }
    return Publication(f"dlq.{agency}.v1", record.origin.location.encode(),
                       schemas.encode("sanpalang.hub.DeadLetter", letter), dead_letter=True, reason_code=code,
                       problems=tuple(problems) or (reason,))


def route(agency: str, record: SourceRecord, mapper: Mapper, received_at: dt.datetime) -> list[Publication]:
    """The publications for one source record: all its events, or exactly one dead letter."""
    if record.fields is None:
        return [dead_letter(agency, record, "unreadable", record.problem or "the record could not be read",
                            received_at)]
    try:
        events = list(mapper(record.fields, record.origin))
        if not events:
            raise MappingError(["the record describes no event the hub knows"], code="no-event")
        wrong = [e.schema for e in events if not e.schema.startswith(f"sanpalang.{agency}.")]
        if wrong:
            raise MappingError([f"{', '.join(wrong)} is not a {agency} event"], code="wrong-agency")
        return [Publication(f"intake.{agency}.v1", e.key, schemas.encode(e.schema, e.record),
                            event_id=e.event_id) for e in events]
    except MappingError as err:
        return [dead_letter(agency, record, err.code, str(err), received_at, err.problems)]
    except schemas.SchemaError as err:
        return [dead_letter(agency, record, "schema-mismatch", f"the event does not fit its schema: {err}",
                            received_at)]
    except ValueError as err:
        return [dead_letter(agency, record, "invalid-record", str(err), received_at)]
    except Exception as err:  # a bug in a mapping must not lose the record nor stop the connector
        return [dead_letter(agency, record, "mapping-failed",
                            f"the {agency} mapping failed: {type(err).__name__}: {err} "
                            f"(a bug in connectors/agencies/{agency}.py; the record is kept here for replay)",
                            received_at)]


def route_deferred(agency: str, record: SourceRecord, mapper: Mapper, received_at: dt.datetime,
                   raw_of: RawOf) -> list[Publication]:
    """``route`` for a record read without its original bytes (``raw == b""``) when they can be
    made again from its fields (a request item, a table row: ``raw_of(fields)``). Only a dead
    letter carries them, and few records end as one: routing is pure, so such a record is simply
    routed again with its bytes. The publications are those of routing it with them from the start.
    """
    publications = route(agency, record, mapper, received_at)
    if record.fields is not None and not record.raw and any(p.dead_letter for p in publications):
        return route(agency, replace(record, raw=raw_of(record.fields)), mapper, received_at)
    return publications
