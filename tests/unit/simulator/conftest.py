"""The simulator's suites read the session's fixed feed (tests/unit/conftest.py) under short names."""

from __future__ import annotations

import pytest

from bench.scoring import SCENARIO_START as START  # noqa: F401
from simulator import Feed
from simulator.offline import RECEIVED_AT, Read, read_all, source_records  # noqa: F401


@pytest.fixture(scope="session")
def feed(fixed_feed) -> Feed:
    return fixed_feed


@pytest.fixture(scope="session")
def read(fixed_read) -> dict[str, Read]:
    return fixed_read


@pytest.fixture(scope="session")
def truth_records(feed) -> dict[str, dict]:
    return {r["ref"]: r for r in feed.truth["records"]}
