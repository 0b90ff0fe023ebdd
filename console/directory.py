"""Who a pseudonymous person is: names and masked identifiers from the agencies' intake events.

The case views carry no names (`sanpalang.hub.CasePerson` is pseudonymised), but an operator
acting on a case needs to know whom a call is about. The console reads the intake topics its
principal may read, keeps per (event, person ref) the names as each agency spelt them and the
identifiers **masked** (the full value is never stored: the console has no use for it), and joins
them to hub persons through the views' person links. Pure: record in, rows out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from console.present import mask_identifier

__all__ = ["PersonEntry", "entries_of", "display_names"]


@dataclass(frozen=True)
class PersonEntry:
    event_id: str
    person_ref: str
    agency: str
    names: tuple[str, ...]                      # full names, each spelling once, in the source's order
    identifiers: tuple[tuple[str, str], ...]    # (kind, masked value)


def entries_of(event: Mapping[str, Any], agency: str | None = None) -> list[PersonEntry]:
    """The persons of one decoded intake event (any agency's schema: all share the envelope).
    With ``agency`` (the agency whose intake topic it came from), an event naming another agency
    in its envelope gives nothing: one agency cannot name the persons of another's events."""
    envelope = event.get("envelope") or {}
    if agency is not None and str(envelope.get("agency", "")) != agency:
        return []
    out = []
    for person in envelope.get("persons") or []:
        names = tuple(dict.fromkeys(n["full"].strip() for n in person.get("names") or [] if n.get("full", "").strip()))
        ids = tuple(dict.fromkeys((str(i["kind"]), mask_identifier(i["value"])) for i in person.get("identifiers") or []
                                  if i.get("value")))
        out.append(PersonEntry(envelope["event_id"], person["person_ref"], str(envelope.get("agency", "")), names, ids))
    return out


def display_names(entries: list[tuple[str, ...]], limit: int = 4) -> list[str]:
    """Every spelling once across agencies, at most ``limit`` (a person may have dozens)."""
    seen: dict[str, None] = {}
    for names in entries:
        for name in names:
            seen.setdefault(name, None)
    return list(seen)[:limit]
