"""The live board's metrics on a real broker: a board connected by server-sent events is counted,
an alert reaching the alerts topic counts as received and as pushed to that board, and the feed
reports no lag once it has read it, with the alert's produce time as its last message."""

from __future__ import annotations

import http.client
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest

import schemas
from console.live import Topics
from streams.views import ALERT
from tests.integration.console.conftest import Browserless, ServerThread
from tests.integration.console.test_metrics import scrape, sign_in, value
from tests.integration.console.world import CASE_57, alert, build_world

pytestmark = pytest.mark.broker


@pytest.fixture
def topics(kafka_connection, unique_name) -> Topics:
    from kafka.admin import KafkaAdminClient, NewTopic
    names = Topics(alerts=f"{unique_name}-alerts", actions=f"{unique_name}-actions", intake=())
    admin = KafkaAdminClient(**kafka_connection.kafka_python())
    try:
        admin.create_topics([NewTopic(names.alerts, 2, 1), NewTopic(names.actions, 1, 1)])
    finally:
        admin.close()
    return names


@pytest.fixture
def console(kafka_settings, topics, tmp_path):
    world = build_world(f"sqlite:///{tmp_path / 'hub.db'}")
    server = ServerThread(kafka_settings.with_(database_url=world.url), kafka=True, topics=topics)
    yield server
    server.stop()


def _open_board(client: Browserless) -> http.client.HTTPConnection:
    """GET /events with the session, read until the server says it is connected; left open."""
    u = urlparse(client.base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("GET", "/events", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())})
    response = conn.getresponse()
    assert response.status == 200
    seen = b""
    while b"connected" not in seen:
        seen += response.read1(1024)
    return conn


def _until(client: Browserless, check, timeout_s: float = 15):
    deadline = time.monotonic() + timeout_s
    while True:
        found = scrape(client)
        if check(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_connected_board_and_an_alert_from_the_topic_move_the_live_metrics(console, kafka_connection, topics):
    client = Browserless(console.url)
    assert sign_in(client, "prov57").status == 303
    board = _open_board(client)
    try:
        found = _until(client, lambda f: value(f, "sanpalang_console_live_clients") == 1)
        assert value(found, "sanpalang_console_live_clients") == 1
        assert value(found, "sanpalang_console_alerts_received_total") == 0

        from kafka import KafkaProducer
        produced_at = datetime.now(timezone.utc).timestamp()
        producer = KafkaProducer(acks="all", **kafka_connection.kafka_python())
        try:
            record = alert("alr_57_live", "TH-57", CASE_57)
            producer.send(topics.alerts, key=record["alert_id"].encode(), value=schemas.encode(ALERT, record))
            producer.flush(timeout=10)
        finally:
            producer.close()

        found = _until(client, lambda f: value(f, "sanpalang_console_alerts_received_total") == 1
                       and value(f, "sanpalang_console_alert_feed_lag", topic=topics.alerts) == 0)
        assert value(found, "sanpalang_console_alerts_received_total") == 1
        assert value(found, "sanpalang_console_alerts_pushed_total") == 1          # the one board of TH-57
        assert value(found, "sanpalang_console_alert_feed_lag", topic=topics.alerts) == 0
        assert abs(value(found, "sanpalang_console_alert_feed_last_message_timestamp_seconds") - produced_at) < 30
    finally:
        board.close()
