"""What every agency mapping shares: deterministic event ids, record versions, the envelope.

`event_id` is the UUIDv5, in the fixed `EVENT_NAMESPACE`, of the JSON array
`[agency, system, record_id, version, event_type]`: the same record sent twice has the same id
and a new version a new one. The event type is part of the name because some systems keep one
record id for successive steps (a custody record later extended, a deportation row whose status
moves from SCHEDULED to EXECUTED). A JSON array, not a joined string, so that no id containing a
separator can collide with another.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from connectors.mapping.fields import FieldReader
from connectors.normalise import BANGKOK
from connectors.records import Event

__all__ = ["EVENT_NAMESPACE", "Head", "Translation", "content_version", "event_id", "finish", "make_event",
           "read_head"]

# Fixed for ever: uuid5(NAMESPACE_URL, "https://sanpalang.example/ns/intake-events"). Changing it
# would give every replayed record a new event id.
EVENT_NAMESPACE = uuid.UUID("3b87a3c0-c40a-5fea-8014-86ddb018078d")


def event_id(agency: str, system: str, record_id: str, version: str, event_type: str) -> str:
    name = json.dumps([agency, system, record_id, version, event_type], ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(EVENT_NAMESPACE, name))


def content_version(fields: Mapping[str, Any]) -> str:
    """The version of a record that has none: a digest of its content (keys sorted, so column
    order does not matter; any change of a value gives a new version). A record is written as
    [key, value] pairs, not an object, so that keys of other types (a number, a text "1") and
    values JSON cannot carry (a date, NaN) still give one fixed text."""
    canonical = json.dumps(_canonical(fields, 0), ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _canonical(value: Any, depth: int) -> Any:
    if depth > 40:
        return repr(value)
    if isinstance(value, Mapping):
        return [[str(k), _canonical(v, depth + 1)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, (list, tuple)):
        return [_canonical(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


@dataclass(frozen=True)
class Translation:
    """The events of one native record, and what was left out of them (for the shell to log)."""

    events: tuple[Event, ...]
    notes: tuple[str, ...] = field(default=())


@dataclass
class Head:
    """The envelope values of one record; None where the record did not give a readable value."""

    agency: str
    system: str
    record_id: str | None
    version: str | None
    province: str | None
    occurred_at: datetime | None
    recorded_at: datetime | None
    case_ref: str | None = None

    @property
    def as_of(self) -> date | None:
        """The event's date in Thailand: what ages are counted on."""
        return _bangkok_date(self.occurred_at) if self.occurred_at else None


@functools.lru_cache(maxsize=4096)   # asked once a person; the same moments come back (a batch of one day)
def _bangkok_date(moment: datetime) -> date:
    """Equal datetimes are the same instant, which has one date in Bangkok: the cache is exact."""
    return moment.astimezone(BANGKOK).date()


def read_head(r: FieldReader, agency: str, system: str, *, record_id: str | None, occurred: str, province: str,
              version: Sequence[str] = (), recorded: Sequence[str] = (), case: str | None = None,
              record_id_value: str | None = None) -> Head:
    """Envelope values from the named fields. The version is the first version field given, else the
    content digest; `recorded_at` the first recorded field given, else `occurred_at`."""
    rid = record_id_value if record_id is None else r.ident(record_id, required=True)
    given_version = next((k for k in version if r.given(k)), None)
    ver = r.ident(given_version) if given_version else content_version(r.fields)
    occurred_at = r.moment(occurred, required=True)
    given_recorded = next((k for k in recorded if r.given(k)), None)
    recorded_at = r.moment(given_recorded) if given_recorded else occurred_at
    return Head(agency, system, rid, ver, r.province(province), occurred_at, recorded_at,
                r.ident(case) if case else None)


def make_event(head: Head, event_type: str, details: Mapping[str, Any], persons: Iterable[Mapping[str, Any]] = (),
               organisations: Iterable[Mapping[str, Any]] = ()) -> Event:
    """The canonical event (`sanpalang.<agency>.<event_type>`) of a record read without problems."""
    assert head.record_id and head.version and head.province and head.occurred_at and head.recorded_at
    envelope = {
        "event_id": event_id(head.agency, head.system, head.record_id, head.version, event_type),
        "event_type": event_type,
        "agency": head.agency,
        "source": {"system": head.system, "record_id": head.record_id, "record_version": head.version},
        "province": head.province,
        "occurred_at": head.occurred_at,
        "recorded_at": head.recorded_at,
        "persons": list(persons),
        "organisations": list(organisations),
        "agency_case_ref": head.case_ref,
    }
    return Event(f"sanpalang.{head.agency}.{event_type}", {"envelope": envelope, **details})


def finish(r: FieldReader, head: Head, event_type: str, details: Mapping[str, Any],
           persons: Iterable[Mapping[str, Any]] = (), organisations: Iterable[Mapping[str, Any]] = ()) -> Translation:
    """Raise the record's problems, if any; else its one event and the notes."""
    r.finish()
    return Translation((make_event(head, event_type, details, persons, organisations),), tuple(r.notes))
