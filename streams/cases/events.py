"""Reading one agency event (`streams.events.Event`) into a `Fact`: what the fold and the rules need
of it, with hub person ids in place of the event's local person references.

Which events can open a case, which mark a *new* situation, which persons join cases and which
organisations they flag are declared here (tables) and in readers.py (per event type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from streams.cases.ages import DobRange, dob_range, is_minor_on, local_date
from streams.cases.model import Mark, MarkKind as K, Period, PersonFile, Voyage
from streams.cases.orgs import OrgKey
from streams.cases.readers import CREW_LISTS, READERS, PortIn, EventFacts
from streams.events import Event, EventPerson

__all__ = ["Fact", "FactPerson", "PortIn", "PersonIds", "read_event", "OPENING", "NEW_SITUATION", "CREW_LISTS"]

PersonIds = Mapping[tuple[str, str], str]
"""(event_id, person_ref) -> hub person id, from the matcher (persons.links.v1)."""

OPENING = frozenset({
    "RescueConducted", "CustodyStarted", "CustodyExtensionGranted", "CriminalCaseOpened",
    "SuspectIdentified", "TicacTipReceived", "HotlineReportReceived", "MdtScreeningScheduled",
    "MdtScreeningCompleted", "ShelterIntakeRecorded", "ShelterExitRecorded", "RightsInformed",
    "SupportPlanCreated", "RepatriationApproved", "RepatriationCompleted", "ConsentRecorded",
    "CustodyEnded", "SupportPlanClosed", "FollowUpVisitRecorded"})
"""Events that open a case when they join none: each is about a trafficking situation. Others open
one only with indicators, a referral or a mismatch (readers.py) - or when they name a person who
is, or may be, under 18 (rule 4: any event). Routine events otherwise join or are dropped."""
NEW_SITUATION = frozenset({
    "RescueConducted", "CustodyStarted", "TicacTipReceived", "HotlineReportReceived",
    "InspectionCompleted", "RorBor1ScreeningSubmitted", "WorkerComplaintFiled",
    "PipoInspectionFindingRecorded", "PipoPortInReported", "MdtScreeningScheduled",
    "ShelterIntakeRecorded"})
"""Events that start a new situation for a person whose part in an earlier one ended: they do not
join that earlier case through that person (a repeat victim gets a new case, and rule 7)."""


class FactPerson(NamedTuple):
    person_id: str
    role: str
    nationality: str | None
    dob: DobRange | None


@dataclass(frozen=True, slots=True)
class Fact:
    event_id: str
    event_type: str
    agency: str
    province: str
    occurred_at: datetime
    agency_case_ref: str | None
    persons: tuple[FactPerson, ...]
    orgs: tuple[OrgKey, ...]
    flagged: tuple[str, ...]                 # org keys this event flags (joins; rule 8 unless not signalled)
    joiners: tuple[str, ...]                 # person ids that join cases
    marks: tuple[Mark, ...]
    opens: bool
    new_situation: bool
    ends: tuple[str, ...] = ()               # person ids whose part in the situation ends
    appearances: tuple[tuple[str, str], ...] = ()   # (person id, kind) for the person index
    voyage: Voyage | None = None             # a port-out to remember
    port_in: PortIn | None = None            # a port-in to compare
    signals_flags: bool = True               # False: flags join cases but are no rule 8 flag
    files: tuple[PersonFile, ...] = ()       # the case file's records of this event's persons
    exploitation: tuple[str, ...] = ()       # forms of exploitation the event suspects or establishes


def _files(r: EventFacts, d: Mapping[str, Any]) -> tuple[PersonFile, ...]:
    """The case-file records of an event: its person's (or inspected workers') exploitation, means
    of control (a labour event's indicators), interpreter, period and who decided the status."""
    types, means = d.get("exploitation_types") or (), d.get("means_of_control") or d.get("indicators") or ()
    interpreter, period, decided = d.get("interpreter_language"), d.get("exploitation_period"), d.get("decided_by")
    if not (types or means or interpreter or period or decided or d.get("decided_by_name")):
        return ()
    refs = [d["person_ref"]] if d.get("person_ref") else list(d.get("worker_person_refs") or ())
    when = Period(period.get("started_on"), period.get("ended_on"), period.get("province"), period.get("district"),
                  period.get("country"), period.get("place")) if period else None
    return tuple(PersonFile(r.pid(ref), tuple(types), tuple(means), interpreter, when, decided,
                            d.get("decided_by_name")) for ref in refs)


def _person(r: EventFacts, p: EventPerson) -> FactPerson:
    dob = dob_range(p.date_of_birth, p.dob_precision, p.age_years, r.at)
    return FactPerson(r.pid(p.ref), p.role, p.nationality, dob)


def read_event(event: Event, person_ids: PersonIds) -> Fact:
    """The fact of one event."""
    event_type, details = event.event_type, event.details
    r = EventFacts(event, person_ids, event_type in OPENING)
    READERS.get(event.agency, lambda *_: None)(r, details)
    everyone = [_person(r, p) for p in event.persons]
    today = local_date(r.at)
    minors = [fp for fp in everyone if is_minor_on(fp.dob, today)]
    crew_list = event_type in CREW_LISTS
    persons = [fp for fp in everyone if fp in minors] if crew_list else everyone
    joiners: dict[str, None] = {}
    for ref in [*r.focal, *([] if crew_list else r.victims())]:
        if r.roles.get(ref) != "Suspect":
            joiners[r.pid(ref)] = None
    joiners.update((fp.person_id, None) for fp in minors if fp.role != "Suspect")
    for fp in everyone:
        if fp.role == "Suspect" and not any(m.kind == K.SUSPECT and m.subject == fp.person_id for m in r.marks):
            r.mark(K.SUSPECT, fp.person_id)
    r.appearances.extend((m.subject, "suspect") for m in r.marks if m.kind == K.SUSPECT)
    return Fact(
        event_id=r.event_id, event_type=event_type, agency=event.agency, province=r.province,
        occurred_at=r.at, agency_case_ref=event.agency_case_ref, persons=tuple(persons),
        orgs=tuple(dict.fromkeys(r.orgs.values())), flagged=tuple(dict.fromkeys(r.flagged)),
        joiners=tuple(joiners), marks=tuple(r.marks), opens=r.opens or bool(minors),
        new_situation=event_type in NEW_SITUATION, ends=tuple(p for p in r.ends if p),
        appearances=tuple(dict.fromkeys(r.appearances)), voyage=r.voyage, port_in=r.port_in,
        signals_flags=r.signals_flags, files=_files(r, details),
        exploitation=tuple(details.get("suspected_exploitation") or details.get("exploitation_types") or ()))
