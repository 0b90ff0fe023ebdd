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

__all__ = ["Mapper", "RawOf", "dead_letter", "route", "route_deferred", "implausible_times", "CONNECTOR_VERSION",
           "TIME_TOLERANCE", "OLDEST_EVENT_AT", "ADVANCE_NOTICE"]

CONNECTOR_VERSION = "sanpalang-connectors/0.1"
TIME_TOLERANCE = dt.timedelta(hours=1)
"""How far an event time may lie after its own `recorded_at` or the intake's clock (`received_at`):
clocks of agency systems drift, and a time entered by hand is rounded; a year typo is months off."""
OLDEST_EVENT_AT = dt.datetime(2008, 6, 5, tzinfo=dt.timezone.utc)
"""No event the hub handles can be older than the Anti-Trafficking in Persons Act B.E. 2551, in
force on 5 June 2008: its procedures (s.29 custody, MDT screening) did not exist before. An earlier
time is a B.E./C.E. slip (2568 read as C.E. 1482 ...) or a mistyped century."""
ADVANCE_NOTICE = {"sanpalang.labour.PipoPortOutReported": dt.timedelta(days=3),
                  "sanpalang.labour.PipoPortInReported": dt.timedelta(days=3)}
"""Events announced before they happen: a PIPO notice is filed 24 h before the vessel leaves or
enters port (DOMAIN.md), so its event time (the movement) follows its recorded time by a day or so.
*Default*: up to 3 days ahead (the 24 h notice, filed early or the departure put back a day or two)."""
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
        implausible = implausible_times(events, received_at)
        if implausible:
            raise MappingError(implausible, code="implausible-time")
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


def _utc(moment: dt.datetime | int) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.timezone.utc)
    return dt.datetime.fromtimestamp(moment / 1000, tz=dt.timezone.utc)


def implausible_times(events: Sequence[Event], received_at: dt.datetime,
                      tolerance: dt.timedelta = TIME_TOLERANCE) -> list[str]:
    """Why the events' times cannot be true, one line each (empty: plausible).

    An event time later than the record's own `recorded_at`, or than the intake's clock when it
    arrived (`received_at`), by more than `tolerance` (plus `ADVANCE_NOTICE` for announced
    events) is a record nobody could have written yet: a Buddhist-Era year one off (2569 for
    2568), a year typed twice, a day and month swapped. One such time accepted would move the hub's
    clock and fire or expire every province's deadlines, so the record is dead-lettered with this
    reason for its agency to correct. An event time before `OLDEST_EVENT_AT` is as impossible."""
    problems = []
    received = _utc(received_at)
    for event in events:
        envelope = event.record["envelope"]
        occurred, recorded = _utc(envelope["occurred_at"]), _utc(envelope["recorded_at"])
        ahead = tolerance + ADVANCE_NOTICE.get(event.schema, dt.timedelta(0))
        what = f"occurred_at {occurred.isoformat()}"
        if occurred > recorded + ahead:
            problems.append(f"{what} is after the record's recorded_at {recorded.isoformat()} "
                            f"(by more than {_span(ahead)}): a mistyped date (a B.E./C.E. year, day and month swapped?)")
        if occurred > received + ahead:
            problems.append(f"{what} is in the future: the record was received at {received.isoformat()} "
                            f"(tolerance {_span(ahead)}); a mistyped year (2569 for 2568?)")
        if occurred < OLDEST_EVENT_AT:
            problems.append(f"{what} is before the Anti-Trafficking in Persons Act B.E. 2551 came into force "
                            f"({OLDEST_EVENT_AT.date().isoformat()}): a B.E./C.E. slip?")
    return problems


def _span(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"


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
