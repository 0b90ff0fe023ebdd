"""The console's Prometheus metrics, served on its own port at ``/metrics`` (ops/prometheus scrapes
them as job ``sanpalang-console``).

A registry of the console's own (never prometheus_client's global one): two consoles in one
process (the tests) do not share counters, and nothing else's metrics leak into its scrape.

Only counts, never who: labels are route templates (``/cases/{case_id}``, not the case id),
methods, status codes, outcomes and kinds from fixed lists. No user name, province, case or alert
id reaches a label, so ``/metrics`` can be as public as ``/health``.

| metric | what |
| --- | --- |
| `sanpalang_console_requests_total{route,method,status}` | HTTP requests answered |
| `sanpalang_console_sign_ins_total{outcome}` | sign-in attempts: success, failure, locked |
| `sanpalang_console_live_clients` | boards connected by server-sent events now |
| `sanpalang_console_alerts_received_total` | alert records read from alerts.v1 |
| `sanpalang_console_alerts_pushed_total` | alerts sent to open boards (one per board reached) |
| `sanpalang_console_operator_actions_total{kind}` | actions published on operator.actions.v1 |
| `sanpalang_console_audit_entries_total{action}` | entries this console appended to the audit log |
| `sanpalang_console_alert_feed_lag{topic}` | messages of alerts.v1 not yet read by the feed |
| `sanpalang_console_alert_feed_last_message_timestamp_seconds` | produce time of the last alert read |
"""

from __future__ import annotations

from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

__all__ = ["ConsoleMetrics", "CONTENT_TYPE", "SIGN_IN_OUTCOMES", "ACTION_KINDS", "UNMATCHED_ROUTE"]

SIGN_IN_OUTCOMES = ("success", "failure", "locked")
ACTION_KINDS = ("Acknowledge", "Resolve", "Escalate", "ConfirmLink", "RejectLink")   # OperatorAction.kind
# The classic text format every Prometheus reads (prometheus-client's "latest" is 1.0.0, which an
# older server may not know); our names need none of 1.0.0's escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED_ROUTE = "unmatched"            # a path no route knows: never the path itself (unbounded, and may carry ids)


class _Boards(Protocol):
    @property
    def boards(self) -> int: ...


class ConsoleMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("sanpalang_console_requests", "HTTP requests answered, by route template and status",
                                ["route", "method", "status"], registry=r)
        self.sign_ins = Counter("sanpalang_console_sign_ins", "Sign-in attempts by outcome (success, failure, locked)",
                                ["outcome"], registry=r)
        self.live_clients = Gauge("sanpalang_console_live_clients", "Alert boards connected by server-sent events",
                                  registry=r)
        self.alerts_received = Counter("sanpalang_console_alerts_received", "Alert records read from alerts.v1",
                                       registry=r)
        self.alerts_pushed = Counter("sanpalang_console_alerts_pushed",
                                     "Alerts sent to open boards (an alert reaching three boards counts three)",
                                     registry=r)
        self.actions = Counter("sanpalang_console_operator_actions", "Operator actions published, by kind", ["kind"],
                               registry=r)
        self.audit_entries = Counter("sanpalang_console_audit_entries", "Audit log entries appended, by action",
                                     ["action"], registry=r)
        self.feed_lag = Gauge("sanpalang_console_alert_feed_lag",
                              "Messages on the alerts topic the live feed has not read yet", ["topic"], registry=r)
        self.feed_last_message = Gauge("sanpalang_console_alert_feed_last_message_timestamp_seconds",
                                       "Produce time of the last alert record the live feed read", registry=r)
        for outcome in SIGN_IN_OUTCOMES:       # present from the start: rate() and the alert need a first 0
            self.sign_ins.labels(outcome=outcome)
        for kind in ACTION_KINDS:
            self.actions.labels(kind=kind)

    def watch(self, boards: _Boards) -> None:
        """Read the number of live boards from the broadcaster at each scrape."""
        self.live_clients.set_function(lambda: boards.boards)

    def request(self, route: str, method: str, status: int) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()

    def signed_in(self, outcome: str) -> None:
        if outcome not in SIGN_IN_OUTCOMES:
            raise ValueError(f"unknown sign-in outcome {outcome!r}")
        self.sign_ins.labels(outcome=outcome).inc()

    def published(self, kind: str) -> None:
        self.actions.labels(kind=kind).inc()

    def audited(self, action: str) -> None:
        self.audit_entries.labels(action=action).inc()

    def alert_read(self, timestamp_ms: int | None, boards_reached: int) -> None:
        self.alerts_received.inc()
        self.alerts_pushed.inc(boards_reached)
        if timestamp_ms and timestamp_ms > 0:
            self.feed_last_message.set(timestamp_ms / 1000)

    def lag(self, topic: str, messages: int) -> None:
        self.feed_lag.labels(topic=topic).set(max(0, messages))

    def exposition(self) -> bytes:
        """The registry in Prometheus text format (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)
