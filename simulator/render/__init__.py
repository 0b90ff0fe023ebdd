"""Facts -> native records, in exactly the shapes of connectors/agencies/NATIVE.md.

`render(fact, ink)` gives a `Rendered`: the native record, where it is delivered (channel and
target: the police or hotline HTTP intake, a labour or social export file kind, an immigration
table), its source system, record id and canonical event type, and the truth of its contents:
which event person ref (p1, p2...) and organisation ref (o1...) is which true person and
organisation. Refs follow the order in which the agency mappings number them.

`Ink` holds what spans records: record-id counters, the record id and person text of a record
with several versions (a custody record and its extension are one record; the shelter writes the
same person on the admission and the discharge), agency case numbers per case, and the crew cells
of a voyage (a PIPO centre copies the port-out crew list into the port-in report). Each record
draws from its own `random.Random(f"{seed}:render:{seq}")`, so a change to one record does not
reshuffle the others.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from simulator.model import Organisation, Person, World
from simulator.story import Fact

__all__ = ["EVENT_TYPES", "Ink", "Rendered", "render"]

EVENT_TYPES = {
    "rescue": "RescueConducted", "custody_started": "CustodyStarted", "custody_extended": "CustodyExtensionGranted",
    "case_opened": "CriminalCaseOpened", "suspect_identified": "SuspectIdentified", "ticac_tip": "TicacTipReceived",
    "custody_ended": "CustodyEnded",
    "crossings": "BorderCrossingRecorded", "detentions": "DetentionAdmitted",
    "inspection": "InspectionCompleted", "rorbor1": "RorBor1ScreeningSubmitted", "pipo_out": "PipoPortOutReported",
    "pipo_in": "PipoPortInReported", "pipo_finding": "PipoInspectionFindingRecorded",
    "employer_change": "EmployerChanged", "complaint": "WorkerComplaintFiled",
    "shelter_intake": "ShelterIntakeRecorded", "shelter_exit": "ShelterExitRecorded",
    "mdt_scheduled": "MdtScreeningScheduled", "mdt_completed": "MdtScreeningCompleted",
    "rights_informed": "RightsInformed", "support_plan": "SupportPlanCreated",
    "repatriation_approved": "RepatriationApproved", "repatriation_completed": "RepatriationCompleted",
    "prevention": "PreventionActivity",
    "consent": "ConsentRecorded", "consent_withdrawn": "ConsentWithdrawn", "hotline": "HotlineReportReceived",
}


@dataclass
class Rendered:
    native: dict[str, Any]
    channel: str                    # police-http, social-http, labour-file, social-file, immigration-sql
    target: str                     # police, hotline, a file kind (inspection_, shelter_...), a table
    system: str
    record_id: str | None           # None for immigration rows until their id is assigned
    event_type: str
    persons: list[tuple[str, str, str]] = field(default_factory=list)   # (event person ref, pid, role)
    orgs: list[tuple[str, str]] = field(default_factory=list)           # (event org ref, oid)

    @property
    def agency_has_own_id(self) -> bool:
        """True unless the id lives in a `record_id` field (police, case management, hotline)."""
        return self.channel in ("labour-file", "immigration-sql") or self.target == "shelter_"


class Ink:
    """What rendering remembers across records (see the module docstring)."""

    def __init__(self, world: World, seed: int | str, prefix: str = "") -> None:
        self.world, self.seed = world, seed
        self.prefix = f"{prefix}-" if prefix else ""
        self._numbers: Counter[str] = Counter()
        self._ids: dict[str, str] = {}
        self._versions: Counter[str] = Counter()
        self._case_refs: dict[tuple[str, str], str] = {}
        self.memo: dict[Any, Any] = {}

    def rng(self, fact: Fact) -> random.Random:
        return random.Random(f"{self.seed}:render:{fact.seq}")

    def papers(self, fact: Fact) -> random.Random:
        """How a record writes the papers of `papers.py`: a stream of its own, so that the record's
        other fields are drawn as they were before persons carried them."""
        return random.Random(f"{self.seed}:papers:render:{fact.seq}")

    def number(self, family: str, start: int = 1) -> int:
        """The next number of an id family (record ids start at a plausible offset, not 1)."""
        if family not in self._numbers:
            self._numbers[family] = start + (sum(map(ord, family)) * 37) % 900
        self._numbers[family] += 1
        return self._numbers[family]

    def record_id(self, fact: Fact, make: Callable[[], str]) -> str:
        """The record id of `fact`: a new one, or the one its key already has."""
        if fact.key and fact.key in self._ids:
            return self._ids[fact.key]
        rid = self.prefix + make()
        if fact.key:
            self._ids[fact.key] = rid
        return rid

    def version(self, fact: Fact) -> int:
        """1 for a record's first version, then 2, 3... for later facts with the same key."""
        if not fact.key:
            return 1
        self._versions[fact.key] += 1
        return self._versions[fact.key]

    def case_ref(self, case: str | None, agency: str, make: Callable[[], str]) -> str | None:
        if case is None:
            return None
        if (case, agency) not in self._case_refs:
            self._case_refs[(case, agency)] = self.prefix + make()
        return self._case_refs[(case, agency)]

    def remember(self, key: Any, make: Callable[[], Any]) -> Any:
        """The same value for the same key (the person text of a multi-version record, a crew cell)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def person(self, pid: str) -> Person:
        return self.world.persons[pid]

    def org(self, oid: str) -> Organisation:
        return self.world.organisations[oid]


def render(fact: Fact, ink: Ink) -> Rendered:
    from simulator.render import immigration, labour, police, social

    module = {"police": police, "immigration": immigration, "labour": labour, "social": social}[fact.agency]
    return module.render(fact, ink)
