"""The correlator's two stages on two lanes joined by topics (`sanpalang worker --stages split`;
docs/decisions/003-correlation-in-stages.md): what each stage's correlate loop feeds.

- `PersonsLane` owns today's lane (`sanpalang-hub-lane`): intake events, operator actions, ticks,
  flushes, and the link decisions the case stage accepted. It publishes the links and hands every
  event, clock move and operator action on to `sanpalang-hub-handover`.
- `CasesLane` reads `sanpalang-hub-handover` (its input is its lane: the persons stage wrote it
  in order, in its transactions): cases, alerts, referrals, consumer forms, and the operators'
  decisions on them. A link decision it finds in the operator's scope goes onto
  `sanpalang-hub-link-decisions` for the persons stage to apply; one outside it is dead-lettered.

The same lanes give the same outputs, so each stage rebuilds from its own lane alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import schemas

from streams.worker.admission import Refusal
from streams.worker.case_stage import CaseStage, is_link_decision
from streams.worker.handover import HANDOVER_SCHEMA, HANDOVER_TOPIC, LINK_DECISIONS_TOPIC, handover_output, read_handover
from streams.worker.lane import ACTION, FLUSHED, LANE_TOPIC, TICK, Refused, read
from streams.worker.outputs import Output
from streams.worker.persons_stage import ActionHandoff, Advance, Handoff, Matched, MergedHandoff, PersonsStage
from streams.worker.reorder import REPLAY_WINDOW

__all__ = ["PersonsLane", "CasesLane"]


class PersonsLane:
    """The persons stage fed by its loop: lane entries in, links and hand-overs out."""

    def __init__(self, *, window: timedelta = REPLAY_WINDOW, consumer_key: bytes | None = None) -> None:
        self.stage = PersonsStage(window=window)
        self.consumer_key = consumer_key          # (consumer forms are the case stage's)
        self.now: datetime | None = None          # the furthest clock handed on: the case stage's clock
        self._actions: set[str] = set()

    buffer = property(lambda self: self.stage.buffer)
    wall_at = property(lambda self: self.stage.wall_at)

    def feed(self, value: bytes, topic: str = LANE_TOPIC) -> list[Output]:
        name, record = read(value, topic)
        if name == FLUSHED:
            made = self.stage.flush()
        elif name == TICK:
            made = self.stage.tick(record)
        elif name == ACTION:
            made = self._action(record, value)
        elif name == HANDOVER_SCHEMA:
            made = self._decided(_handover(value))
        else:
            made = self.stage.event(name, record, raw=value)
        return [item if isinstance(item, Output) else self._handed(item) for item in made]

    def _action(self, action: dict[str, Any], raw: bytes) -> list[Handoff]:
        """Every operator action goes on to the case stage, once: it holds what each one changes or
        is judged against."""
        if action["action_id"] in self._actions:
            return []
        self._actions.add(action["action_id"])
        return [ActionHandoff(raw)]

    def _decided(self, accepted: Handoff) -> list[Handoff]:
        """A link decision the case stage found in its operator's scope: the matcher applies it; a
        join's merge goes back to the cases as a link's does."""
        if not isinstance(accepted, ActionHandoff):
            raise Refused(Refusal("not-a-decision", f"{type(accepted).__name__} is no link decision"))
        action = schemas.decode(accepted.action)[1]
        person_id, candidate_id = action["person_id"], action["candidate_id"]
        if action["kind"] == "RejectLink":
            self.stage.forbid(person_id, candidate_id)
            return []
        joined = self.stage.join(person_id, candidate_id)
        return [] if joined is None else [MergedHandoff((joined[1],), joined[0])]

    def _handed(self, item: Handoff) -> Output:
        moved = item.clock_to if isinstance(item, Matched) else item.to if isinstance(item, Advance) else None
        if moved is not None and (self.now is None or moved > self.now):
            self.now = moved
        return handover_output(item)


class CasesLane:
    """The case stage fed by its loop: hand-overs in, cases, alerts, referrals and accepted link
    decisions out."""

    def __init__(self, *, window: timedelta = REPLAY_WINDOW, consumer_key: bytes | None = None) -> None:
        self.stage = CaseStage(consumer_key)
        self.wall_at: datetime | None = None      # the latest tick handed on (the clock is the wall's)
        self.buffer: tuple = ()                    # nothing held here: event-time order is the persons stage's

    now = property(lambda self: self.stage.now)

    @property
    def consumer_key(self) -> bytes | None:
        return self.stage.consumer_key

    @consumer_key.setter
    def consumer_key(self, key: bytes | None) -> None:
        self.stage.consumer_key = key

    def feed(self, value: bytes, topic: str = HANDOVER_TOPIC) -> list[Output]:
        item = _handover(value)
        if isinstance(item, ActionHandoff):
            return self._action(item)
        if isinstance(item, Advance):
            self.wall_at = item.to if self.wall_at is None else max(self.wall_at, item.to)
        return self.stage.apply(item)

    def _action(self, item: ActionHandoff) -> list[Output]:
        action = schemas.decode(item.action)[1]
        if not is_link_decision(action):
            return self.stage.action(action)
        refused = self.stage.link_refusal(action, (action["person_id"], action["candidate_id"]))
        if refused is not None:
            return [self.stage.refused(action, refused)]
        return [replace(handover_output(item), topic=LINK_DECISIONS_TOPIC)]


def _handover(value: bytes) -> Handoff:
    """`read_handover`, a record that is none refused (dead-lettered with its reason, never applied)."""
    try:
        return read_handover(value)
    except ValueError as err:
        raise Refused(Refusal("undecodable", f"not a hand-over of the hub's: {err}")) from err
