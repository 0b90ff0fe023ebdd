"""The AsyncAPI document is the catalogue and the schemas, said in AsyncAPI 3.0 (pure checks)."""

from __future__ import annotations

import json

import pytest

import schemas
from ops.asyncapi.document import AVRO_FORMAT, build_document
from schemas.catalogue import load_catalogue

CATALOGUE = load_catalogue()
DOC = build_document(CATALOGUE, version="1.2.3")


class TestChannels:
    def test_every_catalogue_topic_is_a_channel_at_its_address(self):
        assert sorted(c["address"] for c in DOC["channels"].values()) == sorted(CATALOGUE.names)

    def test_agency_topics_are_expanded(self):
        assert "intake.police.v1" in DOC["channels"] and not any("{" in a for a in DOC["channels"])

    @pytest.mark.parametrize("topic", CATALOGUE.topics, ids=lambda t: t.name)
    def test_kafka_bindings_say_what_the_catalogue_says(self, topic):
        binding = DOC["channels"][topic.name]["bindings"]["kafka"]
        assert (binding["partitions"], binding["replicas"]) == (topic.partitions, topic.replication)
        assert binding["topicConfiguration"]["cleanup.policy"] == topic.cleanup_policy.split(",")
        assert binding["topicConfiguration"].get("retention.ms", topic.retention_ms) == topic.retention_ms

    def test_compacted_topics_carry_no_retention(self):
        assert "retention.ms" not in DOC["channels"]["cases.provincial.v1"]["bindings"]["kafka"]["topicConfiguration"]


class TestMessages:
    def test_each_avro_message_carries_its_schema_as_avro_1_9(self):
        message = DOC["components"]["messages"]["sanpalang.hub.CaseView"]
        assert message["payload"]["schemaFormat"] == AVRO_FORMAT
        assert message["payload"]["schema"] == json.loads(schemas.schema_json("sanpalang.hub.CaseView"))

    def test_each_avro_message_names_its_fingerprint_on_the_schema_topic(self):
        message = DOC["components"]["messages"]["sanpalang.hub.Alert"]
        assert message["x-sanpalang-fingerprint"] == schemas.fingerprint_hex("sanpalang.hub.Alert")
        assert message["x-sanpalang-fingerprint"] in message["description"]

    def test_intake_channels_carry_every_event_of_their_agency(self):
        carried = set(DOC["channels"]["intake.labour.v1"]["messages"])
        assert carried == set(schemas.names_in_namespace("sanpalang.labour"))

    def test_keys_are_described_in_the_kafka_message_binding(self):
        key = DOC["components"]["messages"]["sanpalang.hub.CaseView"]["bindings"]["kafka"]["key"]
        assert key == {"type": "string", "description": CATALOGUE.topic("cases.provincial.v1").key_doc}

    def test_the_single_object_encoding_is_explained(self):
        assert "C3 01" in DOC["info"]["description"] and "little-endian" in DOC["info"]["description"]


class TestWhoMayDoWhat:
    def operations_of(self, principal: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {"send": set(), "receive": set()}
        for op in DOC["operations"].values():
            if op["x-sanpalang-principal"] == principal:
                out[op["action"]].add(op["channel"]["$ref"].rsplit("/", 1)[1])
        return out

    @pytest.mark.parametrize("principal", sorted(CATALOGUE.principals))
    def test_each_principal_receives_and_sends_exactly_what_the_acls_allow(self, principal):
        assert self.operations_of(principal) == {"receive": {t.name for t in CATALOGUE.readable_by(principal)},
                                                 "send": {t.name for t in CATALOGUE.writable_by(principal)}}

    def test_consumers_read_only_pseudonymised_and_aggregate_topics_and_write_nothing(self):
        assert self.operations_of("consumer") == {
            "send": set(), "receive": {"cases.consumer.v1", "alerts.consumer.v1", "reports.aggregates.v1", "schemas.avro.v1"}}

    def test_every_operation_needs_scram_sha_512(self):
        assert DOC["components"]["securitySchemes"]["scramSha512"]["type"] == "scramSha512"
        assert all(op["security"] == [{"$ref": "#/components/securitySchemes/scramSha512"}] for op in DOC["operations"].values())

    def test_consumer_groups_must_start_with_the_principal(self):
        op = DOC["operations"]["consumer.receive.alerts.consumer.v1"]
        assert op["bindings"]["kafka"]["groupId"]["pattern"] == "^consumer\\."
