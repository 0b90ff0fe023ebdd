"""The worker's state machine: one lane entry in, the records to publish out. Pure: no Kafka, SQL or
clock; the correlate loop (`loop`) feeds it and publishes what it returns.

    correlator = Correlator()
    outputs = correlator.event("sanpalang.police.RescueConducted", record)   # decoded intake event
    outputs = correlator.action(operator_action_record)                      # console decision
    outputs = correlator.tick(at)                                            # the wall clock, live
    outputs = correlator.flush()                                             # the lane went idle

Events are correlated in event-time order (`reorder.EventTimeBuffer`: held until every active
source has moved past them). Each event's persons are matched first (`persons.links.v1`), merges
are folded before the event (as `streams.rules.process` asks), then the event; deadlines due by
the event's time fire before it.

**The hub clock** (`now`) only moves forward, and no record alone can move it (issue 12: one
labour record dated B.E. 2569 for 2568 turned every province's custody alerts Critical):

- on the wall clock (the lane holds ticks: `--clock wall`), events never move it past the latest
  tick: wall time bounds it, ticks fire the deadlines;
- on event time (replays, benchmarks: no ticks), an event moves it to its own time at most
  `lead` past the watermark two sources agree on (`EventTimeBuffer.frontier`): bounded, not the
  largest time seen. An event later than that is still correlated (its facts count, its own
  deadlines wait for the clock).

The connectors dead-letter such records first (`connectors.routing.implausible_times`); this is
the second line. The same entries in the same order give the same outputs, so a worker rebuilds its state by feeding the lane again from the
start and publishing nothing until it reaches the first entry it has not committed.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import schemas

from streams.cases.upkeep import cases_of_persons
from streams.events import Event, as_utc
from streams.matching import Decision, DecisionKind, Matcher
from streams.matching.persons import load_persons_parameters, person_record, persons_spec
from streams.privacy import for_consumer, shown
from streams.privacy.consent import ConsentLedger
from streams.cases.desk import DECISION_BASES, TRAFFICKING_STATUSES, assign_owner, close_case, decide_status
from streams.rules import Hub, on_event, on_expire, on_operator, on_person_merge, on_tick
from streams.rules.desk import on_desk
from streams.rules.process import Outcome
from streams.worker.admission import (ACTION_SCHEMA, ACTIONS_TOPIC, DESK_KINDS, HUB_DLQ, REFUSED_SCHEMA, Refusal,
                                     action_refusal, desk_refusal, refused_record)
from streams.worker.reorder import REPLAY_WINDOW, EventTimeBuffer

__all__ = ["Correlator", "Output", "CASES_TOPIC", "ALERTS_TOPIC", "LINKS_TOPIC", "referrals_topic",
           "CASE_VIEW", "ALERT", "PERSON_LINK", "REFERRAL"]

CASES_TOPIC, ALERTS_TOPIC, LINKS_TOPIC = "cases.provincial.v1", "alerts.v1", "persons.links.v1"
CONSUMER_TOPICS = {"cases.provincial.v1": "cases.consumer.v1", "alerts.v1": "alerts.consumer.v1"}
"""Each case view and alert is published twice: as is for the console and the views, and in its
consumer form (`streams.privacy.for_consumer`: ids as keyed tokens, no names) for downstream consumers."""
CASE_VIEW, ALERT, PERSON_LINK, REFERRAL = ("sanpalang.hub.CaseView", "sanpalang.hub.Alert",
                                           "sanpalang.hub.PersonLink", "sanpalang.hub.Referral")
NOT_CORRELATED = frozenset({"sanpalang.social.PreventionActivity"})
"""Events about no person and no case (prevention work, issue 13 item 4): nothing to match or fold,
and their times must not move the clock or a source's watermark, so no alert can change. The views
read them from the intake topic (`streams.views.prevention`)."""
EXPIRE_EVERY_MS = 24 * 3600 * 1000
CLOCK_LEAD = timedelta(hours=1)
"""How far past the sources' agreed frontier one event may move the event clock: the connectors'
tolerance for an event time after its recording (`connectors.routing.TIME_TOLERANCE`)."""


def referrals_topic(agency: str) -> str:
    return f"referrals.{agency}.v1"


@dataclass(frozen=True, slots=True)
class Output:
    """One record to publish: topic, key, Avro schema name, record (as `schemas.encode` takes it)."""

    topic: str
    key: str
    schema: str
    record: dict[str, Any]


class Correlator:
    """Matcher + hub + the time the hub has reached. Not thread-safe: one lane, one owner."""

    def __init__(self, matcher: Matcher | None = None, *, consumer_key: bytes | None = None,
                 window: timedelta = REPLAY_WINDOW, lead: timedelta = CLOCK_LEAD) -> None:
        self.matcher = matcher or Matcher(persons_spec(), load_persons_parameters())
        self.consumer_key = consumer_key
        self.matcher_version = self.matcher.version           # a digest of the parameters: computed once
        self.hub = Hub()
        self.now: datetime | None = None
        self._expired_at: datetime | None = None
        self._actions: set[str] = set()
        self._events: dict[str, str] = {}       # event id -> the agency that sent it first
        self.buffer = EventTimeBuffer(window)
        self.lead = lead
        self.wall_at: datetime | None = None
        self.consent = ConsentLedger()          # persons whose tokens leave consumer records (issue 11)

    wall_at: datetime | None = None        # (snapshots taken before the bounded clock lack them)
    lead: timedelta = CLOCK_LEAD

    def bound(self) -> datetime | None:
        """The furthest an event may move the clock now: the latest tick on the wall clock, else the
        sources' frontier plus `lead` (None: nothing bounds it yet)."""
        if self.wall_at is not None:
            return self.wall_at
        frontier = self.buffer.frontier()
        return frontier + self.lead if frontier is not None else None

    # --- entries of the lane --------------------------------------------------------------
    def event(self, name: str, record: Mapping[str, Any]) -> list[Output]:
        """A decoded intake event (`schemas.decode` output), read here once into an `Event`; it is
        correlated once the watermark passes it (`reorder`)."""
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
        released = self.buffer.add(event.source.system, event.occurred_at, event)
        return [o for e in released for o in self._correlate(e)]

    def tick(self, at: datetime) -> list[Output]:
        """The wall clock reached `at` (live only; recorded in the lane so a replay sees it too):
        events up to `at` are correlated, then deadlines due by `at` fire."""
        self.wall_at = at if self.wall_at is None else max(self.wall_at, at)
        out = [o for event in self.buffer.release_until(at) for o in self._correlate(event)]
        return out + self._advance(at)

    def flush(self) -> list[Output]:
        """The lane went idle: correlate every waiting event (recorded in the lane, like ticks)."""
        return [o for event in self.buffer.flush() for o in self._correlate(event)]

    def _correlate(self, event: Event) -> list[Output]:
        at = event.occurred_at
        bound = self.bound()
        out = self._advance(at if bound is None else min(at, bound))
        person_ids: dict[tuple[str, str], str] = {}
        for person in event.persons:
            decision = self.matcher.add(person_record(person, occurred_at=at, province=event.province))
            person_ids[(event.event_id, person.ref)] = decision.person_id
            out.append(self._link(event, person.ref, decision))
            if decision.merged:
                self.consent.merged(decision.merged, decision.person_id)
                out += self._outcome(on_person_merge(self.hub, decision.merged, decision.person_id, self.now))
        if self.consent.observe(event, person_ids) and self.consumer_key is not None:
            # a withdrawal: what is published with it (deadlines due by its time) leaves the person out too
            out = [o for o in out if o.topic not in CONSUMER_TOPICS.values()]
            out += [self._for_consumer(o) for o in out if o.topic in CONSUMER_TOPICS and shown(o.schema, o.record)]
        out += self._outcome(on_event(self.hub, event, person_ids, self.now))
        return out

    def action(self, action: Mapping[str, Any]) -> list[Output]:
        """An operator's decision. Alert actions on alerts the hub no longer holds change nothing.
        An action outside the scope it records (`admission.action_refusal`, checked against the
        state it would change, now) changes nothing and is dead-lettered on `dlq.hub.v1`."""
        if action["action_id"] in self._actions:
            return []
        self._actions.add(action["action_id"])
        at = as_utc(action["at"])
        kind = action["kind"]
        if kind in ("Acknowledge", "Resolve") and action.get("alert_id"):
            found = self.hub.rules.find(action["alert_id"])
            if found is None:
                return []
            refused = action_refusal(action, alert_province=found[1].province)
            if refused is not None:
                return [self._refused(action, refused)]
            return self._outcome(on_operator(self.hub, action["alert_id"], kind.lower(), at))
        if kind in ("ConfirmLink", "RejectLink") and action.get("person_id") and action.get("candidate_id"):
            refused = action_refusal(action, touched=cases_of_persons(
                self.hub.cases, (self._current(action["person_id"]), self._current(action["candidate_id"]))))
            if refused is not None:
                return [self._refused(action, refused)]
            decide = self._confirm if kind == "ConfirmLink" else self._reject
            return decide(action["person_id"], action["candidate_id"])
        if kind in DESK_KINDS and action.get("case_id"):
            return self._desk(action, at)
        return []                            # Escalate: the console records it

    def _desk(self, action: Mapping[str, Any], at: datetime) -> list[Output]:
        """A team lead's decision on a case (`streams.cases.desk`), refused outside their scope
        (`admission.desk_refusal`). A case no longer held (expired, merged away: its last view
        names the survivor), or a decision about a person not in it on the side of the exploited
        (a suspect, a witness), changes nothing."""
        case = self.hub.cases.case(action["case_id"])
        if case is None:
            return []
        desk = self.hub.desks.get(case.case_id)
        refused = desk_refusal(action, lead_province=case.lead_province, closed=desk is not None and desk.closed)
        if refused is not None:
            return [self._refused(action, refused)]
        by, kind = action["operator"], action["kind"]
        if kind == "AssignOwner":
            change = functools.partial(assign_owner, owner=action["owner"], by=by, at=at)
        elif kind == "CloseCase":
            change = functools.partial(close_case, by=by, at=at)
        else:
            person = self._current(action.get("person_id") or "")
            found = case.person(person)
            if found is None or not found.joinable:     # a status is decided of a (possible) victim only
                return []
            status, basis = action.get("trafficking_status"), action.get("status_basis")
            if status not in TRAFFICKING_STATUSES or basis not in DECISION_BASES:
                return [self._refused(action, Refusal("bad-decision", f"status {status!r} on {basis!r}: not a "
                                                                      f"decision a team lead records"))]
            change = functools.partial(decide_status, person_id=person, status=action["trafficking_status"],
                                       basis=action["status_basis"], by=by, at=at, note=action.get("note"))
        return self._outcome(on_desk(self.hub, case.case_id, change, at))

    @staticmethod
    def _refused(action: Mapping[str, Any], refused: Refusal) -> Output:
        key, record = refused_record(ACTIONS_TOPIC, refused, schemas.encode(ACTION_SCHEMA, action),
                                     as_utc(action["at"]), schema=ACTION_SCHEMA,
                                     key=f"{ACTIONS_TOPIC}:{action['action_id']}")
        return Output(HUB_DLQ, key, REFUSED_SCHEMA, record)

    def _current(self, person_id: str) -> str:
        """The id a person goes by now (ids merged away stand for the person they went into)."""
        try:
            return self.matcher.person_id(self.matcher._root_of(person_id))
        except (KeyError, ValueError):
            return person_id

    # --- inside -----------------------------------------------------------------------------
    def _advance(self, at: datetime) -> list[Output]:
        if self.now is not None and at <= self.now:
            return []
        self.now = at
        out: list[Output] = []
        timers = self.hub.rules.timers
        if timers and min(timers.values()) <= at:
            out += self._outcome(on_tick(self.hub, at))
        if self._expired_at is None:
            self._expired_at = at
        elif (at - self._expired_at).total_seconds() * 1000 >= EXPIRE_EVERY_MS:
            self._expired_at = at
            out += self._outcome(on_expire(self.hub, at))
        return out

    def _confirm(self, person_id: str, candidate_id: str) -> list[Output]:
        """An operator says two persons are one: the matcher joins them, older id surviving, and
        their cases follow. Unknown ids, one person already, or a pair an operator has set apart
        (`RejectLink` came first: the earlier decision stands) change nothing."""
        try:
            joined = self.matcher.join(person_id, candidate_id)
        except (KeyError, ValueError):
            return []
        if joined is None:
            return []
        into, merged = joined
        self.consent.merged((merged,), into)
        return self._outcome(on_person_merge(self.hub, (merged,), into, self.now))

    def _reject(self, person_id: str, candidate_id: str) -> list[Output]:
        """An operator says two persons are different people: the matcher never merges them (nor
        what they are merged with) again. Nothing is published: no person or case changes. Unknown
        ids, or persons a record has merged since (a merge is not undone), change nothing."""
        try:
            self.matcher.forbid(person_id, candidate_id)
        except (KeyError, ValueError):
            pass
        return []

    def _link(self, event: Event, ref: str, decision: Decision) -> Output:
        key = f"{event.agency}:{event.event_id}:{ref}"
        return Output(LINKS_TOPIC, key, PERSON_LINK, {
            "source_event_id": event.event_id, "person_ref": ref, "agency": event.agency,
            "person_id": decision.person_id, "weight": float(decision.weight), "decision": str(decision.kind),
            "matcher_version": self.matcher_version, "merged_from": ",".join(decision.merged) or None,
            "decided_at": event.occurred_at,
            "candidate_id": decision.candidate_id if decision.kind is DecisionKind.POSSIBLE else None,
        })

    def _outcome(self, outcome: Outcome) -> list[Output]:
        out = [Output(CASES_TOPIC, v["case_id"], CASE_VIEW, v) for v in outcome.case_views]
        out += [Output(ALERTS_TOPIC, a["alert_id"], ALERT, a) for a in outcome.alerts]
        out += [Output(referrals_topic(r["to_agency"]), r["case_id"], REFERRAL, r) for r in outcome.referrals]
        if self.consumer_key is not None:
            out += [self._for_consumer(o) for o in out if o.topic in CONSUMER_TOPICS and shown(o.schema, o.record)]
        return out

    def _for_consumer(self, output: Output) -> Output:
        record = for_consumer(output.schema, output.record, self.consumer_key, withdrawn=self.consent.withdrawn)
        key = record["case_id"] if output.schema == CASE_VIEW else record["alert_id"]
        return Output(CONSUMER_TOPICS[output.topic], key, output.schema, record)
