"""The person directory reads an intake topic on a real broker and resumes after a restart from
the offsets it stored with its entries."""

from __future__ import annotations

import asyncio
import copy
import time

import pytest
import sqlalchemy as sa

import schemas
from console.intake_feed import DirectoryFeed
from console.server import open_hub
from tests.integration.console.world import rescue_event

pytestmark = pytest.mark.broker


def _publish(connection, topic: str, events: list[dict]) -> None:
    from kafka import KafkaProducer
    producer = KafkaProducer(acks="all", **connection.kafka_python())
    for event in events:
        producer.send(topic, schemas.encode("sanpalang.police.RescueConducted", event))
    producer.flush(timeout=10)
    producer.close()


def _event(event_id: str) -> dict:
    event = copy.deepcopy(rescue_event())
    event["envelope"]["event_id"] = event_id
    return event


async def _run_until(feed: DirectoryFeed, hub, rows: int, timeout_s: float = 15) -> None:
    await feed.start()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with hub.writer.connect() as conn:
                if conn.execute(sa.text("SELECT count(*) FROM console_person_entries")).scalar() >= rows:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the directory did not reach {rows} entries")
    finally:
        await feed.stop()


def test_the_directory_resumes_after_a_restart_from_its_stored_offsets(kafka_connection, unique_name, tmp_path):
    from kafka.admin import KafkaAdminClient, NewTopic
    topic = f"{unique_name}-intake"
    admin = KafkaAdminClient(**kafka_connection.kafka_python())
    admin.create_topics([NewTopic(topic, 1, 1)])
    admin.close()
    hub = open_hub(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        _publish(kafka_connection, topic, [_event("e1")])
        asyncio.run(_run_until(DirectoryFeed(kafka_connection, (topic,), hub.writer, {topic: "police"}), hub, rows=2))
        _publish(kafka_connection, topic, [_event("e2")])
        asyncio.run(_run_until(DirectoryFeed(kafka_connection, (topic,), hub.writer, {topic: "police"}), hub, rows=4))
        with hub.writer.connect() as conn:
            offsets = conn.execute(sa.text("SELECT topic, partition, next_offset FROM console_feed_offsets")).all()
            events = sorted(conn.execute(sa.text("SELECT DISTINCT event_id FROM console_person_entries")).scalars())
        assert [tuple(r) for r in offsets] == [(topic, 0, 2)]
        assert events == ["e1", "e2"]
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
