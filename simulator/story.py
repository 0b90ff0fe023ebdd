"""Facts and expectations: what happens in the simulated world, before any agency writes it down.

A `Fact` is one thing an agency records (a rescue, a crossing, an MDT screening...), with the true
ids of the persons and organisations in it, its event time, province and case. `render.py` turns
each fact into the agency's native record. An `Expected` alert is declared by the scenario script
that makes the facts, from the rule readings in `simulator` (never from the hub's rule
engine). `Story` is what a scenario script writes with: one method per kind of record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from simulator.model import Organisation, Person, World

__all__ = ["BANGKOK", "Expected", "Fact", "Sim", "Story", "days", "hours", "midnight", "minutes"]

BANGKOK = timezone(timedelta(hours=7))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=round(n))


def hours(n: float) -> timedelta:
    return timedelta(minutes=round(n * 60))


def days(n: float) -> timedelta:
    return timedelta(minutes=round(n * 24 * 60))


def midnight(at: datetime) -> datetime:
    """00:00 Bangkok time of `at`'s Bangkok date, in UTC: what a date written without a time means."""
    local = at.astimezone(BANGKOK)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


@dataclass
class Fact:
    """One native record to be, in true terms. `key` ties the versions of one record together
    (a custody record and its extension, an MDT screening scheduled then completed, a shelter stay)."""

    seq: int
    agency: str
    kind: str
    at: datetime
    province: str
    persons: list[tuple[str, str]]                 # (true person id, role)
    orgs: list[tuple[str, str]] = field(default_factory=list)   # (true org id, slot)
    data: dict[str, Any] = field(default_factory=dict)
    case: str | None = None
    scenario: str | None = None
    key: str | None = None
    bad: str | None = None                          # why it must dead-letter (None: it must not)


@dataclass
class Expected:
    """An alert the rules must raise: its ladder of (severity, event time) and what clears it."""

    rule: int
    case: str | None
    subject: tuple[str, str]                        # ("person", pid) or ("organisation", oid)
    province: str
    ladder: list[tuple[str, datetime]]
    trigger: Fact
    reading: str
    resolves_at: datetime | None = None
    related_cases: tuple[str, ...] = ()
    optional: bool = False                          # neither required nor wrong (see `simulator.rules`)


@dataclass
class Sim:
    """Everything one generation accumulates: the world, the facts, the expectations, the cases."""

    world: World
    rng: random.Random
    provinces: tuple[str, ...]
    start_at: datetime
    end_at: datetime
    facts: list[Fact] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: int = 0

    def new_key(self, kind: str) -> str:
        self.keys += 1
        return f"{kind}-{self.keys}"

    def new_case(self, scenario: str | None, kind: str) -> str:
        case = f"C{len(self.cases) + 1:04d}"
        self.cases[case] = {"scenario": scenario, "kind": kind}
        return case


class Story:
    """A scenario script's pen: adds facts to one case (switch with `in_case`), declares alerts."""

    def __init__(self, sim: Sim, scenario: str | None, kind: str, case: str | None) -> None:
        self.sim, self.scenario, self.kind, self.case = sim, scenario, kind, case
        self.rng = sim.rng

    def new_case(self) -> str:
        return self.sim.new_case(self.scenario, self.kind)

    # -- the world ------------------------------------------------------------------------------

    def person(self, nationality: str, *, age: tuple[int, int] = (22, 45), sex: str | None = None,
               kind: str = "victim", **documents: float) -> Person:
        return self.sim.world.person(nationality, sex, age=age, on=self.sim.start_at.date(), kind=kind, **documents)

    def org(self, kind: str, province: str, isic: str | None = None) -> Organisation:
        world = self.sim.world
        return world.employer(province, isic) if kind == "Employer" else \
            world.vessel(province) if kind == "Vessel" else world.premises(province)

    # -- facts ----------------------------------------------------------------------------------

    def add(self, agency: str, kind: str, at: datetime, province: str, persons: Sequence[tuple[Person, str]] = (),
            orgs: Sequence[tuple[Organisation, str]] = (), *, key: str | None = None, case: str | None = "same",
            **data: Any) -> Fact:
        fact = Fact(len(self.sim.facts) + 1, agency, kind, at.replace(second=0, microsecond=0), province,
                    [(p.pid, role) for p, role in persons], [(o.oid, slot) for o, slot in orgs], data,
                    self.case if case == "same" else case, self.scenario, key)
        self.sim.facts.append(fact)
        return fact

    def expect(self, rule: int, subject: Person | Organisation, trigger: Fact, ladder: Sequence[tuple[str, datetime]],
               reading: str, *, resolves_at: datetime | None = None, case: str | None = "same",
               related: Sequence[str] = (), optional: bool = False) -> None:
        kind = "person" if isinstance(subject, Person) else "organisation"
        ident = subject.pid if isinstance(subject, Person) else subject.oid
        steps = [(s, t.replace(second=0, microsecond=0)) for s, t in ladder]
        self.sim.expected.append(Expected(rule, self.case if case == "same" else case, (kind, ident),
                                          trigger.province, steps, trigger, reading, resolves_at, tuple(related),
                                          optional))

    # police
    def rescue(self, at, province, rescued, suspects=(), places=(), **data) -> Fact:
        return self.add("police", "rescue", at, province, [(p, "rescued") for p in rescued] +
                        [(s, "suspect") for s in suspects], places, **data)

    def custody(self, at, province, person) -> Fact:
        return self.add("police", "custody_started", at, province, [(person, "held")], key=self.sim.new_key("custody"))

    def custody_ended(self, custody: Fact, at, how: str) -> Fact:
        """`how`: released, handed_to_shelter or handed_to_immigration."""
        return self.add("police", "custody_ended", at, custody.province,
                        [(self.sim.world.persons[custody.persons[0][0]], "held")], key=self.sim.new_key("custody-end"),
                        how=how)

    def extension(self, custody: Fact, at, until) -> Fact:
        return self.add("police", "custody_extended", at, custody.province,
                        [(self.sim.world.persons[custody.persons[0][0]], "held")], key=custody.key, until=until)

    def case_opened(self, at, province, victims, suspects, **data) -> Fact:
        return self.add("police", "case_opened", at, province, [(s, "suspect") for s in suspects] +
                        [(v, "victim") for v in victims], **data)

    def suspect(self, at, province, person, linked=(), **data) -> Fact:
        return self.add("police", "suspect_identified", at, province, [(person, "suspect")], linked, **data)

    # social
    def hotline(self, at, province, caller, victims=(), **data) -> Fact:
        return self.add("social", "hotline", at, province, ([(caller, "caller")] if caller else []) +
                        [(v, "hotline_victim") for v in victims], **data)

    def shelter_in(self, at, province, person, shelter_kind="Temporary") -> Fact:
        return self.add("social", "shelter_intake", at, province, [(person, "resident")],
                        key=self.sim.new_key("stay"), shelter_kind=shelter_kind, admitted=at)

    def shelter_out(self, stay: Fact, at, reason) -> Fact:
        return self.add("social", "shelter_exit", at, stay.province, [(self._one(stay), "resident")], key=stay.key,
                        shelter_kind=stay.data["shelter_kind"], admitted=stay.at, reason=reason)

    def mdt_scheduled(self, at, province, person, when) -> Fact:
        return self.add("social", "mdt_scheduled", at, province, [(person, "person")], key=self.sim.new_key("mdt"),
                        when=when)

    def mdt_completed(self, scheduled: Fact, at, outcome) -> Fact:
        return self.add("social", "mdt_completed", at, scheduled.province, [(self._one(scheduled), "person")],
                        key=scheduled.key, outcome=outcome)

    def social(self, kind, at, province, person, key: str | None = None, **data) -> Fact:
        """rights_informed, support_plan, consent, consent_withdrawn, repatriation_approved / _completed
        (a completion passes the approval's `key`: one record, two versions)."""
        return self.add("social", kind, at, province, [(person, "person")], key=key, **data)

    # labour
    def labour(self, kind, at, province, persons=(), orgs=(), role="worker", **data) -> Fact:
        """inspection, rorbor1, pipo_out, pipo_in, pipo_finding, employer_change, complaint."""
        return self.add("labour", kind, at, province, [(p, role) for p in persons], orgs, **data)

    # immigration
    def crossing(self, at, province, person, direction, **data) -> Fact:
        if person.migrant and not (person.passport or person.border_pass):
            person.border_pass = f"TC-{self.rng.randrange(10 ** 6, 10 ** 7)}"   # nobody crosses without a document
        return self.add("immigration", "crossings", at, province, [(person, "traveller")], direction=direction, **data)

    def detention(self, at, province, person, reason) -> Fact:
        return self.add("immigration", "detentions", at, province, [(person, "detainee")],
                        key=self.sim.new_key("detention"), reason=reason)

    def deportation(self, detention: Fact, at, status, **data) -> Fact:
        return self.add("immigration", "deportations", at, detention.province, [(self._one(detention), "detainee")],
                        detention_key=detention.key, status=status, **data)

    def _one(self, fact: Fact) -> Person:
        return self.sim.world.persons[fact.persons[0][0]]
