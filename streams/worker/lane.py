"""The lane: the worker's single-partition input log (`sanpalang-hub-lane`, in the catalogue).

Intake events and operator actions are copied onto it as they are (Avro single-object bytes);
wall-clock ticks are written as `tick:<epoch ms>`, and `flush` when the lane has gone idle (the
correlator then correlates the events it holds for event-time order). Its order is the order the correlator decided
in, so replaying it from the start rebuilds the correlator exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

import schemas
from schemas.catalogue import load_catalogue

from streams.worker.correlator import Correlator, Output

__all__ = ["LANE_TOPIC", "AGENCIES", "ACTIONS_TOPIC", "intake_topics", "tick_value", "feed"]

LANE_TOPIC = "sanpalang-hub-lane"
ACTIONS_TOPIC = "operator.actions.v1"
AGENCIES = load_catalogue().agencies                 # the catalogue names them once, for every part
_TICK = b"tick:"
FLUSH = b"flush"
_ACTION = "sanpalang.hub.OperatorAction"


def intake_topics() -> list[str]:
    return [f"intake.{agency}.v1" for agency in AGENCIES]


def tick_value(at: datetime) -> bytes:
    return _TICK + str(int(at.timestamp() * 1000)).encode()


def feed(correlator: Correlator, value: bytes) -> list[Output]:
    """Apply one lane entry. An entry that cannot be decoded was refused upstream already (the
    connectors validate every event); it is skipped, and the caller counts it."""
    if value == FLUSH:
        return correlator.flush()
    if value.startswith(_TICK):
        at = datetime.fromtimestamp(int(value[len(_TICK):]) / 1000, tz=timezone.utc)
        return correlator.tick(at)
    name, record = schemas.decode(value)
    if name == _ACTION:
        return correlator.action(record)
    return correlator.event(name, record)


def encoded(outputs: Iterable[Output]) -> list[tuple[str, bytes, bytes, str]]:
    """(topic, key, value, schema) of each output, ready to send."""
    return [(o.topic, o.key.encode(), schemas.encode(o.schema, o.record), o.schema) for o in outputs]
