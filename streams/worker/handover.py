"""The hand-over between the correlator's stages on the wire: `sanpalang.hub.Handover` records on
the hub-only topic `sanpalang-hub-handover` (docs/decisions/003-correlation-in-stages.md).

    output = handover_output(item)                 # persons side: an `Output` to publish
    item = read_handover(value)                    # case side: the hand-over it was made of

An event crosses as the bytes it came in (`Matched.raw`), not as the persons stage's reading of
it: the case stage reads it again with the hub's own codec, so no field of the typed event needs a
wire form of its own, and what the case stage folds is what the agency sent. The id the event goes
by crosses when it may differ from its record's (the persons stage prefixes `<agency>:` when
another agency used the id first), and its persons' ids are keyed by that id again on reading.

Operators' link decisions the case stage finds in scope go back to the persons stage on
`sanpalang-hub-link-decisions` as hand-overs of kind Action (`split.CasesLane`), so that the persons
stage's lane tells them from the actions that came from the console.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import schemas

from streams.events import Event
from streams.worker.outputs import Output
from streams.worker.persons_stage import ActionHandoff, Advance, Handoff, Matched, MergedHandoff

__all__ = ["HANDOVER_TOPIC", "LINK_DECISIONS_TOPIC", "HANDOVER_SCHEMA", "CLOCK_KEY", "handover_output",
           "read_handover"]

HANDOVER_TOPIC = "sanpalang-hub-handover"
LINK_DECISIONS_TOPIC = "sanpalang-hub-link-decisions"
HANDOVER_SCHEMA = "sanpalang.hub.Handover"
CLOCK_KEY = "clock"
"""The key of every tick: one partition, so keys only name what a record is about."""

_EMPTY: dict[str, Any] = {"event": None, "event_id": None, "clock_to": None, "person_ids": [], "merges": [],
                          "to": None, "action": None}


def handover_output(item: Handoff) -> Output:
    """The record to publish on `HANDOVER_TOPIC` for one hand-over. Raises ValueError for a
    `Matched` without its intake bytes (made by the joined correlator, which needs none)."""
    if isinstance(item, Matched):
        return _matched_output(item)
    if isinstance(item, Advance):
        return Output(HANDOVER_TOPIC, CLOCK_KEY, HANDOVER_SCHEMA, {**_EMPTY, "kind": "Advance", "to": item.to})
    if isinstance(item, ActionHandoff):
        name, action = schemas.decode(item.action)
        if name != "sanpalang.hub.OperatorAction":
            raise ValueError(f"an Action hand-over carries an operator action, not {name}")
        return Output(HANDOVER_TOPIC, action["action_id"], HANDOVER_SCHEMA,
                      {**_EMPTY, "kind": "Action", "action": item.action})
    if isinstance(item, MergedHandoff):
        return Output(HANDOVER_TOPIC, item.into, HANDOVER_SCHEMA,
                      {**_EMPTY, "kind": "Merged", "merges": [{"merged": list(item.merged), "into": item.into}]})
    raise TypeError(f"not a hand-over: {type(item).__name__}")


def _matched_output(item: Matched) -> Output:
    if not item.raw:
        raise ValueError(f"event {item.event.event_id}: a Matched hand-over crosses with its intake bytes, "
                         f"and this one has none")
    event_id = item.event.event_id
    # The persons stage prefixes '<agency>:' to an id another agency used first. An id of that form
    # crosses even when the record had it already: read back, it is the record's own, so no harm.
    renamed = event_id.startswith(f"{item.event.agency}:")
    return Output(HANDOVER_TOPIC, event_id, HANDOVER_SCHEMA, {
        **_EMPTY, "kind": "Matched", "event": item.raw, "event_id": event_id if renamed else None,
        "clock_to": item.clock_to,
        "person_ids": [{"person_ref": ref, "person_id": person_id} for (_, ref), person_id in item.person_ids.items()],
        "merges": [{"merged": list(merged), "into": into} for merged, into in item.merges],
    })


def read_handover(value: bytes) -> Handoff:
    """The hand-over a `HANDOVER_TOPIC` record was made of; a `Matched` comes back with its event
    read again from its intake bytes, under the id it was handed over by. Raises ValueError naming
    what is wrong with a record that is no hand-over or whose kind lacks its fields."""
    try:
        name, record = schemas.decode(value)
    except schemas.CodecError as err:
        raise ValueError(f"not a hand-over record: {err}") from err
    if name != HANDOVER_SCHEMA:
        raise ValueError(f"not a hand-over record: {name}")
    kind = record["kind"]
    if kind == "Matched":
        return _read_matched(record)
    if kind == "Advance":
        return Advance(_required(record, "to", kind))
    if kind == "Action":
        return ActionHandoff(_required(record, "action", kind))
    if kind == "Merged":
        if len(record["merges"]) != 1 or not record["merges"][0]["merged"]:
            raise ValueError(f"a Merged hand-over carries exactly one join of at least one id, "
                             f"not {record['merges']!r}")
        join = record["merges"][0]
        return MergedHandoff(tuple(join["merged"]), join["into"])
    raise ValueError(f"a hand-over of kind {kind!r}: not one this build applies")


def _read_matched(record: dict[str, Any]) -> Matched:
    raw, clock_to = _required(record, "event", "Matched"), _required(record, "clock_to", "Matched")
    try:
        event = Event.of(*schemas.decode(raw))
    except (schemas.CodecError, KeyError, ValueError) as err:
        raise ValueError(f"a Matched hand-over whose event cannot be read again: {err}") from err
    if record["event_id"] is not None and record["event_id"] != event.event_id:
        event = replace(event, event_id=record["event_id"])
    person_ids = {(event.event_id, p["person_ref"]): p["person_id"] for p in record["person_ids"]}
    merges = tuple((tuple(m["merged"]), m["into"]) for m in record["merges"])
    return Matched(event, clock_to, person_ids, merges, raw)


def _required(record: dict[str, Any], field: str, kind: str) -> Any:
    value = record[field]
    if value is None or value == b"":
        raise ValueError(f"a {kind} hand-over without its {field}")
    return value
