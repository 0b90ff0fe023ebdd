"""One default feed per session, delivered (on paper) through the real readers and mappings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from simulator import Feed, generate
from simulator.offline import RECEIVED_AT, Read, read_all, source_records  # noqa: F401

START = datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=7)))


@pytest.fixture(scope="session")
def feed() -> Feed:
    return generate(7, start_at=START)


@pytest.fixture(scope="session")
def read(feed) -> dict[str, Read]:
    return read_all(feed, batch=40)


@pytest.fixture(scope="session")
def truth_records(feed) -> dict[str, dict]:
    return {r["ref"]: r for r in feed.truth["records"]}
