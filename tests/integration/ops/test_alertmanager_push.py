"""The pusher against a real Alertmanager: what the worker publishes is what Alertmanager shows
and notifies, and an Alertmanager that is down costs the worker nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from prometheus_client import CollectorRegistry

from streams.worker.alertmanager import AlertmanagerPusher
from tests.integration.ops.alertmanager_process import Alertmanager, eventually, free_port, run_alertmanager


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Alertmanager]:
    yield from run_alertmanager(tmp_path_factory.mktemp("alertmanager"))


def _record(**changes: Any) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    record = {
        "alert_id": f"alr_test_{uuid.uuid4().hex[:12]}", "rule_number": 1, "rule_key": "custody-s29-deadline",
        "severity": "Warning", "state": "Firing", "province": "TH-57", "case_id": "case_57_2568_0001",
        "subject": "prs_4f9a1c2e7b", "raised_at": now - timedelta(hours=18), "due_at": now + timedelta(hours=6),
        "resolved_at": None, "runbook_key": "docs/alert-rules.md#custody-s29-deadline",
        "message": "Person held under s.29 for 18 h with no screening outcome and no extension.",
        "acknowledged_at": None, "resolution": None, "version": 1,
    }
    return {**record, **changes}


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


class TestPushingToAlertmanager:
    def test_a_firing_alert_is_active_with_its_rule_severity_province_and_case(self, alertmanager):
        record = _record()

        async def scenario() -> dict[str, Any]:
            pusher = AlertmanagerPusher(alertmanager.url)
            await pusher.start()
            pusher.push(record)
            try:
                return (await eventually(lambda: alertmanager.alerts(alert_id=record["alert_id"])))[0]
            finally:
                await pusher.stop()

        shown = asyncio.run(scenario())
        assert shown["labels"] == {"alertname": "custody-s29-deadline", "rule": "1", "severity": "warning",
                                   "province": "TH-57", "case": "case_57_2568_0001",
                                   "alert_id": record["alert_id"], "hub": "sanpalang"}
        assert shown["status"]["state"] == "active"
        assert shown["annotations"]["message"] == record["message"]
        assert shown["annotations"]["runbook"] == "docs/alert-rules.md#custody-s29-deadline"
        assert shown["startsAt"].startswith(record["raised_at"].strftime("%Y-%m-%dT%H:%M:%S"))
        assert datetime.fromisoformat(shown["endsAt"].replace("Z", "+00:00")) > datetime.now(timezone.utc)

    def test_a_resolved_alert_leaves_the_active_list_and_receivers_hear_it_resolved(self, alertmanager):
        firing = _record()
        resolved = {**firing, "state": "Resolved", "version": 2, "resolution": "auto",
                    "resolved_at": datetime.now(timezone.utc) - timedelta(seconds=1)}

        async def scenario() -> None:
            pusher = AlertmanagerPusher(alertmanager.url)
            await pusher.start()
            try:
                pusher.push(firing)
                await eventually(lambda: alertmanager.alerts(alert_id=firing["alert_id"]))
                pusher.push(resolved)
                await eventually(lambda: not alertmanager.alerts(alert_id=firing["alert_id"]))
                await eventually(lambda: [a for a in alertmanager.webhook.alerts()
                                          if a["labels"]["alert_id"] == firing["alert_id"]
                                          and a["status"] == "resolved"])
            finally:
                await pusher.stop()

        asyncio.run(scenario())
        notes = [a for a in alertmanager.webhook.alerts() if a["labels"]["alert_id"] == firing["alert_id"]]
        assert [a["status"] for a in notes][0] == "firing"
        last = notes[-1]
        assert last["status"] == "resolved"
        assert last["endsAt"].startswith(resolved["resolved_at"].strftime("%Y-%m-%dT%H:%M:%S"))
        assert last["annotations"]["state"] == "Resolved"

    def test_an_escalation_to_critical_replaces_the_warning(self, alertmanager):
        warning = _record()
        critical = {**warning, "severity": "Critical", "version": 2}

        async def scenario() -> list[dict[str, Any]]:
            pusher = AlertmanagerPusher(alertmanager.url)
            await pusher.start()
            try:
                pusher.push(warning)
                await eventually(lambda: alertmanager.alerts(alert_id=warning["alert_id"]))
                pusher.push(critical)
                return await eventually(lambda: [a for a in alertmanager.alerts(alert_id=warning["alert_id"])
                                                 if a["labels"]["severity"] == "critical"]
                                        and alertmanager.alerts(alert_id=warning["alert_id"]))
            finally:
                await pusher.stop()

        shown = asyncio.run(scenario())
        assert [a["labels"]["severity"] for a in shown] == ["critical"]


class TestAnAlertmanagerThatIsDown:
    def test_pushes_return_at_once_failures_are_counted_and_stop_is_prompt(self):
        registry = CollectorRegistry()

        async def scenario() -> tuple[float, float]:
            pusher = AlertmanagerPusher(f"http://127.0.0.1:{free_port()}", registry=registry, timeout_s=1.0)
            await pusher.start()
            started = time.monotonic()
            for n in range(1000):
                pusher.push(_record(alert_id=f"alr_down_{n}"))
            pushing_s = time.monotonic() - started
            await eventually(lambda: _value(registry, "sanpalang_alertmanager_push_failures_total") >= 1)
            started = time.monotonic()
            await pusher.stop(flush_timeout_s=1.0)
            return pushing_s, time.monotonic() - started

        pushing_s, stopping_s = asyncio.run(scenario())
        assert pushing_s < 0.5 and stopping_s < 3
        assert _value(registry, "sanpalang_alertmanager_pending_alerts") == 1000
        assert _value(registry, "sanpalang_alertmanager_alerts_pushed_total", status="firing") == 0

    def test_alerts_pushed_while_it_was_down_arrive_once_it_is_up(self, tmp_path):
        port, registry = free_port(), CollectorRegistry()
        record = _record()

        async def scenario() -> list[dict[str, Any]]:
            pusher = AlertmanagerPusher(f"http://127.0.0.1:{port}", registry=registry, timeout_s=1.0)
            await pusher.start()
            try:
                pusher.push(record)
                await eventually(lambda: _value(registry, "sanpalang_alertmanager_push_failures_total") >= 1)
                started = await asyncio.to_thread(lambda: run_alertmanager(tmp_path, port))
                alertmanager = await asyncio.to_thread(next, started)
                try:
                    return await eventually(lambda: alertmanager.alerts(alert_id=record["alert_id"]), timeout_s=20)
                finally:
                    await asyncio.to_thread(started.close)
            finally:
                await pusher.stop()

        shown = asyncio.run(scenario())
        assert shown[0]["labels"]["alert_id"] == record["alert_id"]
        assert _value(registry, "sanpalang_alertmanager_pending_alerts") == 0
