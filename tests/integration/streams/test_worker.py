"""`sanpalang worker` processes on a real broker, fed the simulator's fixed-seed scenario."""

from __future__ import annotations

import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient

import schemas
from bench.hub_run import WorkerProcess as Worker
from bench.hub_run import correlated, expected, lane_values, latest, per_key, publish, read_topic, settled, wait_until
from bench.scoring import scenario_feed, score_alerts
from streams.views.clock import HUB_CLOCK_HEADER, read_clock
from streams.worker.clients import GROUP as CORRELATE_GROUP
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC
from streams.worker.handover import HANDOVER_TOPIC
from streams.worker.lane import FLUSH, LANE_TOPIC
from tests.integration.streams.hub import first_difference

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def scenario():
    return scenario_feed(7)


def _sql(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        alerts = {r.alert_id: (r.state, r.severity) for r in conn.execute(sa.text("select alert_id, state, severity from alerts"))}
        cases = {r.case_id: (r.stage, r.merged_into) for r in conn.execute(sa.text("select case_id, stage, merged_into from cases"))}
    engine.dispose()
    return alerts, cases


def _hub_clock(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return read_clock(conn)
    finally:
        engine.dispose()


def _clock_headers(connection, topic) -> list[bytes]:
    """The hub clock headers on a topic's messages (consumers' topics carry none: their times are days)."""
    consumer = KafkaConsumer(**connection.kafka_python(), isolation_level="read_committed", enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends, found, seen = consumer.end_offsets(tps), [], 0
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for messages in consumer.poll(timeout_ms=1000, max_records=5000).values():
                seen += len(messages)
                found += [v for m in messages for k, v in m.headers if k == HUB_CLOCK_HEADER]
        assert seen, f"{topic} is empty: nothing to check"
        return found
    finally:
        consumer.close()


def _assert_views_match(url, messages):
    alerts, cases = _sql(url)
    assert alerts == {k: (a["state"], a["severity"]) for k, a in latest(messages, ALERTS_TOPIC).items()}
    assert cases == {k: (c["stage"], c["merged_into"]) for k, c in latest(messages, CASES_TOPIC).items()}


def _lane_end(connection) -> int:
    consumer = KafkaConsumer(**connection.kafka_python(), enable_auto_commit=False)
    try:
        tp = TopicPartition(LANE_TOPIC, 0)
        return consumer.end_offsets([tp])[tp]
    finally:
        consumer.close()


def _snapshots_written(log) -> int:
    return log.read_text().count(" written in ")


def _gauge(url: str, name: str) -> float:
    for line in urllib.request.urlopen(url, timeout=10).read().decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is not on {url}")


class TestAWorkerKilledMidStream:
    @pytest.mark.parametrize("snapshots", ["0", "1"], ids=["replaying-the-whole-lane", "from-its-snapshots"])
    def test_publishes_exactly_what_an_undisturbed_worker_publishes_for_the_same_lane(
            self, hub_broker, scenario, tmp_path, snapshots):
        publications, _ = scenario
        connection, log = hub_broker.connection, tmp_path / "worker.log"
        thirds = [publications[i * len(publications) // 3:(i + 1) * len(publications) // 3] for i in range(3)]
        window = ("--order-days", "2", "--snapshot-seconds", snapshots)   # outputs all along, not only at the final flush
        worker, sent, kills, snapshotted = Worker(hub_broker, log, *window), 0, [], 0
        try:
            for third in thirds[:2]:       # each kill lands while the last third is still unpublished
                if kills and snapshots != "0":   # the restarted worker snapshots its rebuilt state first
                    wait_until(lambda: _snapshots_written(log) > snapshotted, what="a snapshot of the rebuilt state")
                before = kills[-1] if kills else 0
                sent += publish(connection, third)
                wait_until(lambda: correlated(connection) > before, what="the worker correlating the new events")
                worker.kill()
                kills.append(correlated(connection))
                snapshotted = _snapshots_written(log)
                worker = Worker(hub_broker, log, *window)
            sent += publish(connection, thirds[2])
            wait_until(lambda: settled(connection, sent), what="every event correlated and in the views")
            backlog = _gauge(worker.metrics_url, "sanpalang_worker_replay_backlog")
        finally:
            worker.stop()
        print(f"killed with {kills} intake events correlated, of {sent}")
        assert any(0 < k < sent for k in kills), f"no kill landed mid-stream: {kills}"
        restored = "rebuilt from a snapshot" in (tmp_path / "worker.log").read_text()
        assert restored == (snapshots != "0")
        lane_end = _lane_end(connection)          # what a restart would replay: all of it, or what followed a snapshot
        assert 0 <= backlog < lane_end if restored else 0 < backlog <= lane_end
        recorded = [v for v in lane_values(connection) if v != FLUSH and not v.startswith(b"tick:")]
        assert sorted(recorded) == sorted(p.value for p in publications if not p.dead_letter)   # each event once
        published = read_topic(connection)
        got, want = per_key(published), per_key(expected(hub_broker, window=timedelta(days=2)))
        assert got == want, first_difference(got, want)                 # nothing lost, nothing doubled
        _assert_views_match(hub_broker.database_url, published)


class TestTwoWorkers:
    def test_share_the_work_and_publish_what_one_worker_publishes_for_the_lane(self, hub_broker, scenario, tmp_path):
        publications, truth = scenario
        connection = hub_broker.connection
        workers = [Worker(hub_broker, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        try:
            sent = publish(connection, publications)
            wait_until(lambda: settled(connection, sent), what="every event correlated and in the views")
        finally:
            for worker in workers:
                worker.stop()
        published = read_topic(connection)
        got, want = per_key(published), per_key(expected(hub_broker))
        assert got == want, first_difference(got, want)
        _assert_views_match(hub_broker.database_url, published)
        score = score_alerts(truth, latest(published, ALERTS_TOPIC).values(), latest(published, LINKS_TOPIC).values())
        assert {12} <= {rule for rule, _ in (tuple(a) for a in score["matched"])}, score   # a suspect across provinces
        provinces_of: dict[str, set] = {}                    # a person who appears in two provinces
        for view in latest(published, CASES_TOPIC).values():
            for person in view["persons"]:
                provinces_of.setdefault(person["person_id"], set()).update(view["provinces"])
        assert any(len(provinces) > 1 for provinces in provinces_of.values())
        tables = latest(read_topic(connection, ["reports.aggregates.v1"]), "reports.aggregates.v1").values()
        assert tables and all(cell["count"] >= 11 for table in tables for cell in table["cells"])
        # the views keep the hub's event clock, which the console counts deadlines from: past every alert it raised
        clock = _hub_clock(hub_broker.database_url)
        alerts = latest(published, ALERTS_TOPIC).values()
        assert clock.mode == "event" and clock.at >= max(a["raised_at"] for a in alerts)
        assert clock.at.year == max(a["raised_at"] for a in alerts).year       # event time, not the wall's
        assert _clock_headers(connection, ALERTS_TOPIC) and not _clock_headers(connection, "alerts.consumer.v1")


def _owns(worker, stage: str) -> bool:
    try:
        return _gauge(worker.metrics_url, f'sanpalang_worker_lane_owned{{stage="{stage}"}}') == 1
    except (OSError, AssertionError):          # not serving yet, or not yet told of its lanes
        return False


def _handed_on(connection) -> int:
    """How many hand-overs the case stage has committed (its offset on the hand-over topic)."""
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        found = admin.list_group_offsets({CORRELATE_GROUP: None}).get(CORRELATE_GROUP, {})
    finally:
        admin.close()
    return sum(meta.offset for tp, meta in found.items() if tp.topic == HANDOVER_TOPIC and meta.offset > 0)


class TestTwoWorkersWithTheStagesSplit:
    @pytest.mark.parametrize("snapshots", ["0", "1"], ids=["replaying-the-whole-lane", "from-its-snapshots"])
    def test_each_stage_killed_mid_stream_publishes_what_one_undisturbed_worker_publishes(
            self, hub_broker, scenario, tmp_path, snapshots):
        publications, _ = scenario
        connection = hub_broker.connection
        split = ("--stages", "split", "--order-days", "2", "--snapshot-seconds", snapshots)
        thirds = [publications[i * len(publications) // 3:(i + 1) * len(publications) // 3] for i in range(3)]
        logs = iter(tmp_path / f"worker-{n}.log" for n in range(10))
        workers = [Worker(hub_broker, next(logs), *split) for _ in range(2)]

        def holder(stage: str) -> int:
            """The worker that runs `stage` now (its /metrics say so), once one does."""
            found: list[int] = []
            wait_until(lambda: found.extend(n for n, w in enumerate(workers) if _owns(w, stage)) or found,
                       what=f"a worker running the {stage} stage")
            return found[0]

        sent, killed = 0, []
        try:
            for stage, progress, third in (("persons", lambda: correlated(connection), thirds[0]),
                                           ("cases", lambda: _handed_on(connection), thirds[1])):
                before = progress()
                sent += publish(connection, third)
                wait_until(lambda: progress() > before, what=f"the {stage} stage at work on the new events")
                n = holder(stage)
                if snapshots != "0":
                    wait_until(lambda: f"snapshot {stage}.snapshot at" in workers[n].log.read_text(),
                               what=f"a snapshot of the {stage} stage")
                workers[n].kill()
                killed.append((stage, progress()))
                workers[n] = Worker(hub_broker, next(logs), *split)
            sent += publish(connection, thirds[2])
            wait_until(lambda: settled(connection, sent), what="every event correlated and in the views")
            holders = {stage: holder(stage) for stage in ("persons", "cases")}
        finally:
            for worker in workers:
                worker.stop()
        print(f"killed {killed}, of {sent} intake events")
        assert holders["persons"] != holders["cases"], "two workers run one stage each"
        logs = "".join(log.read_text() for log in tmp_path.glob("worker-*.log"))
        for stage in ("persons", "cases"):
            assert (f"{stage} stage rebuilt from a snapshot" in logs) == (snapshots != "0"), stage
        published = read_topic(connection)
        got, want = per_key(published), per_key(expected(hub_broker, window=timedelta(days=2)))
        assert got == want, first_difference(got, want)                 # nothing lost, nothing doubled
        _assert_views_match(hub_broker.database_url, published)


def _send_action(connection, province: str, **fields) -> None:
    action = {"person_id": None, "candidate_id": None, "alert_id": None, "province": province,
              "operator": "demo.national", "note": None, "at": datetime.now(timezone.utc), "role": "national",
              "provinces": [], **fields}
    producer = KafkaProducer(**connection.kafka_python(), acks="all")
    producer.send("operator.actions.v1", key=province.encode(),
                  value=schemas.encode("sanpalang.hub.OperatorAction", action)).get(timeout=30)
    producer.close()


def _persons_in_cases(connection) -> set[str]:
    return {p["person_id"] for view in latest(read_topic(connection, [CASES_TOPIC]), CASES_TOPIC).values()
            if view["merged_into"] is None for p in view["persons"]}


class TestAnOperatorsAction:
    @pytest.mark.parametrize("stages", ["joined", "split"])
    def test_an_acknowledgement_and_a_link_confirmation_come_back_on_the_outputs_and_in_the_views(
            self, hub_broker, scenario, tmp_path, stages):
        publications, _ = scenario
        connection = hub_broker.connection
        worker = Worker(hub_broker, tmp_path / "worker.log", "--stages", stages)
        try:
            sent = publish(connection, publications)
            wait_until(lambda: settled(connection, sent), what="every event correlated and in the views")
            firing = next(a for a in latest(read_topic(connection, [ALERTS_TOPIC]), ALERTS_TOPIC).values()
                          if a["state"] == "Firing")
            _send_action(connection, firing["province"], action_id="act-it-1", kind="Acknowledge",
                         alert_id=firing["alert_id"], note="on it")

            def acknowledged() -> bool:
                alert = latest(read_topic(connection, [ALERTS_TOPIC]), ALERTS_TOPIC)[firing["alert_id"]]
                return alert["state"] == "Acknowledged"
            wait_until(acknowledged, timeout=120, what="the acknowledged alert on alerts.v1")
            wait_until(lambda: _sql(hub_broker.database_url)[0][firing["alert_id"]][0] == "Acknowledged",
                       timeout=60, what="the acknowledged alert in the SQL views")

            in_cases = _persons_in_cases(connection)
            possible = next(link for link in latest(read_topic(connection, [LINKS_TOPIC]), LINKS_TOPIC).values()
                            if link["decision"] == "Possible" and link["candidate_id"] != link["person_id"]
                            and {link["person_id"], link["candidate_id"]} <= in_cases)
            _send_action(connection, "TH-10", action_id="act-it-2", kind="ConfirmLink",
                         person_id=possible["person_id"], candidate_id=possible["candidate_id"])
            wait_until(lambda: not {possible["person_id"], possible["candidate_id"]} <= _persons_in_cases(connection),
                       timeout=120, what="the two persons' cases published as one person's")
        finally:
            worker.stop()
