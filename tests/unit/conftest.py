"""The seed-7 scenario that several suites read (the simulator's, the worker's, the console's
wording), made once per session: generated and delivered on paper through the real readers and
mappings, which is most of what a run of it costs."""

from __future__ import annotations

import pytest

from bench.scoring import SCENARIO_START
from connectors.records import Publication
from simulator import Feed, generate
from simulator.offline import Read, read_all


@pytest.fixture(scope="session")
def fixed_feed() -> Feed:
    """The tests' fixed scenario: seed 7 without the lifecycle stories."""
    return generate(7, start_at=SCENARIO_START)


@pytest.fixture(scope="session")
def fixed_read(fixed_feed) -> dict[str, Read]:
    return read_all(fixed_feed, batch=40)


def intake(reads: dict[str, Read]) -> list[Publication]:
    """What the connectors publish on the intake topics, in delivery order (dead letters left out),
    as `bench.scoring.scenario_feed` delivers it to the worker's lane."""
    return [p for read in reads.values() for p in read.publications if not p.dead_letter]


@pytest.fixture(scope="session")
def fixed_values(fixed_read) -> list[bytes]:
    return [p.value for p in intake(fixed_read)]


@pytest.fixture(scope="session")
def lifecycle_feed() -> Feed:
    """Seed 7 with its lifecycle stories (custody hand-overs, transfers, absconding, ...)."""
    return generate(7, start_at=SCENARIO_START, lifecycle=True)


@pytest.fixture(scope="session")
def lifecycle_read(lifecycle_feed) -> dict[str, Read]:
    return read_all(lifecycle_feed, batch=40)


@pytest.fixture(scope="session")
def lifecycle_publications(lifecycle_read) -> list[Publication]:
    return intake(lifecycle_read)
