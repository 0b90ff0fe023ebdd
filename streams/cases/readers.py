"""Per-agency readers of event details: which persons an event is about, the marks it leaves, the
organisations it flags. Used by `read_event` (events.py), which declares what opens a case."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from streams.cases.model import JOIN_ROLES, WHOLE_CASE, Mark, MarkKind as K, Voyage
from streams.cases.orgs import OrgKey, org_key, vessel_key
from streams.events import Event, as_utc

__all__ = ["EventFacts", "PortIn", "READERS", "CREW_LISTS"]

CREW_LISTS = frozenset({"PipoPortOutReported", "PipoPortInReported"})
"""Routine crew lists: their persons join nothing and enter a case only when mismatched (or minors)."""


class PortIn(NamedTuple):
    voyage_id: str
    vessel_key: str
    crew: tuple[str, ...]
    vms_tracker_id: str | None
    licence: str | None


class EventFacts:
    """Collects what one event says; the agency functions below fill it."""

    def __init__(self, event: Event, person_ids: Mapping, opens: bool):
        self.type, self.event_id = event.event_type, event.event_id
        self.at, self.province = event.occurred_at, event.province
        self._ids = person_ids
        self.roles = {p.ref: p.role for p in event.persons}
        self.orgs: dict[str, OrgKey] = {}
        for org in event.organisations:
            key = org_key(org, self.province)
            if key is not None:
                self.orgs[org.ref] = key
        self.marks: list[Mark] = []
        self.flagged: list[str] = []
        self.focal: list[str] = []
        self.appearances: list[tuple[str, str]] = []
        self.ends: list[str] = []
        self.opens = opens
        self.signals_flags = True
        self.voyage: Voyage | None = None
        self.port_in: PortIn | None = None

    def pid(self, ref: str) -> str:
        found = self._ids.get((self.event_id, ref))
        if found:
            return found
        return "unlinked:" + str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.event_id}/{ref}"))

    def mark(self, kind: str, subject: str, value: str | None = None, until: Any = None) -> None:
        self.marks.append(Mark(self.at, kind, subject, value, as_utc(until) if until is not None else None))

    def focus(self, ref: str | None, kind: str | None = None, value: str | None = None,
              appearance: str | None = None, until: Any = None) -> str | None:
        if not ref:
            return None
        pid = self.pid(ref)
        self.focal.append(ref)
        if kind:
            self.mark(kind, pid, value, until)
        if appearance:
            self.appearances.append((pid, appearance))
        return pid

    def flag(self, refs: Any = None) -> None:
        keys = self.orgs.values() if refs is None else (self.orgs[r] for r in refs if r in self.orgs)
        self.flagged.extend(k.key for k in keys)

    def victims(self) -> list[str]:
        return [ref for ref, role in self.roles.items() if role in JOIN_ROLES]


def _police(r: EventFacts, d: Mapping[str, Any]) -> None:
    t = r.type
    if t == "RescueConducted":
        for ref in d.get("rescued_person_refs") or ():
            r.focus(ref, K.RESCUED, appearance="appeared")
        r.flag()
    elif t == "CustodyStarted":
        r.focus(d["person_ref"], K.CUSTODY, r.event_id)
    elif t == "CustodyEnded":
        r.focus(d["person_ref"], K.CUSTODY_ENDED, d.get("ended_how"))
    elif t == "CustodyExtensionGranted":
        r.focus(d["person_ref"], K.EXTENSION, d.get("custody_event_id"), until=d["extended_until"])
    elif t == "CriminalCaseOpened":
        victims = d.get("victim_person_refs") or ()
        for ref in victims:
            r.focus(ref, K.POLICE_CASE)
        if not victims:
            r.mark(K.POLICE_CASE, WHOLE_CASE)
        for ref in d.get("suspect_person_refs") or ():
            r.mark(K.SUSPECT, r.pid(ref))
        r.flag()
    elif t == "SuspectIdentified":
        r.mark(K.SUSPECT, r.pid(d["person_ref"]))
        r.flag(d.get("linked_org_refs") or ())
    elif t == "TicacTipReceived":
        for ref in r.victims():
            r.focus(ref, K.TIP)
        r.flag()


def _immigration(r: EventFacts, d: Mapping[str, Any]) -> None:
    t = r.type
    if t == "BorderCrossingRecorded":
        direction = d.get("direction")
        kind = K.BORDER_OUT if direction == "Out" else K.BORDER_IN if direction == "In" else None
        r.focus(d["person_ref"], kind)
    elif t == "DetentionAdmitted":
        r.focus(d["person_ref"], K.DETENTION)
        r.flag()
    elif t == "DetentionReleased":
        r.focus(d["person_ref"], K.DETENTION_RELEASED, d.get("released_to"))
    elif t == "DeportationScheduled":
        r.focus(d["person_ref"], K.DEPORTATION_SCHEDULED, d.get("destination_country"), until=d.get("scheduled_at"))
    elif t == "DeportationHalted":
        r.focus(d["person_ref"], K.DEPORTATION_HALTED, d.get("halt"))
    elif t == "DeportationExecuted":
        r.ends.append(r.focus(d["person_ref"], K.DEPORTED, d.get("destination_country")))


def _labour(r: EventFacts, d: Mapping[str, Any]) -> None:
    t = r.type
    indicators = bool(d.get("indicators"))
    if t == "InspectionCompleted" and indicators:
        r.opens = True
        for ref in d.get("worker_person_refs") or ():
            r.focus(ref, K.INSPECTED, appearance="appeared")
        r.flag([d["employer_org_ref"]])
    elif t == "RorBor1ScreeningSubmitted" and (indicators or d.get("referred_to_mdt")):
        r.opens = True
        referred = ("referred" if d.get("referred_to_mdt") else "unreferred") if indicators else "no-indicators"
        r.focus(d["person_ref"], K.ROR_BOR_1, referred, appearance="appeared")
        if indicators and d.get("employer_org_ref"):
            r.flag([d["employer_org_ref"]])
    elif t in ("RorBor1ScreeningSubmitted", "EmployerChanged"):
        r.focus(d["person_ref"])
    elif t == "WorkerComplaintFiled":
        r.opens = indicators
        r.focus(d["person_ref"], K.COMPLAINT if indicators else None)
        if indicators and d.get("employer_org_ref"):
            r.flag([d["employer_org_ref"]])
    elif t == "PipoInspectionFindingRecorded" and d.get("mismatch_kinds"):
        r.opens = True
        vessel = vessel_key(d["vessel_registration"])
        r.mark(K.PIPO_MISMATCH, vessel, ",".join(sorted(d["mismatch_kinds"])))
        for ref in d.get("person_refs") or ():
            r.focus(ref)
        r.flagged.append(vessel)
        if vessel not in {k.key for k in r.orgs.values()}:
            r.orgs["#vessel"] = OrgKey(vessel, "Vessel", d["vessel_registration"], True)
    elif t in CREW_LISTS:
        crew = tuple(sorted({r.pid(ref) for ref in d.get("crew_person_refs") or ()}))
        vessel = vessel_key(d["vessel_registration"])
        if t == "PipoPortOutReported":
            due = d.get("expected_return_at")
            r.voyage = Voyage(d["voyage_id"], vessel, r.at, crew, d.get("vms_tracker_id"),
                              d.get("fishing_licence"), r.province, r.event_id, as_utc(due) if due is not None else None)
        else:
            r.port_in = PortIn(d["voyage_id"], vessel, crew, d.get("vms_tracker_id"), d.get("fishing_licence"))
            r.opens = False   # opens only when the fold finds a mismatch
            r.signals_flags = False


def _social(r: EventFacts, d: Mapping[str, Any]) -> None:
    t = r.type
    ref = d.get("person_ref")
    if t == "HotlineReportReceived":
        for victim in r.victims():
            r.focus(victim, K.HOTLINE, appearance="appeared")
        r.flag()
    elif t == "MdtScreeningScheduled":
        r.focus(ref, K.SCREENING_SCHEDULED, appearance="appeared")
    elif t == "MdtScreeningCompleted":
        outcome = d["outcome"]
        pid = r.focus(ref, K.OUTCOME, outcome, appearance="appeared")
        if outcome == "ActualVictimOfTrafficking":
            r.appearances.append((pid, "identified"))
        elif outcome == "PossibleVictimOfTrafficking":
            r.appearances.append((pid, "possible-victim"))
        elif outcome == "NotAVictimOfTrafficking":
            r.appearances.append((pid, "not-a-victim"))
        if outcome in ("ActualVictimOfTrafficking", "PossibleVictimOfTrafficking"):
            r.flag()
    elif t == "ShelterIntakeRecorded":
        r.focus(ref, K.SHELTER, d.get("shelter_kind"))
    elif t == "ShelterExitRecorded":
        reason = d.get("exit_reason")
        transferred = reason == "Transferred"
        pid = r.focus(ref, K.SHELTER_EXIT, reason, appearance=None if transferred else "left-shelter")
        if not transferred:
            r.ends.append(pid)
    elif t == "RightsInformed":
        r.focus(ref, K.RIGHTS)
    elif t == "SupportPlanCreated":
        r.focus(ref, K.SUPPORT_PLAN)
    elif t == "SupportPlanClosed":
        r.focus(ref, K.SUPPORT_PLAN_CLOSED)
    elif t == "FollowUpVisitRecorded":
        r.focus(ref, K.FOLLOW_UP, "complete" if d.get("follow_up_complete") else None)
    elif t == "RepatriationApproved":
        r.focus(ref, K.REPATRIATION_APPROVED, d.get("destination_country"))
    elif t == "RepatriationCompleted":
        r.ends.append(r.focus(ref, K.REPATRIATED))
    elif t == "ConsentRecorded":
        refused = not d.get("consent_given") and "ShelterAndAssistance" in (d.get("scopes") or ())
        r.focus(ref, K.CARE_REFUSED if refused else None)
    elif ref:
        r.focus(ref)


READERS = {"police": _police, "immigration": _immigration, "labour": _labour, "social": _social}
