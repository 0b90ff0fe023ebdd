"""The local broker that ``sanpalang kafka up`` starts: real Kafka 4.1 processes, no mocks."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from ops.kafka import local
from ops.kafka.connection import KafkaConnection, resolve_connection, state_file
from ops.settings import Settings

pytestmark = pytest.mark.broker


def _admin(connection: KafkaConnection, **config: object) -> KafkaAdminClient:
    return KafkaAdminClient(**connection.kafka_python(), client_id="sanpalang-test", **config)


def _create_topic(connection: KafkaConnection, name: str, **options: object) -> None:
    admin = _admin(connection)
    try:
        admin.create_topics({name: options}, wait_for_metadata=True)
    finally:
        admin.close()


def _produce(connection: KafkaConnection, topic: str, values: list[bytes]) -> None:
    producer = KafkaProducer(**connection.kafka_python(), acks="all", delivery_timeout_ms=60000)
    try:
        for value in values:
            producer.send(topic, value).get(timeout=60)
    finally:
        producer.close()


def _consume_all(connection: KafkaConnection, topic: str, partitions: int, expected: int) -> list[bytes]:
    """Read from the beginning without a group, so no group coordinator is involved."""
    consumer = KafkaConsumer(**connection.kafka_python(), enable_auto_commit=False)
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
        consumer.seek_to_beginning()
        values: list[bytes] = []
        deadline = time.monotonic() + 30
        while len(values) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                values += [record.value for record in records]
        return values
    finally:
        consumer.close()


def _free_port_pair() -> int:
    """A client port whose next port (the controller's) is free too."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise AssertionError("no two adjacent free ports")


class TestSingleNode:
    def test_answers_metadata_and_reports_kafka_4_1(self, kafka_settings: Settings,
                                                    kafka_connection: KafkaConnection) -> None:
        admin = _admin(kafka_connection)
        try:
            brokers = admin.describe_cluster()["brokers"]
        finally:
            admin.close()
        status = local.status(kafka_settings)
        assert [b["broker_id"] for b in brokers] == [1]
        assert status.running and [(n.node_id, n.alive) for n in status.nodes] == [(1, True)]
        assert status.kafka_version and status.kafka_version.startswith("4.1")
        assert status.describe().startswith(f"Kafka {status.kafka_version}: 1 of 1 node(s) running")

    def test_up_twice_is_a_no_op(self, kafka_settings: Settings) -> None:
        pids_before = {n.node_id: n.pid for n in local.status(kafka_settings).nodes}
        state = local.up(kafka_settings)
        assert state.pids == pids_before
        assert {n.node_id: n.pid for n in local.status(kafka_settings).nodes} == pids_before

    def test_another_shape_is_refused_while_one_runs(self, kafka_settings: Settings) -> None:
        with pytest.raises(local.KafkaSetupError, match="sanpalang kafka down"):
            local.up(kafka_settings, nodes=3)

    def test_the_state_file_holding_credentials_is_private(self, kafka_settings: Settings) -> None:
        assert stat.S_IMODE(state_file(kafka_settings).stat().st_mode) == 0o600

    def test_a_produced_message_is_consumed_and_topics_are_not_auto_created(
            self, kafka_connection: KafkaConnection, unique_name: str) -> None:
        _create_topic(kafka_connection, unique_name, num_partitions=1, replication_factor=1)
        _produce(kafka_connection, unique_name, [b"hello"])
        assert _consume_all(kafka_connection, unique_name, 1, 1) == [b"hello"]
        admin = _admin(kafka_connection)
        try:
            assert f"{unique_name}-typo" not in admin.list_topics()
        finally:
            admin.close()


class TestThreeNodeCluster:
    def test_replicated_topic_survives_one_node_stopped(self, cluster3_settings: Settings,
                                                        unique_name: str) -> None:
        connection = resolve_connection(cluster3_settings)
        _create_topic(connection, unique_name, num_partitions=3, replication_factor=3,
                      configs={"min.insync.replicas": "2"})
        before = [f"before-{i}".encode() for i in range(10)]
        after = [f"after-{i}".encode() for i in range(10)]
        _produce(connection, unique_name, before)
        local.stop_node(cluster3_settings, 2)
        try:
            assert [n.alive for n in local.status(cluster3_settings).nodes] == [True, False, True]
            _produce(connection, unique_name, after)
            assert sorted(_consume_all(connection, unique_name, 3, 20)) == sorted(before + after)
        finally:
            local.start_node(cluster3_settings, 2)
        assert all(n.alive for n in local.status(cluster3_settings).nodes)


class TestSasl:
    def test_admin_can_create_topics(self, sasl_connection: KafkaConnection, unique_name: str) -> None:
        _create_topic(sasl_connection, unique_name, num_partitions=1, replication_factor=1)
        admin = _admin(sasl_connection)
        try:
            assert unique_name in admin.list_topics()
        finally:
            admin.close()

    def test_wrong_password_is_refused(self, sasl_settings: Settings, sasl_connection: KafkaConnection) -> None:
        """kafka-python 3.0 retries a refused login until its bootstrap timeout, so the broker's
        own log is what tells a refusal from an unreachable broker."""
        with pytest.raises(KafkaError):
            _admin(replace(sasl_connection, password="not-the-password"), bootstrap_timeout_ms=3000)
        server_log = sasl_settings.kafka_dir / "node-1" / "logs" / "server.log"
        assert "due to invalid credentials with SASL mechanism SCRAM-SHA-512" in server_log.read_text()

    def test_plaintext_clients_are_not_served(self, sasl_connection: KafkaConnection) -> None:
        anonymous = KafkaConnection(sasl_connection.bootstrap)
        with pytest.raises(KafkaError):
            _admin(anonymous, bootstrap_timeout_ms=3000)


class TestFailures:
    def test_a_broker_that_cannot_start_reports_its_log(self, tmp_path: Path, kafka_jar_cache: Path) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=_free_port_pair())
        started_at = time.monotonic()
        with pytest.raises(local.KafkaStartError) as failure:
            local.up(settings, extra_properties={"authorizer.class.name": "org.example.NoSuchAuthorizer"})
        assert time.monotonic() - started_at < 60
        assert "exited while starting" in str(failure.value)
        assert "ClassNotFoundException: org.example.NoSuchAuthorizer" in str(failure.value)
        assert not local.status(settings).running
        assert not state_file(settings).exists()

    def test_a_taken_port_is_named_before_anything_starts(self, tmp_path: Path, kafka_jar_cache: Path) -> None:
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", 0))
            squatter.listen()
            port = squatter.getsockname()[1]
            settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=port)
            with pytest.raises(local.PortInUseError, match=rf"port {port}\b[0-9, ]* on 127.0.0.1 is already in use"):
                local.up(settings)
        assert not list(settings.kafka_dir.glob("node-*"))

    def test_a_state_left_by_a_crashed_cluster_is_cleaned_up_by_the_next_up(
            self, tmp_path: Path, kafka_jar_cache: Path) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=_free_port_pair())
        dead_pid = _finished_pid()
        node_dir = settings.kafka_dir / "node-1"
        (node_dir / "data").mkdir(parents=True)
        (node_dir / "kafka.pid").write_text(f"{dead_pid}\n")
        crashed = local.ClusterState("127.0.0.1:1", "PLAINTEXT", "127.0.0.1", 1, False, "4.1.2", "crashed",
                                     {1: (1, 2)}, {1: dead_pid}, datetime.now(timezone.utc))
        state_file(settings).write_text(json.dumps(crashed.to_json()))
        assert not local.status(settings).running
        try:
            state = local.up(settings)
            assert state.cluster_id != "crashed" and local.status(settings).running
        finally:
            local.down(settings)
        assert not state_file(settings).exists() and not node_dir.exists()


def _finished_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
