"""What each correlate loop runs (`loop.CorrelateLoop`): its lane, its sources, its transactional
id and its state machine. `sanpalang worker --stages joined` runs `JOINED` (the correlator whole,
one loop); `--stages split` runs `PERSONS` and `CASES` (`split`), one loop each, and the workers'
one group gives the two lanes to different workers when there are two (round robin), so the two
stages run side by side (docs/decisions/003-correlation-in-stages.md).

Every worker of a hub runs the same stages: a lane written by one layout is not the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from streams.worker.clients import TRANSACTIONAL_ID
from streams.worker.correlator import Correlator
from streams.worker.handover import HANDOVER_TOPIC, LINK_DECISIONS_TOPIC
from streams.worker.lane import ACTIONS_TOPIC, LANE_TOPIC, feed, intake_topics
from streams.worker.outputs import Output
from streams.worker.split import CasesLane, PersonsLane

__all__ = ["Stage", "JOINED", "PERSONS", "CASES", "LAYOUTS"]


@dataclass(frozen=True)
class Stage:
    name: str
    lane: str                        # the partition (0) whose committed records are the state
    sources: tuple[str, ...]
    transactional_id: str
    machine: Callable[..., Any]      # (window=, consumer_key=) -> a fresh state machine
    feed: Callable[[Any, bytes, str], list[Output]]
    writes_lane: bool = True         # its admitted entries go onto the lane (else its one source is its lane)
    keeps_clock: bool = True         # it writes the ticks and idle flushes
    counts_cases: bool = True        # it publishes the aggregates and pushes alerts


JOINED = Stage("correlate", LANE_TOPIC, (*intake_topics(), ACTIONS_TOPIC), TRANSACTIONAL_ID, Correlator, feed)
PERSONS = Stage("persons", LANE_TOPIC, (*intake_topics(), ACTIONS_TOPIC, LINK_DECISIONS_TOPIC), TRANSACTIONAL_ID,
                PersonsLane, PersonsLane.feed, counts_cases=False)
CASES = Stage("cases", HANDOVER_TOPIC, (HANDOVER_TOPIC,), f"{TRANSACTIONAL_ID}-cases", CasesLane, CasesLane.feed,
              writes_lane=False, keeps_clock=False)
LAYOUTS: dict[str, tuple[Stage, ...]] = {"joined": (JOINED,), "split": (PERSONS, CASES)}
