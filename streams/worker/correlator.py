"""The worker's state machine: one lane entry in, the records to publish out. Pure: no Kafka, SQL or
clock; the correlate loop (`loop`) feeds it and publishes what it returns.

    correlator = Correlator()
    outputs = correlator.event("sanpalang.police.RescueConducted", record)   # decoded intake event
    outputs = correlator.action(operator_action_record)                      # console decision
    outputs = correlator.tick(at)                                            # the wall clock, live
    outputs = correlator.flush()                                             # the lane went idle

It is two stages, joined here in one process (docs/decisions/003-correlation-in-stages.md): the
persons stage (`persons_stage`: which events are new, event-time order, the hub clock's bound, the
person index and its links) hands each event on, with its persons' ids and the merges its links
made, to the case stage (`case_stage`: the case fold, the rules, referrals, consumer forms, the
operators' decisions on alerts and cases). What crosses between them is all either needs of the
other, so the stages can be put on two lanes joined by a topic.

Events are correlated in event-time order (`reorder.EventTimeBuffer`: held until every active
source has moved past them); merges are folded before the event (as `streams.rules.process`
asks), then the event; deadlines due by the event's time (as far as the clock's bound lets it
move) fire before it. The same entries in the same order give the same outputs, so a worker
rebuilds its state by feeding the lane again from the start and publishing nothing until it
reaches the first entry it has not committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from streams.matching import Matcher
from streams.worker.case_stage import CaseStage, is_link_decision
from streams.worker.outputs import (ALERT, ALERTS_TOPIC, CASE_VIEW, CASES_TOPIC, CONSUMER_TOPICS, LINKS_TOPIC,
                                    PERSON_LINK, REFERRAL, Output, referrals_topic)
from streams.worker.persons_stage import CLOCK_LEAD, NOT_CORRELATED, Handoff, PersonsStage
from streams.worker.reorder import REPLAY_WINDOW

__all__ = ["Correlator", "Output", "CASES_TOPIC", "ALERTS_TOPIC", "LINKS_TOPIC", "CONSUMER_TOPICS",
           "referrals_topic", "CASE_VIEW", "ALERT", "PERSON_LINK", "REFERRAL", "NOT_CORRELATED"]


class Correlator:
    """The persons stage feeding the case stage. Not thread-safe: one lane, one owner."""

    def __init__(self, matcher: Matcher | None = None, *, consumer_key: bytes | None = None,
                 window: timedelta = REPLAY_WINDOW, lead: timedelta = CLOCK_LEAD) -> None:
        self.persons = PersonsStage(matcher, window=window, lead=lead)
        self.cases = CaseStage(consumer_key)
        self._actions: set[str] = set()

    # the state tests, the loop and snapshots look at, wherever it lives
    matcher = property(lambda self: self.persons.matcher)
    buffer = property(lambda self: self.persons.buffer)
    wall_at = property(lambda self: self.persons.wall_at)
    hub = property(lambda self: self.cases.hub)
    consent = property(lambda self: self.cases.consent)
    now = property(lambda self: self.cases.now)

    @property
    def consumer_key(self) -> bytes | None:
        return self.cases.consumer_key

    @consumer_key.setter
    def consumer_key(self, key: bytes | None) -> None:
        self.cases.consumer_key = key

    # --- entries of the lane --------------------------------------------------------------
    def event(self, name: str, record: Mapping[str, Any]) -> list[Output]:
        """A decoded intake event (`schemas.decode` output), correlated once the watermark passes it."""
        return self._through(self.persons.event(name, record))

    def tick(self, at: datetime) -> list[Output]:
        """The wall clock reached `at` (live only; recorded in the lane so a replay sees it too):
        events up to `at` are correlated, then deadlines due by `at` fire."""
        return self._through(self.persons.tick(at))

    def flush(self) -> list[Output]:
        """The lane went idle: correlate every waiting event (recorded in the lane, like ticks)."""
        return self._through(self.persons.flush())

    def action(self, action: Mapping[str, Any]) -> list[Output]:
        """An operator's decision. Alert actions on alerts the hub no longer holds change nothing.
        An action outside the scope it records (`admission.action_refusal`, checked against the
        state it would change, now) changes nothing and is dead-lettered on `dlq.hub.v1`."""
        if action["action_id"] in self._actions:
            return []
        self._actions.add(action["action_id"])
        return self._link_decision(action) if is_link_decision(action) else self.cases.action(action)

    def _link_decision(self, action: Mapping[str, Any]) -> list[Output]:
        """Confirm: the matcher joins the two persons, older id surviving, and their cases follow.
        Reject: the matcher never merges them again; nothing is published. Either only when the
        operator may change every case of both persons (the case stage holds the cases)."""
        person_id, candidate_id = action["person_id"], action["candidate_id"]
        refused = self.cases.link_refusal(action, (person_id, candidate_id))
        if refused is not None:
            return [self.cases.refused(action, refused)]
        if action["kind"] == "RejectLink":
            self.persons.forbid(person_id, candidate_id)
            return []
        joined = self.persons.join(person_id, candidate_id)
        if joined is None:
            return []
        into, merged = joined
        return self.cases.merged((merged,), into)

    def _through(self, made: list[Output | Handoff]) -> list[Output]:
        """The persons stage's outputs as they are, its hand-overs through the case stage, in order."""
        out: list[Output] = []
        for item in made:
            if isinstance(item, Output):
                out.append(item)
            else:
                out += self.cases.apply(item)
        return out

