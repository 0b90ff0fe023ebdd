"""Test builders: agency events as `schemas.decode` gives them (from the contract's examples), and a
`Feed` that runs them through the hub's pure handlers, checking every published record encodes."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import schemas
from streams.events import Event
from streams.rules import Hub, on_event, on_operator, on_person_merge, on_tick

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)      # 09:00 in Bangkok
_NAMES = {name.rsplit(".", 1)[1]: name for name in schemas.schema_names() if name.split(".")[1] != "hub"}


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours, minutes=minutes)


def person(pid: str, role: str = "PotentialVictim", *, dob: date | None = None, precision: str = "Day",
           age: int | None = None, nationality: str | None = "MMR") -> dict[str, Any]:
    return {"person_ref": pid, "role": role, "names": [], "date_of_birth": dob,
            "dob_precision": precision if dob else "Unknown", "age_years": age, "sex": "Female",
            "nationality": nationality, "identifiers": [{"kind": "Passport", "value": f"X{pid}", "issuing_country": "MMR"}]}


def org(ref: str, kind: str = "Employer", name: str = "Thale Thong Seafood", *, registration: str | None = None,
        vessel: str | None = None, province: str | None = None) -> dict[str, Any]:
    return {"org_ref": ref, "kind": kind, "name": name, "registration_number": registration,
            "vessel_registration": vessel, "licence": None, "province": province}


_VICTIM_LISTS = ("rescued_person_refs", "victim_person_refs", "worker_person_refs", "person_refs", "crew_person_refs")
_ORG_LISTS = ("premises_org_refs", "linked_org_refs")
_ORG_ONE = ("employer_org_ref", "new_employer_org_ref")


@dataclass
class Ev:
    name: str
    record: dict[str, Any]
    person_ids: dict[tuple[str, str], str]

    @property
    def event(self) -> Event:
        """The event as the worker reads it (`Correlator.event`)."""
        return Event.of(self.name, self.record)

    @property
    def event_id(self) -> str:
        return self.record["envelope"]["event_id"]

    @property
    def occurred_at(self) -> datetime:
        return self.record["envelope"]["occurred_at"]


def event(event_type: str, when: datetime, *persons: dict[str, Any], orgs: tuple = (), province: str = "TH-57",
          ref: str | None = None, eid: str | None = None, ids: dict[str, str] | None = None, **details: Any) -> Ev:
    """An event of `event_type` at `when`; person refs are hub ids unless `ids` maps them."""
    name = _NAMES[event_type]
    record = copy.deepcopy(schemas.example(name))
    env = record["envelope"]
    env.update(event_id=str(uuid.uuid5(uuid.NAMESPACE_DNS, eid or f"{event_type}@{when.isoformat()}")),
               province=province, occurred_at=when, recorded_at=when, persons=list(persons),
               organisations=list(orgs), agency_case_ref=ref)
    refs = [p["person_ref"] for p in persons]
    victims = [p["person_ref"] for p in persons if p["role"] != "Suspect"]
    for key in list(record):
        if key == "person_ref":
            record[key] = refs[0] if refs else "p1"
        elif key in _VICTIM_LISTS:
            record[key] = victims
        elif key == "suspect_person_refs":
            record[key] = [p["person_ref"] for p in persons if p["role"] == "Suspect"]
        elif key in _ORG_LISTS:
            record[key] = [o["org_ref"] for o in orgs]
        elif key in _ORG_ONE:
            record[key] = orgs[0]["org_ref"] if orgs else "o1"
        elif key in ("guardian_person_ref", "custody_event_id", "previous_employer_org_ref"):
            record[key] = None
    record.update(details)
    mapping = {(env["event_id"], r): (ids or {}).get(r, r) for r in refs}
    return Ev(name, record, mapping)


@dataclass
class Feed:
    """Runs events through the hub like the worker, with `now` = the largest event time seen."""

    hub: Hub = field(default_factory=Hub)
    now: datetime = T0
    views: dict[str, dict] = field(default_factory=dict)
    alerts: dict[str, dict] = field(default_factory=dict)
    referrals: dict[str, dict] = field(default_factory=dict)
    published: list[tuple[str, dict]] = field(default_factory=list)

    def _take(self, out) -> Any:
        for kind, records, key, target in (("sanpalang.hub.CaseView", out.case_views, "case_id", self.views),
                                           ("sanpalang.hub.Alert", out.alerts, "alert_id", self.alerts),
                                           ("sanpalang.hub.Referral", out.referrals, "referral_id", self.referrals)):
            for record in records:
                schemas.encode(kind, record)
                target[record[key]] = record
                self.published.append((kind, record))
        return out

    def send(self, *events: Ev, **kwargs: Any) -> Any:
        out = None
        for ev in events:
            self.now = max(self.now, ev.occurred_at)
            out = self._take(on_event(self.hub, ev.event, ev.person_ids, self.now, **kwargs))
        return out

    def tick(self, when: datetime, **kwargs: Any) -> Any:
        self.now = max(self.now, when)
        return self._take(on_tick(self.hub, self.now, **kwargs))

    def merge(self, merged: list[str], into: str, when: datetime | None = None) -> Any:
        self.now = max(self.now, when or self.now)
        return self._take(on_person_merge(self.hub, merged, into, self.now))

    def operator(self, alert_id: str, action: str, when: datetime) -> Any:
        return self._take(on_operator(self.hub, alert_id, action, when))

    def firing(self, rule_key: str | None = None) -> list[dict]:
        return [a for a in self.alerts.values() if a["state"] != "Resolved" and rule_key in (None, a["rule_key"])]

    def alerts_of(self, rule_key: str) -> list[dict]:
        return [a for a in self.alerts.values() if a["rule_key"] == rule_key]

    def case_of(self, ev: Ev):
        for case in self.hub.cases.cases.values():
            if case.has_event(ev.event_id):
                return case
        return None
