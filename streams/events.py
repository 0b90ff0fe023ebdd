"""One agency event as the hub reads it: the decoded Avro record (`schemas.decode`) turned once, where
it enters the worker (`Correlator.event`), into a typed, frozen `Event`. The matcher
(`matching.persons.person_record`), the fold (`cases.read_event`), the rules (`rules.on_event`) and
the consent ledger take it; none of them reads `record["envelope"]` or parses a time again.

    event = Event.of("sanpalang.police.RescueConducted", record)
    event.occurred_at, event.province, event.persons[0].role, event.details["rescued_person_refs"]

The envelope (`sanpalang.common.Envelope`) is typed field by field; what differs per event type is
left as it was decoded, read-only, in `details`: the per-agency readers (`cases.readers`) branch on
the type and read it there. Persons and organisations are named tuples (immutable too, and cheaper
to build than dataclasses: every event has some, and the worker builds each event on its hot path).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = ["Event", "EventPerson", "EventOrganisation", "SourceRef", "as_utc", "as_date"]

_EPOCH = date(1970, 1, 1)
_TYPES: dict[str, str] = {}      # full schema name -> its last part, interned (a few dozen names)


def as_utc(value: datetime | int) -> datetime:
    """An aware UTC datetime from a decoded timestamp (aware datetime, or int milliseconds)."""
    if isinstance(value, datetime):
        if value.tzinfo is timezone.utc:       # as fastavro decodes them
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime: event times must be timezone-aware")
        return value.astimezone(timezone.utc)
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def as_date(value: Any) -> date | None:
    """A date from a decoded Avro date (`date`), days since 1970 (raw int) or ISO text (the JSON
    examples); a datetime gives its own date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return _EPOCH + timedelta(days=value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 10:  # an ISO timestamp
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return date.fromisoformat(text)


class SourceRef(NamedTuple):
    """Where the agency holds the record (`sanpalang.common.SourceRef`)."""

    system: str
    record_id: str
    record_version: str | None = None


class EventPerson(NamedTuple):
    """One person of an event (`sanpalang.common.Person`), as the hub uses it: `names` are the
    full spellings the source holds, `identifiers` its (kind, value) pairs."""

    ref: str
    role: str = "Other"
    names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    dob_precision: str = "Unknown"
    age_years: int | None = None
    sex: str = "Unknown"
    nationality: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, person: Mapping[str, Any]) -> EventPerson:
        """From a decoded `sanpalang.common.Person` (absent optional fields take their defaults)."""
        get = person.get
        born, names, identifiers = get("date_of_birth"), get("names"), get("identifiers")
        return cls._make((
            person["person_ref"], sys.intern(get("role") or "Other"),
            tuple([n["full"] for n in names if n.get("full")]) if names else (),
            born if born is None or born.__class__ is date else as_date(born), get("dob_precision") or "Unknown",
            get("age_years"), get("sex") or "Unknown", get("nationality"),
            tuple([(i.get("kind"), i["value"]) for i in identifiers if i.get("value")]) if identifiers else ()))


class EventOrganisation(NamedTuple):
    """One organisation of an event (`sanpalang.common.Organisation`)."""

    ref: str
    kind: str = "Other"
    name: str = ""
    registration_number: str | None = None
    vessel_registration: str | None = None
    licence: str | None = None
    province: str | None = None

    @classmethod
    def of(cls, org: Mapping[str, Any]) -> EventOrganisation:
        get = org.get
        return cls._make((org["org_ref"], sys.intern(str(get("kind") or "Other")), str(get("name") or ""),
                          get("registration_number"), get("vessel_registration"), get("licence"), get("province")))


@dataclass(frozen=True, slots=True)
class Event:
    """A decoded agency event, read once. `name` is the full schema name, `event_type` its last part;
    times are aware UTC datetimes; `details` is the type-specific rest of the record, read-only."""

    name: str
    event_type: str
    event_id: str
    agency: str
    source: SourceRef
    province: str
    occurred_at: datetime
    recorded_at: datetime
    persons: tuple[EventPerson, ...]
    organisations: tuple[EventOrganisation, ...]
    agency_case_ref: str | None
    details: Mapping[str, Any]

    @classmethod
    def of(cls, name: str, record: Mapping[str, Any]) -> Event:
        """From `schemas.decode` output (`name, record`); raises KeyError or ValueError on a record
        without the envelope's required fields or with a naive time."""
        env = record["envelope"]
        source = env["source"]
        persons, organisations = env.get("persons"), env.get("organisations")
        details = dict(record)
        del details["envelope"]
        return cls(   # positional, in the order of the fields: one event at a time is the worker's hot path
            name, _TYPES.get(name) or _TYPES.setdefault(name, sys.intern(name.rsplit(".", 1)[-1])), env["event_id"],
            sys.intern(env["agency"]),
            SourceRef(source["system"], source.get("record_id") or "", source.get("record_version")),
            sys.intern(env["province"]), as_utc(env["occurred_at"]), as_utc(env["recorded_at"]),
            tuple([EventPerson.of(p) for p in persons]) if persons else (),
            tuple([EventOrganisation.of(o) for o in organisations]) if organisations else (),
            env.get("agency_case_ref") or None, MappingProxyType(details))

    def __reduce__(self) -> tuple[Any, ...]:
        # a mappingproxy does not pickle, and the correlator's waiting events go into snapshots
        values = [getattr(self, f.name) for f in fields(self)]
        values[-1] = dict(self.details)
        return _event, tuple(values)


def _event(*values: Any) -> Event:
    return Event(*values[:-1], MappingProxyType(values[-1]))
