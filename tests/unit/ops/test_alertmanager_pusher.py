"""The pusher's bookkeeping, over a fake transport and a hand-moved clock (no socket, no sleep):
latest state wins, failures keep the alerts for the next attempt, open alerts are re-sent before
their endsAt runs out, and nothing a record or Alertmanager does raises into the worker."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from streams.worker.alertmanager import AlertmanagerPusher
from runtime.settings import Settings

EXAMPLE = Path(__file__).parents[3] / "schemas" / "examples" / "sanpalang.hub.Alert.json"
START = datetime(2025, 3, 2, 11, 0, tzinfo=timezone.utc)


def _record(**changes):
    return {**json.loads(EXAMPLE.read_text()), **changes}


class FakeAlertmanager:
    """Answers each push with the next status of `answers` (then 200); None means unreachable."""

    def __init__(self, *answers: int | None) -> None:
        self.answers, self.batches = list(answers), []

    async def __call__(self, payloads):
        answer = self.answers.pop(0) if self.answers else 200
        if answer is None:
            raise ConnectionRefusedError("connection refused")
        self.batches.append(payloads)
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _pusher(alertmanager, clock=None, **options):
    registry = CollectorRegistry()
    pusher = AlertmanagerPusher("http://am.invalid:9093", registry=registry, transport=alertmanager,
                                clock=clock or Clock(), **options)
    return pusher, registry


def _sample(registry, name, **labels):
    return registry.get_sample_value(name, labels) or 0.0


class TestPushing:
    def test_sends_the_latest_version_of_each_alert_once(self):
        alertmanager = FakeAlertmanager()
        pusher, registry = _pusher(alertmanager)
        pusher.push(_record(version=1, message="18 h"))
        pusher.push(_record(version=2, message="20 h"))
        assert asyncio.run(pusher.flush()) is True
        assert [[p["annotations"]["message"] for p in batch] for batch in alertmanager.batches] == [["20 h"]]
        assert _sample(registry, "sanpalang_alertmanager_pending_alerts") == 0
        assert _sample(registry, "sanpalang_alertmanager_alerts_pushed_total", status="firing") == 1

    def test_ignores_an_older_version_arriving_late(self):
        alertmanager = FakeAlertmanager()
        pusher, _ = _pusher(alertmanager)
        pusher.push(_record(version=3, message="new"))
        pusher.push(_record(version=2, message="old"))
        asyncio.run(pusher.flush())
        assert alertmanager.batches[0][0]["annotations"]["message"] == "new"

    def test_sends_nothing_when_nothing_changed_and_nothing_is_due(self):
        alertmanager = FakeAlertmanager()
        pusher, _ = _pusher(alertmanager)
        pusher.push(_record())

        async def twice():
            await pusher.flush()
            await pusher.flush()

        asyncio.run(twice())
        assert len(alertmanager.batches) == 1


class TestReSending:
    def test_re_sends_open_alerts_with_a_later_end_once_the_interval_is_over(self):
        alertmanager, clock = FakeAlertmanager(), Clock()
        pusher, _ = _pusher(alertmanager, clock, resend_interval=timedelta(minutes=1))

        async def scenario():
            pusher.push(_record())
            await pusher.flush()
            clock.now += timedelta(seconds=30)
            await pusher.flush()
            clock.now += timedelta(seconds=31)
            await pusher.flush()

        asyncio.run(scenario())
        assert [batch[0]["endsAt"] for batch in alertmanager.batches] == [
            "2025-03-02T11:10:00.000Z", "2025-03-02T11:11:01.000Z"]

    def test_forgets_an_alert_once_its_resolution_is_sent(self):
        alertmanager, clock = FakeAlertmanager(), Clock()
        pusher, registry = _pusher(alertmanager, clock)

        async def scenario():
            pusher.push(_record())
            await pusher.flush()
            pusher.push(_record(state="Resolved", resolved_at="2025-03-02T11:00:30Z", version=2))
            clock.now += timedelta(minutes=1)
            await pusher.flush()
            clock.now += timedelta(minutes=5)
            await pusher.flush()

        asyncio.run(scenario())
        assert len(alertmanager.batches) == 2
        assert alertmanager.batches[1][0]["endsAt"] == "2025-03-02T11:00:30.000Z"
        assert _sample(registry, "sanpalang_alertmanager_alerts_pushed_total", status="resolved") == 1

    def test_refuses_a_time_to_live_that_a_single_failed_push_would_outlast(self):
        with pytest.raises(ValueError, match="firing_ttl"):
            AlertmanagerPusher("http://am:9093", resend_interval=timedelta(minutes=5), firing_ttl=timedelta(minutes=6))


class TestFailures:
    def test_an_unreachable_alertmanager_keeps_the_alert_for_the_next_attempt(self):
        alertmanager = FakeAlertmanager(None, 503)
        pusher, registry = _pusher(alertmanager)
        pusher.push(_record(version=1))

        async def scenario():
            first = await pusher.flush()
            pusher.push(_record(version=2, message="now 20 h"))
            second = await pusher.flush()
            third = await pusher.flush()
            return first, second, third

        assert asyncio.run(scenario()) == (False, False, True)
        assert _sample(registry, "sanpalang_alertmanager_push_failures_total") == 2
        assert alertmanager.batches[-1][0]["annotations"]["message"] == "now 20 h"

    def test_a_wrong_url_answering_404_is_retried_not_dropped(self):
        alertmanager = FakeAlertmanager(404)
        pusher, registry = _pusher(alertmanager)
        pusher.push(_record())
        assert asyncio.run(pusher.flush()) is False
        assert _sample(registry, "sanpalang_alertmanager_pending_alerts") == 1

    def test_a_payload_alertmanager_refuses_is_dropped_and_counted_not_retried_forever(self):
        alertmanager = FakeAlertmanager(400)
        pusher, registry = _pusher(alertmanager)
        pusher.push(_record())

        async def scenario():
            await pusher.flush()
            await pusher.flush()

        asyncio.run(scenario())
        assert len(alertmanager.batches) == 1
        assert _sample(registry, "sanpalang_alertmanager_alerts_dropped_total", reason="rejected") == 1

    def test_a_malformed_record_is_counted_and_never_raises(self):
        alertmanager = FakeAlertmanager()
        pusher, registry = _pusher(alertmanager)
        pusher.push({"no": "alert id"})
        pusher.push(_record(alert_id="bad", severity="Severe"))
        pusher.push(_record())
        asyncio.run(pusher.flush())
        assert _sample(registry, "sanpalang_alertmanager_alerts_dropped_total", reason="invalid") == 2
        assert [p["labels"]["alert_id"] for p in alertmanager.batches[0]] == ["alr_0001_case_57_2568_0001"]

    def test_past_the_limit_of_waiting_changes_new_alerts_are_dropped_and_counted(self):
        pusher, registry = _pusher(FakeAlertmanager(), max_pending=2)
        for n in range(3):
            pusher.push(_record(alert_id=f"alr_{n}"))
        assert _sample(registry, "sanpalang_alertmanager_pending_alerts") == 2
        assert _sample(registry, "sanpalang_alertmanager_alerts_dropped_total", reason="overflow") == 1


class TestFromSettings:
    def test_there_is_no_pusher_without_an_alertmanager_url(self):
        assert AlertmanagerPusher.from_settings(Settings()) is None

    def test_the_pusher_pushes_to_the_configured_alertmanager(self):
        pusher = AlertmanagerPusher.from_settings(Settings(alertmanager_url="http://am:9093"))
        assert pusher is not None and pusher.url == "http://am:9093"
