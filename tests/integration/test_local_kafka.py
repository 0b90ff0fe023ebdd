"""The local broker that ``sanpalang kafka up`` starts: real Kafka 4.1 processes, no mocks."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from ops.kafka import local
from runtime.connection import KafkaConnection, resolve_connection, state_file
from ops.ports import free_block
from runtime.settings import Settings

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
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=free_block(2))
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

    def test_an_unfinished_start_left_without_a_state_is_cleaned_up_by_the_next_up(
            self, tmp_path: Path, kafka_jar_cache: Path) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=free_block(2))
        node_dir = settings.kafka_dir / "node-1"
        (node_dir / "data").mkdir(parents=True)
        (node_dir / "kafka.pid").write_text(f"{_finished_pid()}\n")
        try:
            local.up(settings)
            assert local.status(settings).running
        finally:
            local.down(settings, purge=True)
        assert not state_file(settings).exists() and not node_dir.exists()

    def test_an_unreadable_state_is_refused_rather_than_its_data_replaced(
            self, tmp_path: Path, kafka_jar_cache: Path) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=free_block(2))
        (settings.kafka_dir / "node-1" / "data").mkdir(parents=True)
        state_file(settings).write_text("{not json")
        with pytest.raises(local.KafkaSetupError, match="down --purge"):
            local.up(settings)
        assert (settings.kafka_dir / "node-1" / "data").is_dir()


class TestCrashRecovery:
    """``up`` after every node died (kill -9, out of memory, a reboot) starts them on their data."""

    def test_a_killed_single_node_comes_back_with_every_committed_record(
            self, tmp_path: Path, kafka_jar_cache: Path, unique_name: str) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=free_block(2))
        try:
            state = local.up(settings)
            connection = resolve_connection(settings)
            _create_topic(connection, unique_name, num_partitions=2, replication_factor=1)
            records = [f"record-{i}".encode() for i in range(200)]
            _produce(connection, unique_name, records)
            _kill_every_node(settings)
            again = local.up(settings)
            assert again.cluster_id == state.cluster_id
            assert sorted(_consume_all(connection, unique_name, 2, 200)) == sorted(records)
        finally:
            local.down(settings, purge=True)

    def test_a_three_node_cluster_killed_whole_comes_back_with_every_committed_record(
            self, cluster3_settings: Settings, unique_name: str) -> None:
        connection = resolve_connection(cluster3_settings)
        _create_topic(connection, unique_name, num_partitions=3, replication_factor=3,
                      configs={"min.insync.replicas": "2"})
        records = [f"record-{i}".encode() for i in range(300)]
        _produce(connection, unique_name, records)
        _kill_every_node(cluster3_settings)
        local.up(cluster3_settings, nodes=3)
        assert all(n.alive for n in local.status(cluster3_settings).nodes)
        assert sorted(_consume_all(connection, unique_name, 3, 300)) == sorted(records)

    def test_down_keeps_the_data_for_the_next_up_and_only_purge_deletes_it(
            self, tmp_path: Path, kafka_jar_cache: Path, unique_name: str) -> None:
        settings = Settings(home=tmp_path, cache=kafka_jar_cache, kafka_port=free_block(2))
        try:
            local.up(settings)
            connection = resolve_connection(settings)
            _create_topic(connection, unique_name, num_partitions=1, replication_factor=1)
            _produce(connection, unique_name, [b"kept"])
            local.down(settings)
            assert not local.status(settings).running and state_file(settings).exists()
            local.up(settings)
            assert _consume_all(connection, unique_name, 1, 1) == [b"kept"]
        finally:
            local.down(settings, purge=True)
        assert not state_file(settings).exists() and not list(settings.kafka_dir.glob("node-*"))

    def test_the_broker_keeps_its_records_readable_by_its_own_user_only(self, kafka_settings: Settings) -> None:
        data = kafka_settings.kafka_dir / "node-1" / "data"
        loose = [path for path in [data, *data.rglob("*")]
                 if stat.S_IMODE(path.stat().st_mode) & 0o077]
        assert loose == []


def _kill_every_node(settings: Settings) -> None:
    pids = [node.pid for node in local.status(settings).nodes if node.alive]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while local.status(settings).running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not local.status(settings).running


def _finished_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
