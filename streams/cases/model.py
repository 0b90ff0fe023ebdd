"""The state of one joint case: immutable values, compact (tuples of named tuples, interned
strings), rebuilt with `dataclasses.replace` by the fold.

A case keeps what the view shows (persons, organisations, references, timeline) and **marks**: one
small fact per event and person that the rules read ("custody of p7 started at t", "p7 was
screened Actual at t"). Marks are the only case state the alert rules need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

__all__ = ["Mark", "TimelineEntry", "CasePerson", "CaseOrg", "Case", "Voyage", "MarkKind", "Period", "PersonFile",
           "JOIN_ROLES", "WHOLE_CASE"]

WHOLE_CASE = "*"
"""Subject of a mark about the whole case (a police case naming no victim)."""

JOIN_ROLES = frozenset({"PotentialVictim", "Victim", "Child", "Worker", "Crew"})
"""Roles on the side of the exploited: a person in one of them joins events into one case.
Suspects, witnesses, reporters, guardians never do (one broker in many situations, one NGO worker
reporting many) - a suspect shared by cases is rule 12's business, not a merge."""


class MarkKind:
    """Kinds of marks (plain interned strings, so that state stays JSON)."""

    RESCUED = "rescued"
    CUSTODY = "custody"                      # value: CustodyStarted event id
    CUSTODY_ENDED = "custody-ended"          # value: Released, HandedToShelter, HandedToImmigration
    EXTENSION = "extension"                  # value: custody event id or None; until_at: end
    POLICE_CASE = "police-case"              # subject: victim, or WHOLE_CASE
    SUSPECT = "suspect"
    TIP = "tip"
    HOTLINE = "hotline"
    BORDER_OUT = "border-out"
    BORDER_IN = "border-in"
    DETENTION = "detention"
    DETENTION_RELEASED = "detention-released"
    DEPORTATION_SCHEDULED = "deportation-scheduled"   # until_at: scheduled time
    DEPORTATION_HALTED = "deportation-halted"        # value: Cancelled or Held
    DEPORTED = "deported"                             # value: destination country
    INSPECTED = "inspected"                  # worker with forced-labour indicators
    ROR_BOR_1 = "ror-bor-1"                  # value: "referred" (indicators + referral), "unreferred" (indicators,
                                             # no referral) or "no-indicators" (a referral only)
    COMPLAINT = "complaint"
    PIPO_MISMATCH = "pipo-mismatch"          # subject: vessel key; value: mismatch kinds; until_at: port-in
    SCREENING_SCHEDULED = "screening-scheduled"
    OUTCOME = "outcome"                      # value: TraffickingStatus
    SHELTER = "shelter"                      # value: ShelterKind
    SHELTER_EXIT = "shelter-exit"            # value: ShelterExitReason
    RIGHTS = "rights"
    SUPPORT_PLAN = "support-plan"
    SUPPORT_PLAN_CLOSED = "support-plan-closed"
    FOLLOW_UP = "follow-up"                  # value: "complete" when the visit closes reintegration follow-up
    CARE_REFUSED = "care-refused"            # a recorded refusal of shelter and assistance
    REPATRIATION_APPROVED = "repatriation-approved"   # value: destination country
    REPATRIATED = "repatriated"


class Mark(NamedTuple):
    at: datetime
    kind: str
    subject: str
    value: str | None = None
    until_at: datetime | None = None


class TimelineEntry(NamedTuple):
    event_id: str
    event_type: str
    agency: str
    occurred_at: datetime
    province: str


class CasePerson(NamedTuple):
    person_id: str
    roles: tuple[str, ...]
    nationality: str | None
    dob_earliest: date | None
    dob_latest: date | None
    first_at: datetime
    last_at: datetime
    joinable: bool                   # took part on the side of the exploited (see JOIN_ROLES)
    ended_at: datetime | None        # left the situation: shelter exit, repatriation, deportation

    @property
    def dob(self) -> tuple[date, date] | None:
        return (self.dob_earliest, self.dob_latest) if self.dob_earliest and self.dob_latest else None


class Period(NamedTuple):
    """When and where a person was exploited (`sanpalang.htcds.ExploitationPeriod`)."""

    started_on: date | None = None
    ended_on: date | None = None
    province: str | None = None
    district: str | None = None
    country: str | None = None
    place: str | None = None

    def filled_from(self, older: "Period | None") -> "Period":
        """This period, its blanks filled from an older record of it."""
        return self if older is None else Period(*(new if new is not None else old for new, old in zip(self, older)))


class PersonFile(NamedTuple):
    """What screening and protection work from about one person (HTCDS 2.0 victim context): not
    read by the rules, shown on the case file."""

    person_id: str
    exploitation: tuple[str, ...] = ()     # TypeOfExploitation, first recorded first
    means: tuple[str, ...] = ()            # MeansOfControl, first recorded first
    interpreter: str | None = None         # ISO 639, the latest recorded
    period: Period | None = None
    decided_by: str | None = None          # StatusDecisionMaker of the latest outcome that names one
    decided_by_name: str | None = None

    def then(self, later: "PersonFile") -> "PersonFile":
        """This file with a later record of the same person added (lists joined, latest values win)."""
        period = later.period.filled_from(self.period) if later.period else self.period
        decided = (later.decided_by, later.decided_by_name) if later.decided_by or later.decided_by_name \
            else (self.decided_by, self.decided_by_name)
        return PersonFile(self.person_id, tuple(dict.fromkeys((*self.exploitation, *later.exploitation))),
                          tuple(dict.fromkeys((*self.means, *later.means))), later.interpreter or self.interpreter,
                          period, *decided)


class CaseOrg(NamedTuple):
    org_key: str
    kind: str
    name: str
    registered: bool


class Voyage(NamedTuple):
    """A PIPO port-out waiting for its port-in (rule 9), kept outside cases."""

    voyage_id: str
    vessel_key: str
    out_at: datetime
    crew: tuple[str, ...]            # person ids, sorted
    vms_tracker_id: str | None
    licence: str | None
    province: str
    event_id: str
    due_at: datetime | None = None   # declared end of the trip (rule 9 overdue)


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    opened_at: datetime
    updated_at: datetime
    lead_province: str
    provinces: tuple[str, ...]
    stage: str
    status: str
    persons: tuple[CasePerson, ...] = ()
    orgs: tuple[CaseOrg, ...] = ()
    refs: tuple[tuple[str, str], ...] = ()       # (agency, reference)
    timeline: tuple[TimelineEntry, ...] = ()     # oldest first
    marks: tuple[Mark, ...] = ()                 # oldest first
    files: tuple[PersonFile, ...] = ()           # the case file, per person (the view shows them; rules do not read them)
    exploitation: tuple[str, ...] = ()           # TypeOfExploitation any event of the case suspects or establishes
    number: str | None = None                    # TH57-2569-0042: given by the fold when the case opens, kept for good
    absorbed: tuple[str, ...] = ()               # numbers of the cases merged into this one

    def person(self, person_id: str) -> CasePerson | None:
        for person in self.persons:
            if person.person_id == person_id:
                return person
        return None

    def marks_of(self, kind: str, subject: str | None = None) -> list[Mark]:
        return [m for m in self.marks if m.kind == kind and (subject is None or m.subject == subject)]

    def has_event(self, event_id: str) -> bool:
        return any(entry.event_id == event_id for entry in self.timeline)

    @property
    def first_event_at(self) -> datetime:
        return self.timeline[0].occurred_at if self.timeline else self.opened_at
