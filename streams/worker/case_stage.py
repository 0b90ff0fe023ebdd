"""The case stage: what the persons stage hands on (`persons_stage.Matched`, `Advance`) through the
case fold, the rules, referrals and consumer forms; and the operators' decisions on alerts and
cases, each refused outside the scope it records (`admission`), checked against the cases as they
stand when it is applied.

It knows persons only by the ids the persons stage gave and the merges it reported (`aliases`), so
it needs no matcher: the cases, alerts and desks are its whole state besides the hub clock.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import schemas

from streams.cases.desk import DECISION_BASES, TRAFFICKING_STATUSES, assign_owner, close_case, decide_status
from streams.cases.upkeep import cases_of_persons
from streams.events import as_utc
from streams.privacy import for_consumer, shown
from streams.privacy.consent import ConsentLedger
from streams.rules import Hub, on_event, on_expire, on_operator, on_person_merge, on_tick
from streams.rules.desk import on_desk
from streams.rules.process import Outcome
from streams.worker.admission import (ACTION_SCHEMA, ACTIONS_TOPIC, DESK_KINDS, HUB_DLQ, REFUSED_SCHEMA, Refusal,
                                     action_refusal, desk_refusal, refused_record)
from streams.worker.outputs import (ALERT, ALERTS_TOPIC, CASE_VIEW, CASES_TOPIC, CONSUMER_TOPICS, REFERRAL, Output,
                                    referrals_topic)
from streams.worker.persons_stage import Advance, Handoff, Matched, MergedHandoff

__all__ = ["CaseStage", "EXPIRE_EVERY_MS", "is_link_decision"]

EXPIRE_EVERY_MS = 24 * 3600 * 1000


def is_link_decision(action: Mapping[str, Any]) -> bool:
    """An operator's confirmation or rejection of a link: its scope is the case stage's to judge,
    its join the persons stage's to make."""
    return action["kind"] in ("ConfirmLink", "RejectLink") and bool(action.get("person_id")) \
        and bool(action.get("candidate_id"))


class CaseStage:
    """Hub (cases, rules, desks) + the hub clock + the consent ledger. Not thread-safe: one owner."""

    def __init__(self, consumer_key: bytes | None = None) -> None:
        self.consumer_key = consumer_key
        self.hub = Hub()
        self.now: datetime | None = None
        self._expired_at: datetime | None = None
        self.consent = ConsentLedger()          # persons whose tokens leave consumer records (issue 11)
        self.aliases: dict[str, str] = {}       # a person id merged away -> the id it went into

    def apply(self, handoff: Handoff) -> list[Output]:
        """One hand-over of the persons stage. An operator's action (`ActionHandoff`) is applied by
        its kind, not here: in one process `Correlator.action` calls the case stage's methods."""
        if isinstance(handoff, Advance):
            return self._advance(handoff.to)
        if isinstance(handoff, MergedHandoff):
            return self.merged(handoff.merged, handoff.into)
        if isinstance(handoff, Matched):
            return self._matched(handoff)
        raise TypeError(f"the case stage applies no {type(handoff).__name__} by itself: an operator's action "
                        f"goes by its kind (Correlator.action)")

    def _matched(self, matched: Matched) -> list[Output]:
        out = self._advance(matched.clock_to)
        for merged, into in matched.merges:
            out += self.merged(merged, into)
        if self.consent.observe(matched.event, matched.person_ids) and self.consumer_key is not None:
            # a withdrawal: what is published with it (deadlines due by its time) leaves the person out too
            out = [o for o in out if o.topic not in CONSUMER_TOPICS.values()]
            out += [self._for_consumer(o) for o in out if o.topic in CONSUMER_TOPICS and shown(o.schema, o.record)]
        return out + self._outcome(on_event(self.hub, matched.event, matched.person_ids, self.now))

    def merged(self, merged: tuple[str, ...], into: str) -> list[Output]:
        """The persons stage merged persons `merged` into `into` (a link, or an operator's join):
        their cases follow."""
        self.aliases.update((person_id, into) for person_id in merged)
        self.consent.merged(merged, into)
        return self._outcome(on_person_merge(self.hub, merged, into, self.now))

    def current(self, person_id: str) -> str:
        """The id a person goes by now (ids merged away stand for the person they went into)."""
        while person_id in self.aliases:
            person_id = self.aliases[person_id]
        return person_id

    # --- operators' decisions ---------------------------------------------------------------
    def action(self, action: Mapping[str, Any]) -> list[Output]:
        """An operator's decision on an alert or a case (a link decision is not one: `is_link_decision`).
        An action outside the scope it records (`admission`, checked against the state it would
        change, now) changes nothing and is dead-lettered on `dlq.hub.v1`."""
        kind = action["kind"]
        if kind in ("Acknowledge", "Resolve") and action.get("alert_id"):
            return self.alert_action(action)
        if kind in DESK_KINDS and action.get("case_id"):
            return self.desk(action)
        return []                            # Escalate: the console records it

    def alert_action(self, action: Mapping[str, Any]) -> list[Output]:
        """Acknowledge or Resolve: nothing on an alert the hub no longer holds."""
        found = self.hub.rules.find(action["alert_id"])
        if found is None:
            return []
        refused = action_refusal(action, alert_province=found[1].province)
        if refused is not None:
            return [self.refused(action, refused)]
        return self._outcome(on_operator(self.hub, action["alert_id"], action["kind"].lower(), as_utc(action["at"])))

    def link_refusal(self, action: Mapping[str, Any], person_ids: Iterable[str]) -> Refusal | None:
        """Whether the operator may change every case of these persons (a link decision's scope)."""
        return action_refusal(action, touched=cases_of_persons(self.hub.cases, map(self.current, person_ids)))

    def desk(self, action: Mapping[str, Any]) -> list[Output]:
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
            return [self.refused(action, refused)]
        by, kind, at = action["operator"], action["kind"], as_utc(action["at"])
        if kind == "AssignOwner":
            change = functools.partial(assign_owner, owner=action["owner"], by=by, at=at)
        elif kind == "CloseCase":
            change = functools.partial(close_case, by=by, at=at)
        else:
            person = self.current(action.get("person_id") or "")
            found = case.person(person)
            if found is None or not found.joinable:     # a status is decided of a (possible) victim only
                return []
            status, basis = action.get("trafficking_status"), action.get("status_basis")
            if status not in TRAFFICKING_STATUSES or basis not in DECISION_BASES:
                return [self.refused(action, Refusal("bad-decision", f"status {status!r} on {basis!r}: not a "
                                                                     f"decision a team lead records"))]
            change = functools.partial(decide_status, person_id=person, status=status, basis=basis, by=by, at=at,
                                       note=action.get("note"))
        return self._outcome(on_desk(self.hub, case.case_id, change, at))

    @staticmethod
    def refused(action: Mapping[str, Any], refused: Refusal) -> Output:
        key, record = refused_record(ACTIONS_TOPIC, refused, schemas.encode(ACTION_SCHEMA, action),
                                     as_utc(action["at"]), schema=ACTION_SCHEMA,
                                     key=f"{ACTIONS_TOPIC}:{action['action_id']}")
        return Output(HUB_DLQ, key, REFUSED_SCHEMA, record)

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
