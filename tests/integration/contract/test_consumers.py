"""A downstream consumer reads the hub's topics with nothing but the schema topic: the example
consumer (Python, kafka-python + fastavro) and kcat plus an Avro library, as docs/consumers.md shows."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastavro import parse_schema, schemaless_reader
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

import schemas
from ops.admin import apply_catalogue
from runtime.credentials import principal_password
from schemas.catalogue import load_catalogue
from streams.aggregates import aggregate_case_views
from streams.privacy import for_consumer, is_token
from tests.missing import missing

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "consumer.py"
GUIDE = ROOT / "docs" / "consumers.md"


def documented_kcat_block() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(r"<!-- kcat-example -->\s*```sh\n(.*?)```\s*<!-- /kcat-example -->", text, re.S)
    assert block, "docs/consumers.md lost its kcat example"
    return block.group(1)


@pytest.fixture(scope="module")
def hub_topics(kafka_settings, kafka_connection):
    """The catalogue's topics on the session broker, the writer schemas on schemas.avro.v1."""
    apply_catalogue(kafka_settings, kafka_connection, load_catalogue(), progress=lambda line: None)
    return kafka_connection


def publish(connection, *messages: tuple[str, str, bytes]) -> None:
    producer = KafkaProducer(acks="all", **connection.kafka_python())
    try:
        for topic, key, value in messages:
            producer.send(topic, key=key.encode(), value=value)
        producer.flush()
    finally:
        producer.close()


def records(unique: str) -> tuple[dict, dict]:
    case = schemas.example("sanpalang.hub.CaseView")
    case["case_id"] = f"case-{unique}"
    alert = schemas.example("sanpalang.hub.Alert")
    alert.update(alert_id=f"alert-{unique}", case_id=case["case_id"])
    return case, alert


class TestTheExampleConsumer:
    def test_prints_a_case_view_and_an_alert_decoded_with_schemas_from_the_schema_topic(self, hub_topics, unique_name):
        case, alert = records(unique_name)
        publish(hub_topics, ("cases.consumer.v1", case["case_id"], schemas.encode("sanpalang.hub.CaseView", case)),
                ("alerts.consumer.v1", alert["alert_id"], schemas.encode("sanpalang.hub.Alert", alert)))
        done = subprocess.run(
            [sys.executable, str(EXAMPLE), "--bootstrap", hub_topics.bootstrap, "--group", f"consumer.{unique_name}",
             "--from-beginning", "--no-follow"],
            capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, "PYTHONPATH": ""})
        assert done.returncode == 0, done.stderr[-3000:]
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        by_key = {(line["topic"], line["key"]): line for line in lines}
        printed_case = by_key[("cases.consumer.v1", case["case_id"])]
        printed_alert = by_key[("alerts.consumer.v1", alert["alert_id"])]
        assert printed_case["schema"] == "sanpalang.hub.CaseView"
        assert printed_case["fingerprint"] == schemas.fingerprint_hex("sanpalang.hub.CaseView")
        assert printed_case["value"]["persons"][0]["nationality"] == "MMR"
        assert printed_case["value"]["opened_at"].startswith("2025-02-28T13:05:00")
        assert printed_alert["schema"] == "sanpalang.hub.Alert"
        assert printed_alert["value"]["rule_key"] == alert["rule_key"] and printed_alert["value"]["version"] == 1

    def test_does_not_import_the_hubs_code(self):
        source = EXAMPLE.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(schemas|ops|streams|connectors)\b", source, re.M)


class TestAsTheConsumerPrincipal:
    def test_reads_pseudonymised_views_alerts_and_aggregates_over_scram_with_its_own_group(
            self, sasl_settings, sasl_connection, unique_name):
        apply_catalogue(sasl_settings, sasl_connection, load_catalogue(), progress=lambda line: None)
        hub = sasl_connection.as_principal("hub", principal_password(sasl_settings, "hub"))
        key = b"a test key of at least thirty-two bytes"
        case, alert = records(unique_name)
        case_out, alert_out = for_consumer("sanpalang.hub.CaseView", case, key), for_consumer("sanpalang.hub.Alert", alert, key)
        views = [{**case, "case_id": f"{unique_name}-{i}"} for i in range(11)]
        table = aggregate_case_views(views, tables=[("province",)])[0]
        publish(hub, ("cases.consumer.v1", case_out["case_id"], schemas.encode("sanpalang.hub.CaseView", case_out)),
                ("alerts.consumer.v1", alert_out["alert_id"], schemas.encode("sanpalang.hub.Alert", alert_out)),
                ("reports.aggregates.v1", table["table_id"], schemas.encode("sanpalang.hub.Aggregate", table)))
        done = subprocess.run(
            [sys.executable, str(EXAMPLE), "--bootstrap", sasl_connection.bootstrap, "--username", "consumer",
             "--password", principal_password(sasl_settings, "consumer"), "--group", f"consumer.{unique_name}",
             "--topic", "cases.consumer.v1", "--topic", "alerts.consumer.v1", "--topic", "reports.aggregates.v1",
             "--from-beginning", "--no-follow"],
            capture_output=True, text=True, timeout=180, cwd=ROOT)
        assert done.returncode == 0, done.stderr[-3000:]
        by_key = {(line["topic"], line["key"]): line for line in map(json.loads, done.stdout.splitlines())}
        view = by_key[("cases.consumer.v1", case_out["case_id"])]["value"]
        assert is_token(view["case_id"], "case") and all(is_token(p["person_id"], "person") for p in view["persons"])
        assert "karaoke" not in json.dumps(view, ensure_ascii=False)
        assert by_key[("alerts.consumer.v1", alert_out["alert_id"])]["value"]["subject"] == view["persons"][0]["person_id"]
        assert by_key[("reports.aggregates.v1", "victims/province")]["value"]["cells"][0]["count"] >= 11


class TestKcat:
    @pytest.fixture
    def kcat(self) -> str:
        path = shutil.which("kcat")
        if path is None:
            message = "kcat is not installed: sudo apt-get install -y kcat"
            missing(message)
        return path

    @staticmethod
    def run_documented_commands(connection, unique_name: str, workdir: Path) -> tuple[dict, str]:
        """Publish one alert on a topic of its own, run the guide's kcat block in ``workdir``."""
        topic = f"{unique_name}.alerts"
        admin = KafkaAdminClient(**connection.kafka_python())
        try:
            admin.create_topics([NewTopic(topic, 1, 1)])
        finally:
            admin.close()
        _, alert = records(unique_name)
        publish(connection, (topic, alert["alert_id"], schemas.encode("sanpalang.hub.Alert", alert)))
        env = {**os.environ, "BOOTSTRAP": connection.bootstrap, "TOPIC": topic,
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", documented_kcat_block()], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return alert, done.stdout

    def test_the_documented_commands_fetch_a_message_and_its_writer_schema(self, kcat, hub_topics, unique_name, tmp_path):
        alert, printed = self.run_documented_commands(hub_topics, unique_name, tmp_path)
        writer = json.loads((tmp_path / "writer.avsc").read_text(encoding="utf-8"))
        assert writer["name"] == "Alert" and writer["namespace"] == "sanpalang.hub"
        with (tmp_path / "body.avro").open("rb") as body:
            decoded = schemaless_reader(body, parse_schema(writer), None)
        assert decoded["alert_id"] == alert["alert_id"] and decoded["raised_at"] == alert["raised_at"]
        assert alert["alert_id"] in printed  # the documented decode line printed the record

    def test_nodejs_decodes_the_body_with_the_fetched_schema_as_documented(self, kcat, hub_topics, unique_name, tmp_path):
        node = shutil.which("node")
        if node is None or not (ROOT / "ops/asyncapi/node_modules/avsc").is_dir():
            message = "Node.js and avsc are needed: make install (npm ci --prefix ops/asyncapi)"
            missing(message)
        self.run_documented_commands(hub_topics, unique_name, tmp_path)
        done = subprocess.run([node, str(ROOT / "examples/decode-avro.cjs"), "writer.avsc", "body.avro"], cwd=tmp_path,
                              env={**os.environ, "NODE_PATH": str(ROOT / "ops/asyncapi/node_modules")},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-3000:]
        record = json.loads(done.stdout)
        assert record["alert_id"] == f"alert-{unique_name}" and record["rule_key"] == "custody-s29-deadline"
        assert record["raised_at"] == 1740909600000  # 2025-03-02T10:00:00Z in epoch milliseconds
