"""The bus end to end on real brokers: topics from the catalogue, the schema topic, encoded events,
least-privilege principals on a SASL broker, and Kafka's own tools reading what we write."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import TopicAuthorizationFailedError
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

import schemas
from ops.admin import apply_catalogue, read_schema_topic
from ops.tail import tail
from runtime.credentials import principal_password
from runtime.reading import TopicDeniedError, messages
from schemas.catalogue import load_catalogue

pytestmark = pytest.mark.broker
CATALOGUE = load_catalogue()

# One event a connector of each agency would publish, from the examples shipped with the schemas.
DEMO_EVENTS = {
    "police": "sanpalang.police.RescueConducted",
    "labour": "sanpalang.labour.PipoPortInReported",
    "immigration": "sanpalang.immigration.DetentionAdmitted",
    "social": "sanpalang.social.HotlineReportReceived",
}


def source_key(record: dict) -> bytes:
    """The intake key: '<source system>:<record id>' (see the catalogue)."""
    source = record["envelope"]["source"]
    return f"{source['system']}:{source['record_id']}".encode()


@pytest.fixture(scope="module")
def applied(kafka_settings, kafka_connection):
    apply_catalogue(kafka_settings, kafka_connection, CATALOGUE, progress=lambda _: None)
    return kafka_connection


@pytest.fixture(scope="module")
def sasl_applied(sasl_settings, sasl_connection):
    apply_catalogue(sasl_settings, sasl_connection, CATALOGUE, progress=lambda _: None)
    return sasl_connection


def _publish(connection, topic: str, name: str) -> tuple[int, int, bytes]:
    record = schemas.example(name)
    producer = KafkaProducer(acks="all", **connection.kafka_python())
    try:
        meta = producer.send(topic, key=source_key(record), value=schemas.encode(name, record)).get(timeout=30)
    finally:
        producer.close()
    return meta.partition, meta.offset, source_key(record)


class TestTopicsApply:
    def test_creates_every_catalogue_topic_with_its_policy(self, applied):
        admin = KafkaAdminClient(**applied.kafka_python())
        try:
            assert set(CATALOGUE.names) <= set(admin.list_topics())
            described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(list(CATALOGUE.names))}
        finally:
            admin.close()
        assert all(described[t.name] == t.partitions for t in CATALOGUE.topics)

    def test_applying_twice_changes_nothing(self, kafka_settings, applied):
        lines: list[str] = []
        report = apply_catalogue(kafka_settings, applied, CATALOGUE, progress=lines.append)
        assert not report.changed
        assert lines[-1] == "the cluster already matches the catalogue; nothing changed"


class TestSchemaTopic:
    def test_holds_every_writer_schema_by_fingerprint(self, applied):
        published = read_schema_topic(applied)
        assert set(schemas.writer_schemas()) <= set(published)

    def test_a_consumer_without_our_schemas_decodes_with_what_it_fetched(self, applied, tmp_path):
        partition, offset, _ = _publish(applied, "intake.police.v1", "sanpalang.police.CustodyStarted")
        (value,) = [m.value for m in messages(applied, "intake.police.v1")
                    if (m.partition, m.offset) == (partition, offset)]
        outsider = schemas.Codec(schemas.Registry(avro_dir=tmp_path, examples_dir=tmp_path), lock={})
        with pytest.raises(schemas.CodecError):
            outsider.decode(value)
        outsider.add_writer_schema(read_schema_topic(applied)[value[2:10].hex()])
        name, record = outsider.decode(value)
        assert name == "sanpalang.police.CustodyStarted"
        assert record["envelope"]["event_id"] == schemas.example(name)["envelope"]["event_id"]


class TestEncodedEvents:
    def test_an_event_produced_is_consumed_and_decoded_unchanged(self, applied):
        name = DEMO_EVENTS["labour"]
        partition, offset, key = _publish(applied, "intake.labour.v1", name)
        (message,) = [m for m in messages(applied, "intake.labour.v1") if (m.partition, m.offset) == (partition, offset)]
        assert message.key == key
        assert schemas.decode(message.value) == (name, schemas.decode(schemas.encode(name, schemas.example(name)))[1])

    def test_tail_prints_decoded_json_lines(self, applied):
        _publish(applied, "intake.social.v1", DEMO_EVENTS["social"])
        lines: list[str] = []
        count = tail(applied, "intake.social.v1", from_beginning=True, follow=False, max_messages=None,
                     emit=lines.append)
        assert count == len(lines) >= 1
        last = json.loads(lines[-1])
        assert last["schema"] == DEMO_EVENTS["social"] and last["value"]["envelope"]["agency"] == "social"

    def test_kafkas_own_console_consumer_reads_our_topic(self, applied, kafka_settings, tmp_path):
        _publish(applied, "intake.immigration.v1", DEMO_EVENTS["immigration"])
        config = tmp_path / "client.properties"
        config.write_text(applied.java_properties())
        java = shutil.which("java")
        result = subprocess.run(
            [java, "-cp", f"{kafka_settings.kafka_libs}/*", "org.apache.kafka.tools.consumer.ConsoleConsumer",
             "--bootstrap-server", applied.bootstrap, "--topic", "intake.immigration.v1", "--from-beginning",
             "--max-messages", "1", "--timeout-ms", "20000", "--consumer.config", str(config),
             "--property", "print.key=true"],
            capture_output=True, timeout=90, check=False)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert b"\xc3\x01" in result.stdout  # the single-object marker of our encoding


class TestLeastPrivilege:
    @staticmethod
    def _as(settings, connection, principal):
        return connection.as_principal(principal, principal_password(settings, principal))

    def test_an_agency_writes_its_own_intake(self, sasl_settings, sasl_applied):
        police = self._as(sasl_settings, sasl_applied, "police")
        partition, offset, _ = _publish(police, "intake.police.v1", DEMO_EVENTS["police"])
        assert offset >= 0

    def test_an_agency_cannot_write_another_agencys_intake(self, sasl_settings, sasl_applied):
        police = self._as(sasl_settings, sasl_applied, "police")
        with pytest.raises(KafkaError) as raised:
            _publish(police, "intake.labour.v1", DEMO_EVENTS["labour"])
        assert "authoriz" in repr(raised.value).lower()

    def test_an_agency_cannot_read_another_agencys_intake(self, sasl_settings, sasl_applied):
        police = self._as(sasl_settings, sasl_applied, "police")

        async def read_immigration() -> None:
            consumer = AIOKafkaConsumer("intake.immigration.v1", group_id="police.snoop",
                                        auto_offset_reset="earliest", **police.aiokafka())
            await consumer.start()
            try:
                await asyncio.wait_for(consumer.getone(), timeout=30)
            finally:
                await consumer.stop()

        with pytest.raises(TopicAuthorizationFailedError):
            asyncio.run(read_immigration())

    def test_downstream_consumers_read_pseudonymised_case_views_but_not_the_hubs_own_nor_intake(
            self, sasl_settings, sasl_applied):
        consumer_principal = self._as(sasl_settings, sasl_applied, "consumer")
        list(messages(consumer_principal, "cases.consumer.v1"))          # allowed: no TopicDeniedError
        for topic in ("cases.provincial.v1", "intake.police.v1"):
            with pytest.raises(TopicDeniedError, match=f"consumer may not read topic '{topic}'"):
                list(messages(consumer_principal, topic))

    def test_every_principal_can_read_the_schema_topic(self, sasl_settings, sasl_applied):
        for principal in CATALOGUE.principals:
            assert read_schema_topic(self._as(sasl_settings, sasl_applied, principal))
