"""The persons stage: the part of correlation that must see every record, in one order.

It decides which events are new (a connector may send one twice; another agency's event under the
same id keeps an identity of its own), holds events for event-time order (`reorder`), bounds the
hub clock, and keeps the national person index (`matching`): each event's persons are linked and
published (`persons.links.v1`). What it hands on to the case stage (`Handoff`: `Matched`, `Advance`;
operators' actions and joins, `ActionHandoff`, `MergedHandoff`) is all the cases need: the event,
its persons' ids, the merges its links made, and where the clock goes first, in the order decided
here (docs/decisions/003-correlation-in-stages.md). `streams.worker.handover` puts them on a topic.

**The hub clock bound** (issue 12: one labour record dated B.E. 2569 for 2568 turned every
province's custody alerts Critical): on the wall clock (the lane holds ticks), events never move it
past the latest tick; on event time (replays, benchmarks: no ticks), an event moves it to its own
time at most `lead` past the watermark two sources agree on (`EventTimeBuffer.frontier`). An event
later than that is still correlated (its facts count, its own deadlines wait for the clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from streams.events import Event
from streams.matching import Decision, DecisionKind, Matcher
from streams.matching.persons import load_persons_parameters, person_record, persons_spec
from streams.worker.outputs import LINKS_TOPIC, PERSON_LINK, Output
from streams.worker.reorder import REPLAY_WINDOW, EventTimeBuffer

__all__ = ["PersonsStage", "Matched", "Advance", "ActionHandoff", "MergedHandoff", "Handoff", "NOT_CORRELATED",
           "CLOCK_LEAD"]

NOT_CORRELATED = frozenset({"sanpalang.social.PreventionActivity"})
"""Events about no person and no case (prevention work, issue 13 item 4): nothing to match or fold,
and their times must not move the clock or a source's watermark, so no alert can change. The views
read them from the intake topic (`streams.views.prevention`)."""
CLOCK_LEAD = timedelta(hours=1)
"""How far past the sources' agreed frontier one event may move the event clock: the connectors'
tolerance for an event time after its recording (`connectors.routing.TIME_TOLERANCE`)."""


@dataclass(frozen=True, slots=True)
class Matched:
    """One event for the case stage: the hub clock moves to `clock_to` first (deadlines due by then
    fire before the event), then the person merges its links made, in order, then the event."""

    event: Event
    clock_to: datetime
    person_ids: Mapping[tuple[str, str], str]           # (event id, person ref) -> person id
    merges: tuple[tuple[tuple[str, ...], str], ...]      # (ids merged away, the id they went into)
    raw: bytes = b""
    """The intake event's bytes as they came (Avro single-object): what crosses a topic to the case
    stage, which reads the event again (`handover`); empty when the stages are joined in one process."""


@dataclass(frozen=True, slots=True)
class Advance:
    """The wall clock reached `to` (a tick): deadlines due by then fire."""

    to: datetime


@dataclass(frozen=True, slots=True)
class ActionHandoff:
    """An operator's action for the case stage to apply (alert and desk actions, and link decisions,
    whose scope only the case stage can judge): its `sanpalang.hub.OperatorAction` bytes."""

    action: bytes


@dataclass(frozen=True, slots=True)
class MergedHandoff:
    """An operator's confirmed join: the matcher merged persons `merged` into `into`; their cases follow."""

    merged: tuple[str, ...]
    into: str


Handoff = Matched | Advance | ActionHandoff | MergedHandoff


class PersonsStage:
    """Event dedupe, event-time order, the clock bound and the matcher. Not thread-safe: one lane, one owner."""

    def __init__(self, matcher: Matcher | None = None, *, window: timedelta = REPLAY_WINDOW,
                 lead: timedelta = CLOCK_LEAD) -> None:
        self.matcher = matcher or Matcher(persons_spec(), load_persons_parameters())
        self.matcher_version = self.matcher.version           # a digest of the parameters: computed once
        self._events: dict[str, str] = {}       # event id -> the agency that sent it first
        self.buffer = EventTimeBuffer(window)
        self.lead = lead
        self.wall_at: datetime | None = None

    def bound(self) -> datetime | None:
        """The furthest an event may move the clock now: the latest tick on the wall clock, else the
        sources' frontier plus `lead` (None: nothing bounds it yet)."""
        if self.wall_at is not None:
            return self.wall_at
        frontier = self.buffer.frontier()
        return frontier + self.lead if frontier is not None else None

    def event(self, name: str, record: Mapping[str, Any], raw: bytes = b"") -> list[Output | Handoff]:
        """A decoded intake event (`schemas.decode` output), read here once into an `Event`; it is
        matched once the watermark passes it (`reorder`). `raw`, the bytes it was decoded from, is
        held with it and handed on (`Matched.raw`), so a case stage across a topic can read it again."""
        if name in NOT_CORRELATED:
            return []
        event = Event.of(name, record)
        event_id, agency = event.event_id, event.agency
        first = self._events.get(event_id)
        if first == agency:                  # a connector may send a record twice
            return []
        if first is not None:                # another agency used this id first: (agency, event id) is the key,
            event_id = f"{agency}:{event_id}"    # so this event keeps an identity of its own, not suppressed
            if event_id in self._events:
                return []
            event = replace(event, event_id=event_id)
        self._events[event_id] = agency
        released = self.buffer.add(event.source.system, event.occurred_at, (event, raw))
        return [made for held in released for made in self._match(*held)]

    def tick(self, at: datetime) -> list[Output | Handoff]:
        """The wall clock reached `at`: events up to `at` are matched, then the clock moves to `at`."""
        self.wall_at = at if self.wall_at is None else max(self.wall_at, at)
        released = [made for held in self.buffer.release_until(at) for made in self._match(*held)]
        return [*released, Advance(at)]

    def flush(self) -> list[Output | Handoff]:
        """The lane went idle: match every waiting event."""
        return [made for held in self.buffer.flush() for made in self._match(*held)]

    def _match(self, event: Event, raw: bytes) -> list[Output | Handoff]:
        at, bound = event.occurred_at, self.bound()
        person_ids: dict[tuple[str, str], str] = {}
        merges: list[tuple[tuple[str, ...], str]] = []
        made: list[Output | Handoff] = []
        for person in event.persons:
            decision = self.matcher.add(person_record(person, occurred_at=at, province=event.province))
            person_ids[(event.event_id, person.ref)] = decision.person_id
            made.append(self._link(event, person.ref, decision))
            if decision.merged:
                merges.append((decision.merged, decision.person_id))
        made.append(Matched(event, at if bound is None else min(at, bound), person_ids, tuple(merges), raw))
        return made

    # --- operators' link decisions --------------------------------------------------------------
    def current(self, person_id: str) -> str:
        """The id a person goes by now (ids merged away stand for the person they went into)."""
        try:
            return self.matcher.person_id(self.matcher._root_of(person_id))
        except (KeyError, ValueError):
            return person_id

    def join(self, person_id: str, candidate_id: str) -> tuple[str, str] | None:
        """An operator says two persons are one: (the surviving id, the id merged into it), or None
        for unknown ids, one person already, or a pair an operator has set apart (the earlier
        decision stands)."""
        try:
            return self.matcher.join(person_id, candidate_id)
        except (KeyError, ValueError):
            return None

    def forbid(self, person_id: str, candidate_id: str) -> None:
        """An operator says two persons are different people: the matcher never merges them (nor
        what they are merged with) again. Unknown ids, or persons a record has merged since (a
        merge is not undone), change nothing."""
        try:
            self.matcher.forbid(person_id, candidate_id)
        except (KeyError, ValueError):
            pass

    def _link(self, event: Event, ref: str, decision: Decision) -> Output:
        key = f"{event.agency}:{event.event_id}:{ref}"
        return Output(LINKS_TOPIC, key, PERSON_LINK, {
            "source_event_id": event.event_id, "person_ref": ref, "agency": event.agency,
            "person_id": decision.person_id, "weight": float(decision.weight), "decision": str(decision.kind),
            "matcher_version": self.matcher_version, "merged_from": ",".join(decision.merged) or None,
            "decided_at": event.occurred_at,
            "candidate_id": decision.candidate_id if decision.kind is DecisionKind.POSSIBLE else None,
        })
