"""Issue 17's cluster run, small: on a 3-node cluster, every agency's connector with two processes
and two split workers (one stage each), the node leading most intake partitions killed with SIGKILL mid-run and started
again on its data; every record lands once (or is dead-lettered once), every intake event is on the
worker's lane once, and the worker's outputs are an undisturbed worker's (``bench.faults_cluster``)."""

from __future__ import annotations

import time

import pytest

from bench.faults_cluster import cluster_killed
from bench.hub_run import start_scratch_hub
from ops.kafka import local
from runtime.settings import Settings
from tests.missing import missing

pytestmark = pytest.mark.broker


@pytest.fixture
def cluster_hub(tmp_path, kafka_jar_cache):
    absent = local.missing_packages(Settings(home=tmp_path, cache=kafka_jar_cache))
    if absent:
        missing(f"the cluster run needs {', '.join(absent)}")
    hub = start_scratch_hub(tmp_path / "hub", kafka_jar_cache, nodes=3)
    try:
        yield hub
    finally:
        hub.stop()


class TestTheHubOnAThreeNodeClusterWithABrokerKilled:
    def test_it_loses_and_doubles_nothing_from_the_sources_to_the_workers_outputs(self, cluster_hub, tmp_path):
        said: list[str] = []
        started = time.monotonic()

        def say(line: str) -> None:      # shown by pytest on a failure: how far it got, and when
            said.append(line)
            print(f"{time.monotonic() - started:6.1f} s {line}")

        work = tmp_path / "work"
        work.mkdir()
        tally = cluster_killed(cluster_hub, work, "T1", say, per_source=160)
        assert any("killed with SIGKILL" in line for line in said), said
        assert tally.records == 4 * 160
        assert (tally.lost, tally.doubled, tally.unaccounted) == (0, 0, 0), tally
