"""One batch of lane entries through the correlator: what goes on the lane (the admitted entries),
what is published (their outputs, with headers), decided before the transaction that commits them
(`checkpoint`). No Kafka here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streams.views.clock import HUB_CLOCK_HEADER, clock_header
from streams.worker.outputs import CONSUMER_TOPICS, Output
from streams.worker.lane import LANE_TOPIC, Refused, encoded, feed, refused_output
from streams.worker.metrics import WorkerMetrics

__all__ = ["Entry", "Batch", "Send", "Feed", "correlate", "safe_feed", "triggered_at", "TRIGGER_HEADER"]

log = logging.getLogger("sanpalang.worker.batch")
_CONSUMER = frozenset(CONSUMER_TOPICS.values())     # their times are days (streams.privacy): no hub clock
TRIGGER_HEADER = "sanpalang-trigger-produced-ms"
"""On every output: when the intake event (or tick, or operator action) that caused it was produced,
epoch milliseconds; end-to-end latency for consumers and the pipeline benchmark."""

Send = tuple[str, bytes, bytes, list[tuple[str, bytes]]]          # topic, key, value, headers


def triggered_at(message: Any) -> int:
    """When what caused a hand-over between the split stages was produced, epoch ms: the trigger
    it carries (so latency counts from intake), else its own timestamp. Read only on the hub's own
    topics: an agency's headers say nothing the hub trusts."""
    for key, value in message.headers or ():
        if key == TRIGGER_HEADER and value.isdigit():
            return int(value)
    return message.timestamp


@dataclass(frozen=True, slots=True)
class Entry:
    """One lane entry: from a source topic (intake event, operator action) or the owner's own (tick,
    flush, with `topic` the lane's); `timestamp` is when it was produced, epoch ms."""

    topic: str
    key: bytes | None
    value: bytes
    timestamp: int
    partition: int | None = None
    offset: int | None = None


@dataclass
class Batch:
    admitted: list[Entry] = field(default_factory=list)      # onto the lane, in this order
    outputs: list[Output] = field(default_factory=list)
    sends: list[Send] = field(default_factory=list)          # the outputs (and dead letters), encoded


Feed = Callable[[Any, bytes, str], list[Output]]
"""How a stage applies one entry from a topic to its state machine (`lane.feed` for the correlator)."""


def safe_feed(correlator: Any, value: bytes, where: str, topic: str = LANE_TOPIC, apply: Feed = feed) -> list[Output]:
    """`apply` (`lane.feed`), except that a bug on one entry must not stop the hub: it is logged and counted."""
    try:
        return apply(correlator, value, topic)
    except Refused:
        raise
    except Exception as err:
        log.error("the entry at %s could not be applied and was skipped: %s", where, err)
        WorkerMetrics.shared().skipped.inc()
        return []


def correlate(correlator: Any, entries: list[Entry], apply: Feed = feed) -> Batch:
    """Feed `entries` to `correlator` (a stage's state machine, through `apply`); a record its topic
    does not carry is dead-lettered, never on the lane."""
    batch = Batch()
    for entry in entries:
        try:
            made = safe_feed(correlator, entry.value, f"{entry.topic} ({entry.key!r})", entry.topic, apply)
        except Refused as refused:
            log.warning("refused %s partition %s offset %s: %s", entry.topic, entry.partition, entry.offset, refused)
            made = [refused_output(entry.topic, entry.partition, entry.offset, entry.value, entry.timestamp, refused)]
        else:
            batch.admitted.append(entry)
        batch.outputs += made
        produced = [(TRIGGER_HEADER, str(entry.timestamp).encode())]
        batch.sends += [(topic, key, value, produced) for topic, key, value, _ in encoded(made)]
    if correlator.now is not None:      # the hub clock these outputs were decided at (views.clock), not
        mode = "wall" if correlator.wall_at is not None else "event"      # for consumers: on event time
        clock = (HUB_CLOCK_HEADER, clock_header(correlator.now, mode))   # it is an event's time
        batch.sends = [(topic, key, value, headers if topic in _CONSUMER else [*headers, clock])
                       for topic, key, value, headers in batch.sends]
    return batch
