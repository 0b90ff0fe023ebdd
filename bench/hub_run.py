"""Run the hub against a broker of its own and read what it published: the worker tests and the
scenario and pipeline benchmarks share this.

`scratch_hub()` starts a broker in a temporary home with the catalogue applied (the worker's
topics and groups have fixed names, so runs must not share a broker); `WorkerProcess` runs
`sanpalang worker` there; `settled()` says when every intake event is correlated and in the SQL
views; `expected()` is the oracle: the lane as written, fed to a fresh `Correlator`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import CoordinatorLoadInProgressError, CoordinatorNotAvailableError, NotCoordinatorError

import schemas
from ops.admin import apply_catalogue
from ops.kafka import local
from runtime.connection import KafkaConnection, resolve_connection
from runtime.lifetime import tied_child
from ops.ports import free_block, free_port
from runtime.settings import Settings
from schemas.catalogue import load_catalogue
from streams.worker.keyfile import pseudonym_key
from streams.worker.clients import GROUP as CORRELATE_GROUP
from streams.worker.correlator import CONSUMER_TOPICS, Correlator
from streams.worker.handover import HANDOVER_TOPIC, LINK_DECISIONS_TOPIC
from streams.worker.lane import FLUSH, LANE_TOPIC, feed, intake_topics
from streams.worker.views_loop import GROUP as VIEWS_GROUP, OUTPUT_TOPICS

__all__ = ["ScratchHub", "scratch_hub", "start_scratch_hub", "HubProcess", "WorkerProcess", "stop_all", "handed_over", "publish", "correlated", "settled",
           "wait_until", "read_topic", "lane_values", "expected", "per_key", "latest", "ALL_OUTPUTS", "free_port"]

ALL_OUTPUTS = (*OUTPUT_TOPICS, *CONSUMER_TOPICS.values())
STAGE_TOPICS = (HANDOVER_TOPIC, LINK_DECISIONS_TOPIC)     # between the split stages (empty when joined)
ROOT = Path(__file__).resolve().parents[1]
READ_S = 30.0
"""How long `settled` reads past a group's committed positions before it calls them behind."""
_COORDINATOR_NOT_READY = (CoordinatorNotAvailableError, CoordinatorLoadInProgressError, NotCoordinatorError)


@dataclass
class ScratchHub:
    settings: Settings
    connection: KafkaConnection
    database_url: str

    def stop(self) -> None:
        local.down(self.settings, purge=True)


def start_scratch_hub(root: Path, cache: Path, *, nodes: int = 1,
                      progress: Callable[[str], None] = lambda _: None) -> ScratchHub:
    """A broker (or a cluster of ``nodes``) under `root` on reserved ports (``ops.ports``), catalogue applied."""
    settings = Settings(home=root / "home", cache=cache, kafka_port=free_block(10 * nodes))
    local.up(settings, nodes=nodes, progress=progress)
    connection = resolve_connection(settings)
    apply_catalogue(settings, connection, load_catalogue(), progress=lambda _: None)
    return ScratchHub(settings, connection, f"sqlite:///{root / 'views.db'}")


@contextlib.contextmanager
def scratch_hub(cache: Path, progress: Callable[[str], None] = lambda _: None, *, nodes: int = 1) -> Iterator[ScratchHub]:
    root = Path(tempfile.mkdtemp(prefix="sanpalang-hub-"))
    hub = start_scratch_hub(root, cache, nodes=nodes, progress=progress)
    try:
        yield hub
    finally:
        hub.stop()
        shutil.rmtree(root, ignore_errors=True)


class HubProcess:
    """One `sanpalang ...` process on a scratch hub (its home, broker and database), logging to `log`.

    The child is tied to the process starting it (SIGTERM when it dies, `runtime.lifetime`): a bench
    interrupted or killed must not leave a worker correlating on a broker nobody stops."""

    def __init__(self, hub: ScratchHub, log: Path, *args: str) -> None:
        env = {**os.environ, "SANPALANG_HOME": str(hub.settings.home),
               "SANPALANG_KAFKA_PORT": str(hub.settings.kafka_port),
               "SANPALANG_DATABASE_URL": hub.database_url, "PYTHONPATH": str(ROOT)}
        env.pop("SANPALANG_KAFKA_BOOTSTRAP", None)
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "ops.cli", *args], env=env, cwd=ROOT,
                                            stdout=out, stderr=subprocess.STDOUT, preexec_fn=tied_child())

    @property
    def pid(self) -> int:
        return self.process.pid

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


def stop_all(processes: Iterable[HubProcess]) -> None:
    """Tell every process to stop at once, then wait for each: each stops within its own bound."""
    processes = list(processes)
    for process in processes:
        if process.process.poll() is None:
            process.process.terminate()
    for process in processes:
        process.stop()


class WorkerProcess(HubProcess):
    """One `sanpalang worker --clock event` process on a scratch hub."""

    def __init__(self, hub: ScratchHub, log: Path, *extra: str) -> None:
        metrics = f"127.0.0.1:{free_port()}"
        self.metrics_url = f"http://{metrics}/metrics"
        super().__init__(hub, log, "worker", "--clock", "event", "--loglevel", "info", "--metrics", metrics, *extra)


def publish(connection: KafkaConnection, publications: Iterable[Any]) -> int:
    """Send the intake publications (not the dead letters) as a connector would; returns how many."""
    producer = KafkaProducer(**connection.kafka_python(), acks="all", enable_idempotence=True)
    sent = 0
    try:
        for p in publications:
            if not p.dead_letter:
                producer.send(p.topic, key=p.key, value=p.value, headers=list(p.headers))
                sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


def _offsets(connection: KafkaConnection, group: str) -> dict[TopicPartition, int]:
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        found = admin.list_group_offsets({group: None}).get(group, {})
    except _COORDINATOR_NOT_READY:          # a fresh broker creates and loads __consumer_offsets on first use
        return {}
    finally:
        admin.close()
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}


def _ends(connection: KafkaConnection, topics: Iterable[str]) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed")
    try:
        tps = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        return consumer.end_offsets(tps)
    finally:
        consumer.close()


def correlated(connection: KafkaConnection) -> int:
    """How many intake messages the correlator has committed (their offsets, summed over the
    intake partitions: a progress figure; commit markers of transactional producers count too, so
    `settled` is what says every event is in)."""
    return sum(offset for tp, offset in _offsets(connection, CORRELATE_GROUP).items() if tp.topic.startswith("intake."))


def settled(connection: KafkaConnection, intake_events: int, *, flushed: bool = True) -> bool:
    """Every intake event is correlated (no committed intake record lies at or after the
    correlator's committed positions; with the stages split, none on the hand-overs and link
    decisions between them either), (`flushed`) the events held for event-time order were released
    by a final `flush` entry, and the views are written (the same, for the views group on the
    outputs). Read in that order, each after what it waits on: a position read before an end it
    reaches was committed after everything that end counts.

    The groups' positions cannot be compared with the end offsets alone: a transactional producer
    (a connector, the worker itself) ends each transaction with a commit marker, which takes an
    offset, and a consumer that committed its position before it fetched that marker stays one
    short of the end until more records come, perhaps never."""
    if flushed and _last_lane_entry(connection)[1] != FLUSH:
        return False
    committed = _offsets(connection, CORRELATE_GROUP)
    ends = _ends(connection, [*intake_topics(), *STAGE_TOPICS])
    if sum(end for tp, end in ends.items() if tp.topic not in STAGE_TOPICS) < intake_events:
        return False
    if _behind(connection, committed, ends):
        return False
    views = _offsets(connection, VIEWS_GROUP)       # outputs' ends read only now, after the last commit
    return not _behind(connection, views, _ends(connection, OUTPUT_TOPICS))


def handed_over(connection: KafkaConnection) -> bool:
    """With the stages split: every hand-over is committed by the case stage, and every link
    decision by the persons stage (true at once when joined: the topics are empty)."""
    return not _behind(connection, _offsets(connection, CORRELATE_GROUP), _ends(connection, STAGE_TOPICS))


def _behind(connection: KafkaConnection, committed: dict[TopicPartition, int],
            ends: dict[TopicPartition, int]) -> list[TopicPartition]:
    """The partitions holding a committed record at or after the `committed` position (0 where
    none) and before `ends`: read from there (read committed), control records and aborted
    transactions step by unseen, as they do for the group's own consumer."""
    short = {tp: committed.get(tp, 0) for tp, end in ends.items() if committed.get(tp, 0) < end}
    if not short:
        return []
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed", enable_auto_commit=False)
    try:
        consumer.assign(list(short))
        for tp, position in short.items():
            consumer.seek(tp, position)
        found: set[TopicPartition] = set()

        def unread() -> list[TopicPartition]:
            return [tp for tp in short if tp not in found and consumer.position(tp) < ends[tp]]
        deadline = time.monotonic() + READ_S
        while unread() and time.monotonic() < deadline:
            for tp, messages in consumer.poll(timeout_ms=500, max_records=100).items():
                if any(m.offset < ends[tp] for m in messages):
                    found.add(tp)
                    consumer.pause(tp)
        return sorted(found | set(unread()))        # not read to the end in time: not known to be caught up
    finally:
        consumer.close()


def _last_lane_entry(connection: KafkaConnection) -> tuple[int, bytes | None]:
    """Offset and value of the lane's last committed entry ((-1, None) when empty); a commit
    marker may follow it, which no consumer offset ever points past."""
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed", enable_auto_commit=False)
    tp = TopicPartition(LANE_TOPIC, 0)
    try:
        consumer.assign([tp])
        end = consumer.end_offsets([tp])[tp]
        consumer.seek(tp, max(0, end - 3))          # the last entry and the commit marker after it
        last: tuple[int, bytes | None] = (-1, None)
        while consumer.position(tp) < end:
            for messages in consumer.poll(timeout_ms=500).values():
                if messages:
                    last = (messages[-1].offset, messages[-1].value)
        return last
    finally:
        consumer.close()


def wait_until(condition: Callable[[], bool], *, timeout: float = 180, what: str = "", poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def read_topic(connection: KafkaConnection, topics: Iterable[str] = ALL_OUTPUTS) -> list[tuple[str, str, dict]]:
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
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed", enable_auto_commit=False)
    tp = TopicPartition(LANE_TOPIC, 0)
    try:
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        end = consumer.end_offsets([tp])[tp]
        values: list[bytes] = []
        while consumer.position(tp) < end:
            for messages in consumer.poll(timeout_ms=1000).values():
                values += [m.value for m in messages]
        return values
    finally:
        consumer.close()


def expected(hub: ScratchHub, **options: Any) -> list[tuple[str, str, dict]]:
    """What an undisturbed worker publishes for the lane as written: (topic, key, record).
    `options` go to the `Correlator` (the worker's, e.g. `window`)."""
    correlator = Correlator(consumer_key=pseudonym_key(hub.settings), **options)
    out = []
    for value in lane_values(hub.connection):
        out += [(o.topic, o.key, schemas.decode(schemas.encode(o.schema, o.record))[1]) for o in feed(correlator, value)]
    return out


def per_key(messages: Iterable[tuple[str, str, dict]]) -> dict[tuple[str, str], list[dict]]:
    """Every version published per (topic, key), in order."""
    found: dict[tuple[str, str], list[dict]] = {}
    for topic, key, record in messages:
        found.setdefault((topic, key), []).append(record)
    return found


def latest(messages: Iterable[tuple[str, str, dict]], topic: str) -> dict[str, dict]:
    """The last version per key of one topic (what compaction keeps)."""
    return {key: versions[-1] for (t, key), versions in per_key(messages).items() if t == topic}
