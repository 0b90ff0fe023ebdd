"""The console's metrics: a registry of its own, counts that move, and labels that carry no one's
name or ids (route templates, fixed outcomes and kinds)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from console.metrics import ACTION_KINDS, SIGN_IN_OUTCOMES, ConsoleMetrics


def samples(metrics: ConsoleMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """name and sorted labels -> value, parsed back from the text exposition."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(metrics.exposition().decode())
            for s in family.samples}


class FakeBoards:
    boards = 0


class TestConsoleMetrics:
    def test_two_consoles_keep_their_own_counts_outside_the_global_registry(self):
        one, two = ConsoleMetrics(), ConsoleMetrics()
        one.signed_in("success")
        assert samples(one)[("sanpalang_console_sign_ins_total", (("outcome", "success"),))] == 1
        assert samples(two)[("sanpalang_console_sign_ins_total", (("outcome", "success"),))] == 0
        assert REGISTRY.get_sample_value("sanpalang_console_sign_ins_total", {"outcome": "success"}) is None

    def test_every_sign_in_outcome_and_action_kind_is_exposed_from_the_start(self):
        found = samples(ConsoleMetrics())
        assert all(found[("sanpalang_console_sign_ins_total", (("outcome", o),))] == 0 for o in SIGN_IN_OUTCOMES)
        assert all(found[("sanpalang_console_operator_actions_total", (("kind", k),))] == 0 for k in ACTION_KINDS)

    def test_an_unknown_sign_in_outcome_is_a_bug_not_a_new_label(self):
        with pytest.raises(ValueError):
            ConsoleMetrics().signed_in("maybe")

    def test_requests_actions_and_audit_entries_are_counted_by_their_labels(self):
        m = ConsoleMetrics()
        m.request("/cases/{case_id}", "GET", 200)
        m.request("/cases/{case_id}", "GET", 200)
        m.published("Acknowledge")
        m.audited("alert.acknowledge")
        found = samples(m)
        assert found[("sanpalang_console_requests_total",
                      (("method", "GET"), ("route", "/cases/{case_id}"), ("status", "200")))] == 2
        assert found[("sanpalang_console_operator_actions_total", (("kind", "Acknowledge"),))] == 1
        assert found[("sanpalang_console_audit_entries_total", (("action", "alert.acknowledge"),))] == 1

    def test_live_clients_are_read_from_the_boards_at_each_scrape(self):
        m, boards = ConsoleMetrics(), FakeBoards()
        m.watch(boards)
        boards.boards = 3
        assert samples(m)[("sanpalang_console_live_clients", ())] == 3

    def test_an_alert_read_counts_once_received_and_once_per_board_it_reached(self):
        m = ConsoleMetrics()
        m.alert_read(1_700_000_000_500, boards_reached=3)
        m.alert_read(None, boards_reached=0)
        m.lag("alerts.v1", -1)                      # never negative, whatever the offsets say
        found = samples(m)
        assert found[("sanpalang_console_alerts_received_total", ())] == 2
        assert found[("sanpalang_console_alerts_pushed_total", ())] == 3
        assert found[("sanpalang_console_alert_feed_last_message_timestamp_seconds", ())] == 1_700_000_000.5
        assert found[("sanpalang_console_alert_feed_lag", (("topic", "alerts.v1"),))] == 0
