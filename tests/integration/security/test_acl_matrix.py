"""Least privilege on the bus (issue 11, item 4): on a SASL broker with the catalogue applied,
every principal x every topic x (write, read) is allowed exactly when the catalogue says so. The
broker decides (StandardAuthorizer, deny by default), not our code: each cell is a real produce or
fetch as that principal."""

from __future__ import annotations

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, TopicAuthorizationFailedError

from schemas.catalogue import load_catalogue

pytestmark = pytest.mark.broker

CATALOGUE = load_catalogue()


def _can_write(connection, topic: str) -> bool:
    producer = KafkaProducer(**connection.kafka_python(), acks="all", max_block_ms=20000, retries=0)
    try:
        producer.send(topic, key=b"acl-matrix", value=b"acl-matrix").get(timeout=20)
        return True
    except TopicAuthorizationFailedError:
        return False
    finally:
        producer.close()


def _can_read(connection, topic: str) -> bool:
    consumer = KafkaConsumer(**connection.kafka_python(), enable_auto_commit=False, group_id=None,
                             auto_offset_reset="earliest", isolation_level="read_uncommitted")
    tp = TopicPartition(topic, 0)
    try:
        if not consumer.partitions_for_topic(topic):      # the topic exists: it is not even described to them
            return False
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        for _ in range(40):                   # every topic holds a record by now: a reader gets it
            if consumer.poll(timeout_ms=500, max_records=1):
                return True
        raise AssertionError(f"{topic}: neither a record nor a refusal")
    except TopicAuthorizationFailedError:
        return False
    except KafkaError as err:
        if "Authorization" in type(err).__name__:
            return False
        raise
    finally:
        consumer.close()


@pytest.fixture(scope="module")
def matrix(sasl_hub):
    """(principal, topic) -> (may write, may read), as the broker answered; every topic written by
    its writers first, so that a permitted read finds a record."""
    principals = sorted(CATALOGUE.principals)
    writes = {(p, t.name): _can_write(sasl_hub.as_(p), t.name) for p in principals for t in CATALOGUE.topics}
    reads = {(p, t.name): _can_read(sasl_hub.as_(p), t.name) for p in principals for t in CATALOGUE.topics}
    return {key: (writes[key], reads[key]) for key in writes}


def test_every_principal_may_write_and_read_exactly_what_the_catalogue_says(matrix):
    wrong = [f"{principal} {'may' if got[0] else 'may not'} write / {'may' if got[1] else 'may not'} read {topic}"
             for (principal, topic), got in sorted(matrix.items())
             if got != (principal in CATALOGUE.topic(topic).writers, principal in CATALOGUE.topic(topic).readers)]
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_principal_and_topic_of_the_catalogue(matrix):
    assert {p for p, _ in matrix} == set(CATALOGUE.principals) and {t for _, t in matrix} == set(CATALOGUE.names)


def test_only_the_console_writes_operator_actions_and_audit_anchors(matrix):
    for topic in ("operator.actions.v1", "audit.anchors.v1"):
        assert [p for (p, t), (write, _) in matrix.items() if t == topic and write] == ["console"]
