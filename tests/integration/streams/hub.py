"""Run `sanpalang worker` processes against a broker of their own and read what they published.

`expected(broker)` is the oracle: the lane the workers actually wrote, fed to a fresh
`Correlator` in the test process, gives every record an undisturbed worker publishes for that lane.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import CoordinatorLoadInProgressError, CoordinatorNotAvailableError, NotCoordinatorError

import schemas
from ops.admin import apply_catalogue
from ops.kafka import local
from ops.kafka.connection import KafkaConnection, resolve_connection
from ops.settings import Settings
from schemas.catalogue import load_catalogue
from streams.privacy import pseudonym_key
from streams.worker.correlator import CONSUMER_TOPICS, Correlator
from streams.worker.lane import LANE_TOPIC, feed
from streams.worker.views import OUTPUT_TOPICS

FIRST_PORT = 29592
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class HubBroker:
    settings: Settings
    connection: KafkaConnection
    database_url: str

    def stop(self) -> None:
        local.down(self.settings)


def fresh_broker(root: Path, cache: Path) -> HubBroker:
    settings = Settings(home=root / "home", cache=cache, kafka_port=FIRST_PORT)
    missing = local.missing_packages(settings)
    if missing:
        message = f"the worker tests need {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: a missing dependency fails the run)", pytrace=False)
        pytest.skip(message)
    for attempt in range(8):
        try:
            local.up(settings)
            break
        except local.PortInUseError:
            if attempt == 7:
                raise
            settings = settings.with_(kafka_port=settings.kafka_port + 1000)
    connection = resolve_connection(settings)
    apply_catalogue(settings, connection, load_catalogue(), progress=lambda _: None)
    return HubBroker(settings, connection, f"sqlite:///{root / 'views.db'}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One `sanpalang worker --clock event` process."""

    def __init__(self, broker: HubBroker, log: Path) -> None:
        env = {**os.environ, "SANPALANG_HOME": str(broker.settings.home),
               "SANPALANG_KAFKA_PORT": str(broker.settings.kafka_port),
               "SANPALANG_DATABASE_URL": broker.database_url, "PYTHONPATH": str(ROOT)}
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "worker", "--clock", "event", "--loglevel", "info",
             "--metrics", f"127.0.0.1:{free_port()}"],
            env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def publish(connection: KafkaConnection, publications) -> int:
    producer = KafkaProducer(**connection.kafka_python(), acks="all", enable_idempotence=True)
    sent = 0
    for p in publications:
        if not p.dead_letter:
            producer.send(p.topic, key=p.key, value=p.value, headers=list(p.headers))
            sent += 1
    producer.flush()
    producer.close()
    return sent


def _offsets(connection: KafkaConnection, group: str) -> dict[TopicPartition, int]:
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        found = admin.list_group_offsets({group: None}).get(group, {})
    except (CoordinatorNotAvailableError, CoordinatorLoadInProgressError, NotCoordinatorError):
        # a fresh broker creates and loads __consumer_offsets on first use
        return {}
    finally:
        admin.close()
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}


def _ends(connection: KafkaConnection, topics) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed")
    try:
        tps = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        return consumer.end_offsets(tps)
    finally:
        consumer.close()


def correlated(connection: KafkaConnection) -> int:
    """Lane entries the correlator has committed."""
    return _offsets(connection, "sanpalang-hub-correlate").get(TopicPartition(LANE_TOPIC, 0), 0)


def settled(connection: KafkaConnection, intake_events: int) -> bool:
    """Every intake event is on the lane, the lane is correlated and the views are written.
    (The end offsets of transactional topics include commit markers: the groups must reach them.)"""
    lane_end = _ends(connection, [LANE_TOPIC])[TopicPartition(LANE_TOPIC, 0)]
    if lane_end < intake_events or correlated(connection) < lane_end:
        return False
    views = _offsets(connection, "sanpalang-hub-views")
    return all(views.get(tp, 0) >= end for tp, end in _ends(connection, OUTPUT_TOPICS).items())


def wait_until(condition, *, timeout: float = 180, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


ALL_OUTPUTS = (*OUTPUT_TOPICS, *CONSUMER_TOPICS.values())


def read_topic(connection: KafkaConnection, topics=ALL_OUTPUTS) -> list[tuple[str, str, dict]]:
    """(topic, key, decoded record) of every committed message, in partition order."""
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed",
                             enable_auto_commit=False, auto_offset_reset="earliest")
    try:
        tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        out: dict[TopicPartition, list] = {tp: [] for tp in tps}
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for tp, messages in consumer.poll(timeout_ms=1000, max_records=5000).items():
                out[tp] += [(tp.topic, m.key.decode(), m.value) for m in messages]
        return [(t, k, schemas.decode(v)[1]) for tp in tps for t, k, v in out[tp]]
    finally:
        consumer.close()


def lane_values(connection: KafkaConnection) -> list[bytes]:
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed",
                             enable_auto_commit=False)
    tp = TopicPartition(LANE_TOPIC, 0)
    try:
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        end = consumer.end_offsets([tp])[tp]
        values = []
        while consumer.position(tp) < end:
            for messages in consumer.poll(timeout_ms=1000).values():
                values += [m.value for m in messages]
        return values
    finally:
        consumer.close()


def expected(broker: HubBroker) -> list[tuple[str, str, dict]]:
    """What an undisturbed worker publishes for the lane as written: (topic, key, record)."""
    correlator = Correlator(consumer_key=pseudonym_key(broker.settings))
    out = []
    for value in lane_values(broker.connection):
        out += [(o.topic, o.key, schemas.decode(schemas.encode(o.schema, o.record))[1]) for o in feed(correlator, value)]
    return out


def per_key(messages) -> dict[tuple[str, str], list[dict]]:
    """Every version published per (topic, key), in order."""
    found: dict[tuple[str, str], list[dict]] = {}
    for topic, key, record in messages:
        found.setdefault((topic, key), []).append(record)
    return found


def first_difference(published: dict, oracle: dict) -> str:
    """The first (topic, key) whose versions differ, field by field, for a readable failure."""
    for key in sorted(set(published) | set(oracle)):
        got, want = published.get(key, []), oracle.get(key, [])
        if got != want:
            lines = [f"{key}: {len(got)} version(s) published, {len(want)} expected"]
            for n, (g, w) in enumerate(zip(got, want)):
                fields = sorted(f for f in set(g) | set(w) if g.get(f) != w.get(f))
                lines += [f"  version {n}: {f}: published {g.get(f)!r}, expected {w.get(f)!r}" for f in fields]
            return "\n".join(lines)
    return "no difference"
