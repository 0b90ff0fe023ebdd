"""Fixtures of the worker tests: a broker of each test's own (the worker's topics and groups are
fixed names, so runs must not share a broker), with the catalogue applied."""

from __future__ import annotations

import pytest

from bench.hub_run import ScratchHub
from tests.integration.streams.hub import fresh_broker


@pytest.fixture
def hub_broker(tmp_path, kafka_jar_cache) -> ScratchHub:
    broker = fresh_broker(tmp_path, kafka_jar_cache)
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def second_hub_broker(tmp_path, kafka_jar_cache) -> ScratchHub:
    broker = fresh_broker(tmp_path / "second", kafka_jar_cache)
    try:
        yield broker
    finally:
        broker.stop()
