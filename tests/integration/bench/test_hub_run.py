"""The bench harness (``bench.hub_run``): its processes end with the bench, and ``settled`` sees a
group caught up on topics written by transactional producers (a commit marker after the last record)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from bench.hub_run import scratch_hub, settled
from ops.kafka import local
from runtime.settings import Settings
from streams.worker.clients import GROUP as CORRELATE_GROUP
from tests.missing import missing
from tests.integration.processes import running

ROOT = Path(__file__).resolve().parents[3]

BENCH = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from bench.hub_run import HubProcess, ScratchHub
    from runtime.settings import Settings

    root = Path(sys.argv[1])
    hub = ScratchHub(Settings(home=root / "home", cache=root / "cache", kafka_port=1), None,
                     f"sqlite:///{root / 'views.db'}")
    console = HubProcess(hub, root / "console.log", "console", "--no-kafka", "--port", "0")
    (root / "child.part").write_text(str(console.pid))
    (root / "child.part").rename(root / "child.pid")
    time.sleep(300)
""")


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


class TestAHubProcess:
    def test_it_ends_when_the_bench_that_started_it_is_killed(self, tmp_path):
        bench = subprocess.Popen([sys.executable, "-c", BENCH, str(tmp_path)], cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        pid_file, child = tmp_path / "child.pid", None
        try:
            assert wait_for(pid_file.exists, 60), "the bench did not start its process"
            child = int(pid_file.read_text())
            assert wait_for(lambda: "console at" in _text(tmp_path / "console.log"), 120), "the console did not start"
            bench.send_signal(signal.SIGKILL)
            bench.wait()
            assert wait_for(lambda: not running(child), 60), "the hub process outlived the killed bench"
        finally:
            if bench.poll() is None:
                bench.kill()
            if child is not None and running(child):
                os.kill(child, signal.SIGKILL)


def _text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture(scope="module")
def hub(tmp_path_factory, kafka_jar_cache):
    absent = local.missing_packages(Settings(home=tmp_path_factory.mktemp("home"), cache=kafka_jar_cache))
    if absent:
        missing(f"a scratch hub needs {', '.join(absent)}")
    with scratch_hub(kafka_jar_cache) as hub:
        yield hub


TOPIC = "intake.police.v1"


@pytest.fixture(scope="module")
def transactional_intake(hub) -> int:
    """Three records on one intake partition in one transaction: offsets 0-2, its commit marker at 3."""
    producer = KafkaProducer(**hub.connection.kafka_python(), transactional_id="bench-hub-run-test")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        for n in range(3):
            producer.send(TOPIC, key=f"k{n}".encode(), value=b"event", partition=0)
        producer.commit_transaction()
    finally:
        producer.close()
    return 3


def commit_correlator_position(hub, offset: int) -> None:
    consumer = KafkaConsumer(**hub.connection.kafka_python(), group_id=CORRELATE_GROUP, enable_auto_commit=False)
    try:
        tp = TopicPartition(TOPIC, 0)
        consumer.assign([tp])
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1)})
    finally:
        consumer.close()


@pytest.mark.broker
class TestSettledOnTransactionalIntake:
    def test_it_waits_while_a_committed_record_is_not_correlated(self, hub, transactional_intake):
        commit_correlator_position(hub, transactional_intake - 1)
        assert not settled(hub.connection, transactional_intake, flushed=False)

    def test_it_is_settled_when_only_the_commit_marker_lies_past_the_correlators_position(self, hub,
                                                                                         transactional_intake):
        commit_correlator_position(hub, transactional_intake)
        assert settled(hub.connection, transactional_intake, flushed=False)
