"""A hub alert record becomes an Alertmanager v2 postableAlert: labels that identify and route it,
annotations that describe it, and startsAt / endsAt that say whether it still fires."""

from __future__ import annotations

import ast
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import streams.worker.alertmanager.payload as payload_module
from streams.worker.alertmanager import AlertRecordError, alert_labels, postable_alert, postable_alerts
from runtime.settings import Settings, SettingsError

ROOT = Path(__file__).parents[3]
NOW = datetime(2025, 3, 2, 11, 0, tzinfo=timezone.utc)
RAISED = datetime(2025, 3, 2, 10, 0, tzinfo=timezone.utc)


def _record(**changes):
    record = json.loads((ROOT / "schemas" / "examples" / "sanpalang.hub.Alert.json").read_text())
    return {**record, **changes}


class TestLabels:
    def test_name_the_rule_severity_province_case_and_alert(self):
        assert alert_labels(_record()) == {
            "alertname": "custody-s29-deadline", "rule": "1", "severity": "warning", "province": "TH-57",
            "case": "case_57_2568_0001", "alert_id": "alr_0001_case_57_2568_0001", "hub": "sanpalang"}

    def test_leave_out_the_case_of_an_alert_that_has_none(self):
        assert "case" not in alert_labels(_record(case_id=None, rule_number=8, rule_key="multi-agency-hotspot"))

    def test_keep_two_alerts_of_one_rule_in_one_case_apart(self):
        assert alert_labels(_record(alert_id="a")) != alert_labels(_record(alert_id="b"))

    def test_refuse_a_severity_the_schema_does_not_have(self):
        with pytest.raises(AlertRecordError, match="severity 'High'"):
            alert_labels(_record(severity="High"))

    def test_refuse_a_record_without_its_rule_naming_the_field(self):
        with pytest.raises(AlertRecordError, match="rule_key"):
            alert_labels(_record(rule_key=None))


class TestTiming:
    def test_a_firing_alert_starts_when_raised_and_lives_until_pushed_again(self):
        payload = postable_alert(_record(), NOW, firing_ttl=timedelta(minutes=10))
        assert payload["startsAt"] == "2025-03-02T10:00:00.000Z"
        assert payload["endsAt"] == "2025-03-02T11:10:00.000Z"

    def test_an_acknowledged_alert_still_fires_and_says_it_is_acknowledged(self):
        payload = postable_alert(_record(state="Acknowledged", acknowledged_at="2025-03-02T10:30:00Z"), NOW)
        assert payload["endsAt"] > "2025-03-02T11:00:00.000Z"
        assert payload["annotations"]["state"] == "Acknowledged"
        assert payload["annotations"]["acknowledged_at"] == "2025-03-02T10:30:00.000Z"

    def test_a_resolved_alert_ends_when_resolved(self):
        record = _record(state="Resolved", resolved_at="2025-03-02T10:45:00Z", resolution="auto")
        payload = postable_alert(record, NOW)
        assert payload["endsAt"] == "2025-03-02T10:45:00.000Z"
        assert payload["annotations"]["resolution"] == "auto"

    def test_a_resolved_alert_never_ends_before_it_starts(self):
        payload = postable_alert(_record(state="Resolved", resolved_at="2025-03-02T09:00:00Z"), NOW)
        assert payload["endsAt"] == payload["startsAt"]

    def test_reads_datetimes_milliseconds_and_iso_strings_alike(self):
        forms = [RAISED, int(RAISED.timestamp() * 1000), "2025-03-02T10:00:00Z"]
        starts = {postable_alert(_record(raised_at=form), NOW)["startsAt"] for form in forms}
        assert starts == {"2025-03-02T10:00:00.000Z"}


class TestAnnotations:
    def test_carry_the_message_runbook_and_deadline(self):
        notes = postable_alert(_record(), NOW)["annotations"]
        assert notes["message"].startswith("Person held under s.29")
        assert notes["runbook"] == "custody-s29" and notes["state"] == "Firing"
        assert notes["due_at"] == "2025-03-02T16:00:00.000Z"


class TestLabelChanges:
    def test_an_escalation_resolves_the_warning_before_firing_the_critical(self):
        warning = postable_alert(_record(), NOW)
        later = NOW + timedelta(minutes=5)
        ended, critical = postable_alerts(_record(severity="Critical", version=2), later, previous=warning)
        assert ended["labels"]["severity"] == "warning" and ended["endsAt"] == "2025-03-02T11:05:00.000Z"
        assert critical["labels"]["severity"] == "critical" and critical["endsAt"] > "2025-03-02T11:05:00.000Z"

    def test_an_unchanged_label_set_is_pushed_once(self):
        previous = postable_alert(_record(), NOW)
        assert len(postable_alerts(_record(message="now 20 h", version=2), NOW, previous=previous)) == 1


class TestTheWorkersRecords:
    def test_the_record_the_rule_lifecycle_publishes_maps(self):
        from streams.rules import lifecycle, spec
        alert = lifecycle.Alert("alr_1", 3, "rescued-no-care", spec.Severity.of("Critical"), "Firing", "TH-10",
                                "case_10_2568_0007", "prs_1", RAISED, None, None,
                                "No shelter intake 12 h after rescue.")
        payload = postable_alert(lifecycle.alert_record(alert), NOW)
        assert payload["labels"]["severity"] == "critical" and payload["labels"]["rule"] == "3"
        assert payload["annotations"]["runbook"] == alert.runbook_key


class TestSetting:
    def test_the_alertmanager_url_is_read_from_the_environment(self):
        settings = Settings.from_env({"SANPALANG_ALERTMANAGER_URL": "http://127.0.0.1:9093/"})
        assert settings.alertmanager_url == "http://127.0.0.1:9093"

    def test_no_alertmanager_by_default(self):
        assert Settings.from_env({}).alertmanager_url is None

    def test_refuses_an_alertmanager_url_without_a_scheme(self):
        with pytest.raises(SettingsError, match="SANPALANG_ALERTMANAGER_URL"):
            Settings.from_env({"SANPALANG_ALERTMANAGER_URL": "127.0.0.1:9093"})


class TestPurity:
    def test_the_mapping_touches_nothing_outside(self):
        tree = ast.parse(Path(payload_module.__file__).read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"aiohttp", "prometheus_client", "os", "time", "asyncio", "socket", "urllib"}
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not names & {"now", "utcnow", "today", "environ"}
