"""/metrics on the console's own port: public like /health, Prometheus text, and the counters move
with a sign-in and an operator action. Nothing in it names a person, a user or a case."""

from __future__ import annotations


from prometheus_client.parser import text_string_to_metric_families

from tests.integration.console.conftest import Browserless, csrf_token, sign_in
from tests.integration.console.world import ALERT_57, CASE_57


def scrape(client: Browserless) -> dict[tuple[str, frozenset], float]:
    reply = Browserless(client.base).request("GET", "/metrics")          # no cookie: Prometheus has none
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(reply.text) for s in family.samples}


def value(found, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


class TestMetricsEndpoint:
    def test_answers_without_a_session_and_so_does_health(self, client):
        assert Browserless(client.base).request("GET", "/health").json()["status"] == "ok"
        assert ("sanpalang_console_live_clients", frozenset()) in scrape(client)

    def test_sign_ins_count_by_outcome(self, client):
        before = scrape(client)
        assert sign_in(client, "prov57").status == 303
        assert sign_in(Browserless(client.base), "prov57", "not the password").status == 401
        after = scrape(client)
        for outcome in ("success", "failure"):
            name = "sanpalang_console_sign_ins_total"
            assert value(after, name, outcome=outcome) == value(before, name, outcome=outcome) + 1
        name = "sanpalang_console_audit_entries_total"
        assert value(after, name, action="sign_in") == value(before, name, action="sign_in") + 1
        assert value(after, name, action="sign_in.failed") == value(before, name, action="sign_in.failed") + 1

    def test_an_action_counts_as_published_and_audited_and_its_request_by_route(self, client, server):
        sign_in(client, "prov57")
        board = client.request("GET", "/")
        before = scrape(client)
        reply = client.request("POST", f"/alerts/{ALERT_57}/act",
                               form={"verb": "escalate", "csrf_token": csrf_token(board.text)})
        assert reply.status == 303 and server.sink.sent[-1]["kind"] == "Escalate"
        after = scrape(client)
        assert value(after, "sanpalang_console_operator_actions_total", kind="Escalate") == \
            value(before, "sanpalang_console_operator_actions_total", kind="Escalate") + 1
        assert value(after, "sanpalang_console_audit_entries_total", action="alert.escalate") == \
            value(before, "sanpalang_console_audit_entries_total", action="alert.escalate") + 1
        route = dict(route="/alerts/{alert_id}/act", method="POST", status="303")
        assert value(after, "sanpalang_console_requests_total", **route) == \
            value(before, "sanpalang_console_requests_total", **route) + 1

    def test_case_reads_count_by_route_template_and_unknown_paths_as_unmatched(self, client):
        sign_in(client, "prov57")
        assert client.request("GET", f"/cases/{CASE_57}").status == 200
        client.request("GET", "/no/such/page")
        found = scrape(client)
        assert value(found, "sanpalang_console_requests_total", route="/cases/{case_id}", method="GET", status="200") >= 1
        assert value(found, "sanpalang_console_audit_entries_total", action="case.read") >= 1
        assert any(dict(labels).get("route") == "unmatched" for _, labels in found)

    def test_carries_no_user_name_case_or_alert_id(self, client):
        sign_in(client, "prov57")
        client.request("GET", f"/cases/{CASE_57}")
        text = Browserless(client.base).request("GET", "/metrics").text
        assert "prov57" not in text and CASE_57 not in text and ALERT_57 not in text
