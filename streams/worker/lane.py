"""The lane: the worker's single-partition input log (`sanpalang-hub-lane`, in the catalogue).

Intake events and operator actions are copied onto it as they are (Avro single-object bytes);
wall-clock ticks are written as `tick:<epoch ms>`, and `flush` when the lane has gone idle (the
correlator then correlates the events it holds for event-time order). Its order is the order the correlator decided
in, so replaying it from the start rebuilds the correlator exactly.

Only admitted records reach it (`admission.refusal`: a record is what its topic says): `feed` is
given the topic a record came from, and raises `Refused` for anything that topic does not carry;
the caller dead-letters it on `dlq.hub.v1` instead of writing it to the lane. Lane entries
themselves (a replay) are fed with the lane as their topic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import schemas
from schemas.catalogue import load_catalogue

from streams.worker.admission import ACTIONS_TOPIC, HUB_DLQ, REFUSED_SCHEMA, Refusal, refusal, refused_record
from streams.worker.outputs import Output

if TYPE_CHECKING:
    from streams.worker.correlator import Correlator

__all__ = ["LANE_TOPIC", "AGENCIES", "ACTIONS_TOPIC", "intake_topics", "tick_value", "feed", "read", "Refused",
           "refused_output", "FLUSH", "TICK", "FLUSHED", "ACTION"]

LANE_TOPIC = "sanpalang-hub-lane"
AGENCIES = load_catalogue().agencies                 # the catalogue names them once, for every part
_TICK = b"tick:"
FLUSH = b"flush"
TICK, FLUSHED = "tick", "flush"          # what `read` names the lane's own entries
ACTION = "sanpalang.hub.OperatorAction"


def intake_topics() -> list[str]:
    return [f"intake.{agency}.v1" for agency in AGENCIES]


def tick_value(at: datetime) -> bytes:
    return _TICK + str(int(at.timestamp() * 1000)).encode()


class Refused(Exception):
    """A source record its topic does not carry: never applied, dead-lettered by the caller."""

    def __init__(self, refusal: Refusal, schema: str | None = None) -> None:
        super().__init__(str(refusal))
        self.refusal, self.schema = refusal, schema


def feed(correlator: Correlator, value: bytes, topic: str = LANE_TOPIC) -> list[Output]:
    """Apply one entry that came from `topic` (the lane itself on a replay). Raises `Refused` when
    the topic does not carry it (`admission`): it is then not applied and must not reach the lane."""
    name, record = read(value, topic)
    if name == FLUSHED:
        return correlator.flush()
    if name == TICK:
        return correlator.tick(record)
    if name == ACTION:
        return correlator.action(record)
    return correlator.event(name, record)


def read(value: bytes, topic: str = LANE_TOPIC) -> tuple[str, Any]:
    """(schema name, decoded record) of an entry from `topic`, or (`TICK`, its time) or (`FLUSHED`,
    None) for the lane's own entries. Raises `Refused` for what `topic` does not carry."""
    if topic == LANE_TOPIC:
        if value == FLUSH:
            return FLUSHED, None
        if value.startswith(_TICK):
            return TICK, datetime.fromtimestamp(int(value[len(_TICK):]) / 1000, tz=timezone.utc)
        return schemas.decode(value)
    try:
        name, record = schemas.decode(value)
    except Exception as err:  # bytes that are no Avro record of ours: a tick, garbage, an unknown schema
        raise Refused(Refusal("undecodable", f"not a record of the contract: {err}")) from err
    refused = refusal(topic, name, record)
    if refused is not None:
        raise Refused(refused, name)
    return name, record


def refused_output(topic: str, partition: int | None, offset: int | None, value: bytes, produced_ms: int,
                   refused: Refused) -> Output:
    """The dead letter on `dlq.hub.v1` for a record `feed` refused."""
    key, record = refused_record(topic, refused.refusal, value,
                                 datetime.fromtimestamp(produced_ms / 1000, tz=timezone.utc),
                                 partition=partition, offset=offset, schema=refused.schema)
    return Output(HUB_DLQ, key, REFUSED_SCHEMA, record)


def encoded(outputs: Iterable[Output]) -> list[tuple[str, bytes, bytes, str]]:
    """(topic, key, value, schema) of each output, ready to send."""
    return [(o.topic, o.key.encode(), schemas.encode(o.schema, o.record), o.schema) for o in outputs]
