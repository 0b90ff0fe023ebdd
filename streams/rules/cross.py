"""The cross-case index of rules 7, 8, 12 and 13: one small entry per person and per organisation,
fed by the fold's signals, so that it can live in a table partitioned by its own key.

- `PersonEntry` (key: hub person id): when the person appeared in which case (`appeared`,
  `identified`, `possible-victim`, `not-a-victim`, `left-shelter`, `suspect`), with the case's
  lead province. Rules 7, 12 and 13.
- `OrgEntry` (key: organisation key): which agency flagged it when, in which case (rule 8); for a
  vessel, the voyages that declared their return and when each came back (rule 9, overdue).

Entries are immutable; `absorb` returns a new entry. `prune` drops what no window can need.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from streams.cases import CaseMerged, OrgFlagged, PersonSeen
from streams.cases.signals import VoyageDeparted, VoyageReturned
from streams.rules.case_rules import local_time
from streams.rules.spec import Finding, facts
from streams.rules.windows import RuleWindows

__all__ = ["Seen", "Flag", "Trip", "vessel_overdue", "PersonEntry", "OrgEntry", "absorb_person", "absorb_org",
           "merge_person_entries", "merge_org_entries", "prune_person", "prune_org", "repeat_victim",
           "multi_agency_hotspot", "suspect_across_provinces", "victim_treated_as_offender"]


class Seen(NamedTuple):
    at: datetime
    kind: str
    case_id: str
    province: str


class Flag(NamedTuple):
    at: datetime
    agency: str
    case_id: str | None
    province: str


class Trip(NamedTuple):
    """A voyage that declared its return: left at `at`, due back at `due_at`, back at `returned_at`."""

    voyage_id: str
    at: datetime
    due_at: datetime | None
    returned_at: datetime | None
    province: str


@dataclass(frozen=True, slots=True)
class PersonEntry:
    person_id: str
    seen: tuple[Seen, ...] = ()


@dataclass(frozen=True, slots=True)
class OrgEntry:
    org_key: str
    kind: str = "Other"
    name: str = ""
    flags: tuple[Flag, ...] = ()
    trips: tuple[Trip, ...] = ()


def _rename(case_id: str | None, signal: CaseMerged) -> str | None:
    return signal.into_case if case_id == signal.from_case else case_id


def absorb_person(entry: PersonEntry | None, signals: Iterable[PersonSeen | CaseMerged], person_id: str) -> PersonEntry:
    entry = entry or PersonEntry(person_id)
    seen = set(entry.seen)
    for signal in signals:
        if isinstance(signal, PersonSeen):
            seen.add(Seen(signal.at, signal.kind, signal.case_id, signal.province))
        elif isinstance(signal, CaseMerged):
            seen = {s._replace(case_id=_rename(s.case_id, signal)) for s in seen}
    return replace(entry, seen=tuple(sorted(seen)))


def absorb_org(entry: OrgEntry | None, signals: Iterable[OrgFlagged | CaseMerged | VoyageDeparted | VoyageReturned],
               org_key: str) -> OrgEntry:
    entry = entry or OrgEntry(org_key)
    flags = set(entry.flags)
    kind, name = entry.kind, entry.name
    trips = {t.voyage_id: t for t in entry.trips}
    for signal in signals:
        if isinstance(signal, VoyageDeparted):
            old = trips.get(signal.voyage_id)
            trips[signal.voyage_id] = Trip(signal.voyage_id, signal.at, signal.due_at, old and old.returned_at,
                                           signal.province)
        elif isinstance(signal, VoyageReturned):
            old = trips.get(signal.voyage_id)
            trips[signal.voyage_id] = (old or Trip(signal.voyage_id, signal.at, None, None, ""))._replace(
                returned_at=signal.at if not (old and old.returned_at) else min(old.returned_at, signal.at))
        elif isinstance(signal, OrgFlagged):
            flags.add(Flag(signal.at, signal.agency, signal.case_id, signal.province))
            kind, name = signal.kind, signal.name or name
        elif isinstance(signal, CaseMerged):
            flags = {f._replace(case_id=_rename(f.case_id, signal)) for f in flags}
    return replace(entry, kind=kind, name=name, flags=tuple(sorted(flags, key=lambda f: (f.at, f.agency, f.case_id or ""))),
                   trips=tuple(sorted(trips.values(), key=lambda t: (t.at, t.voyage_id))))


def merge_person_entries(into: PersonEntry | None, merged: Iterable[PersonEntry | None], person_id: str) -> PersonEntry:
    """The entry of `person_id` after the matcher merged other persons into it."""
    seen = set(into.seen if into else ())
    for other in merged:
        if other is not None:
            seen.update(other.seen)
    return PersonEntry(person_id, tuple(sorted(seen)))


def merge_org_entries(into: OrgEntry | None, named: Iterable[OrgEntry | None], org_key: str) -> OrgEntry:
    """The entry of the registered organisation `org_key` with the flags and trips of the entries
    kept under its name before its registration was known (`OrgsNamed`)."""
    entries = [e for e in (into, *named) if e is not None]
    flags = {f for e in entries for f in e.flags}
    trips = {t.voyage_id: t for e in entries for t in e.trips}
    kind, name = (into.kind, into.name) if into is not None else (entries[0].kind, entries[0].name)
    return OrgEntry(org_key, kind, name, tuple(sorted(flags, key=lambda f: (f.at, f.agency, f.case_id or ""))),
                    tuple(sorted(trips.values(), key=lambda t: (t.at, t.voyage_id))))


_AT = operator.attrgetter("at")


def prune_person(entry: PersonEntry, now: datetime, w: RuleWindows) -> PersonEntry | None:
    """The entry without what no window can need; the entry itself when nothing aged out (the daily
    expiry meets most entries unchanged: checked with one C-level min, no new tuple), None when
    nothing is left."""
    keep = now - max(w.repeat_victim, w.suspect_provinces)
    if entry.seen and min(map(_AT, entry.seen)) >= keep:
        return entry
    seen = tuple(s for s in entry.seen if s.at >= keep)
    return replace(entry, seen=seen) if seen else None


def prune_org(entry: OrgEntry, now: datetime, w: RuleWindows) -> OrgEntry | None:
    """As `prune_person`, for an organisation's flags."""
    keep = now - w.hotspot
    if entry.flags and min(map(_AT, entry.flags)) >= keep and not entry.trips:
        return entry
    flags = tuple(f for f in entry.flags if f.at >= keep)
    trips = tuple(t for t in entry.trips if t.returned_at is None or t.returned_at >= keep)
    if (flags, trips) == (entry.flags, entry.trips):
        return entry
    return replace(entry, flags=flags, trips=trips) if flags or trips else None


def repeat_victim(entry: PersonEntry, w: RuleWindows) -> Iterator[Finding]:
    """default (365 days): a person once identified (screened Actual) or who left a shelter appears
    again, in another case, in a rescue, screening, inspection or hotline event within 365 days.
    One alert per new case; operators resolve it."""
    before = [s for s in entry.seen if s.kind in ("identified", "left-shelter")]
    raised: set[str] = set()
    for seen in entry.seen:
        if seen.kind != "appeared" or seen.case_id in raised:
            continue
        for prior in before:
            if prior.case_id != seen.case_id and prior.at < seen.at <= prior.at + w.repeat_victim:
                what = "identified as a victim" if prior.kind == "identified" else "left a shelter"
                raised.add(seen.case_id)
                yield Finding("repeat", entry.person_id, seen.at, None,
                              f"{what} on {local_time(prior.at)} in case {prior.case_id}, appears again",
                              case_id=seen.case_id, province=seen.province,
                              facts=facts(what=f"repeat-{prior.kind}", since=seen.at, prior_at=prior.at,
                                          prior_case=prior.case_id))
                break


def _first_pair(items: list, differ, within) -> tuple | None:
    for j, later in enumerate(items):
        for earlier in items[:j]:
            if differ(earlier, later) and later.at - earlier.at <= within:
                return earlier, later
    return None


def multi_agency_hotspot(entry: OrgEntry, w: RuleWindows) -> Iterator[Finding]:
    """default (90 days): the same employer, vessel or premises flagged by two or more agencies
    within 90 days of each other. Immediate, on the case of the flag that made it a hotspot (the
    other cases are named in the message); operators resolve it."""
    pair = _first_pair(list(entry.flags), lambda a, b: a.agency != b.agency, w.hotspot)
    if pair:
        first, second = pair
        agencies = sorted({f.agency for f in entry.flags if abs(f.at - second.at) <= w.hotspot})
        cases = sorted({f.case_id for f in entry.flags if f.case_id and f.case_id != second.case_id})
        yield Finding("hotspot", entry.org_key, second.at, None,
                      f"{entry.name or entry.org_key} flagged by {', '.join(agencies)}"
                      + (f" (also cases {', '.join(cases)})" if cases else ""), case_id=second.case_id,
                      province=second.province,
                      facts=facts(what="hotspot", since=second.at, org=entry.name or entry.org_key, org_kind=entry.kind,
                                  agencies=",".join(agencies), cases=",".join(cases) or None))


def suspect_across_provinces(entry: PersonEntry, w: RuleWindows) -> Iterator[Finding]:
    """default (180 days): one suspect named in cases of two or more provinces (the provinces of the
    events naming them) within 180 days. Immediate, on the case that named them in the second
    province; operators resolve it."""
    suspect = [s for s in entry.seen if s.kind == "suspect"]
    pair = _first_pair(suspect, lambda a, b: a.case_id != b.case_id and a.province != b.province,
                       w.suspect_provinces)
    if pair:
        first, second = pair
        where = sorted({f"{s.province} (case {s.case_id})" for s in suspect if s.case_id != second.case_id})
        others = [s for s in suspect if s.case_id != second.case_id]
        yield Finding("provinces", entry.person_id, second.at, None, f"suspect also in {', '.join(where)}",
                      case_id=second.case_id, province=second.province,
                      facts=facts(what="suspect-provinces", since=second.at,
                                  provinces=",".join(sorted({s.province for s in others})),
                                  cases=",".join(sorted({s.case_id for s in others}))))


_STATUS = {"identified": "an identified victim", "possible-victim": "a possible victim", "not-a-victim": None}


def victim_treated_as_offender(entry: PersonEntry, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.41 (victims are not prosecuted for offences committed while trafficked): a person
    whose latest MDT outcome is Possible or Actual is named as a suspect, charged or prosecuted -
    or is screened Possible or Actual after being named as one. Immediate, Critical, on the case
    that named them as suspect; operators resolve it (with the reason)."""
    status: str | None = None
    kind = ""
    named: Seen | None = None
    for seen in entry.seen:                      # oldest first
        if seen.kind in _STATUS:
            status, kind = _STATUS[seen.kind], seen.kind
            if status and named:
                yield Finding("offender", entry.person_id, seen.at, None,
                              f"named as suspect on {local_time(named.at)} (case {named.case_id}), "
                              f"screened {status} on {local_time(seen.at)}", case_id=named.case_id,
                              province=named.province,
                              facts=facts(what="offender-screened", since=seen.at, status=seen.kind,
                                          named_at=named.at, named_case=named.case_id))
                return
        elif seen.kind == "suspect":
            named = named or seen
            if status:
                yield Finding("offender", entry.person_id, seen.at, None,
                              f"{status} named as suspect on {local_time(seen.at)}", case_id=seen.case_id,
                              province=seen.province, facts=facts(what="offender-named", since=seen.at, status=kind))
                return


def vessel_overdue(entry: OrgEntry, w: RuleWindows) -> Iterator[Finding]:
    """Royal Ordinance on Fisheries B.E. 2558 (port-in / port-out control): a vessel that left port
    declaring when it would be back (PipoPortOutReported.expected_return_at) and has not reported
    its port-in by then: Warning at the declared end of the trip, Critical at twice the trip's
    length after it left. Cleared by the port-in of the voyage. No case: the vessel is the subject."""
    for trip in entry.trips:
        if trip.due_at is None:
            continue
        late = f"left port {local_time(trip.at)}, due back {local_time(trip.due_at)}"
        twice = trip.at + 2 * (trip.due_at - trip.at)
        told = facts(left_at=trip.at, due_back_at=trip.due_at, vessel=entry.name or entry.org_key, missing="port-in",
                     cleared_by=trip.returned_at and "port-in")
        yield Finding("overdue", entry.org_key, trip.due_at, trip.returned_at, f"{late}, not back in port",
                      province=trip.province, facts=facts(what="vessel-overdue", since=trip.due_at) + told)
        yield Finding("overdue-twice", entry.org_key, twice, trip.returned_at,
                      f"{late}, not back at twice the trip's length", province=trip.province,
                      facts=facts(what="vessel-overdue-twice", since=twice) + told)
