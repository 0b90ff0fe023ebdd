"""The worker's Prometheus metrics (names used by ops/prometheus/rules.yml and the Grafana board)
and its health, served together on `/metrics` and `/health` (`serve`).

Gauges of open cases and alerts are kept from the records the worker publishes: the latest stage
and province per case, the latest state per alert.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter as PromCounter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer, _SilentHandler

import schemas
from streams.worker.admission import ACTIONS_TOPIC
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC

__all__ = ["WorkerMetrics", "METRIC_NAMES", "serve"]

METRIC_NAMES = (
    "sanpalang_worker_events_total", "sanpalang_worker_person_links_total", "sanpalang_worker_cases_open",
    "sanpalang_worker_alerts_open", "sanpalang_worker_consumer_lag", "sanpalang_worker_processing_seconds",
    "sanpalang_worker_last_commit_timestamp_seconds", "sanpalang_worker_skipped_entries_total",
    "sanpalang_worker_view_rows_total", "sanpalang_worker_operator_actions_total",
    "sanpalang_worker_views_degraded", "sanpalang_worker_views_failures_total",
    "sanpalang_worker_refused_records_total",
)


class WorkerMetrics:
    _shared: "WorkerMetrics | None" = None

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = PromCounter("sanpalang_worker_events_total", "Intake events correlated", ["agency"], registry=r)
        self.links = PromCounter("sanpalang_worker_person_links_total", "Person link decisions", ["decision"], registry=r)
        self.cases_open = Gauge("sanpalang_worker_cases_open", "Open cases", ["province", "stage"], registry=r)
        self.alerts_open = Gauge("sanpalang_worker_alerts_open", "Open alerts", ["rule", "severity", "state"], registry=r)
        self.lane_owned = Gauge("sanpalang_worker_lane_owned", "1 while this worker runs the stage (owns its lane)",
                                ["stage"], registry=r)
        self.lag = Gauge("sanpalang_worker_consumer_lag", "Messages behind the end of a topic", ["topic"], registry=r)
        self.latency = Histogram("sanpalang_worker_processing_seconds",
                                 "From an event's produce time to its outputs committed", registry=r,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.last_commit = Gauge("sanpalang_worker_last_commit_timestamp_seconds", "Last committed transaction", registry=r)
        self.skipped = PromCounter("sanpalang_worker_skipped_entries_total", "Lane entries that failed to apply",
                                   registry=r)
        self.view_rows = PromCounter("sanpalang_worker_view_rows_total", "Rows changed in the SQL views", ["kind"],
                                     registry=r)
        self.replay_backlog = Gauge("sanpalang_worker_replay_backlog",
                                    "Lane offsets after the last snapshot: what a restart would replay", registry=r)
        self.actions = PromCounter("sanpalang_worker_operator_actions_total",
                                   "Operators' decisions committed onto the lane", ["kind"], registry=r)
        self.degraded = Gauge("sanpalang_worker_views_degraded", "1 while the SQL views cannot be written",
                              registry=r)
        self.views_failures = PromCounter("sanpalang_worker_views_failures_total",
                                          "Failed attempts to write the SQL views (each retried)", registry=r)
        self.degraded_reason: str | None = None            # for /health
        self.refused = PromCounter("sanpalang_worker_refused_records_total",
                                   "Records refused and dead-lettered on dlq.hub.v1, never applied (issue 11)",
                                   ["topic", "reason"], registry=r)
        self._cases: dict[str, tuple[str, str]] = {}
        self._alerts: dict[str, tuple[str, str, str]] = {}

    @classmethod
    def shared(cls) -> "WorkerMetrics":
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def committed(self, batch: Iterable[Any], outputs: Iterable[Any]) -> None:
        now = time.time()
        for entry in batch:
            if entry.timestamp:
                self.latency.observe(max(0.0, now - entry.timestamp / 1000))
            if entry.topic.startswith("intake."):
                self.events.labels(entry.topic.split(".")[1]).inc()
            elif entry.topic == ACTIONS_TOPIC:
                self.operator_action(entry.value)
        for output in outputs:
            record = output.record
            if output.schema == "sanpalang.hub.RefusedRecord":
                self.refused.labels(record["topic"], record["reason_code"]).inc()
            elif output.schema == "sanpalang.hub.PersonLink":
                self.links.labels(record["decision"]).inc()
            elif output.topic == CASES_TOPIC:        # not its consumer copy (another key, the same case)
                open_ = record.get("merged_into") is None and record.get("status") != "Closed"
                self._move(self.cases_open, self._cases, output.key,
                           (record["lead_province"], record["stage"]) if open_ else None)
            elif output.topic == ALERTS_TOPIC:
                open_ = record["state"] != "Resolved"
                self._move(self.alerts_open, self._alerts, output.key,
                           (str(record["rule_number"]), record["severity"], record["state"]) if open_ else None)
        self.last_commit.set(now)

    def views_degraded(self, reason: str | None) -> None:
        self.degraded_reason = reason
        self.degraded.set(1 if reason else 0)

    def health(self) -> dict[str, Any]:
        reason = self.degraded_reason
        return {"status": "degraded" if reason else "ok", "reason": reason}

    def operator_action(self, value: bytes) -> None:
        try:
            kind = schemas.decode(value)[1]["kind"]
        except Exception:  # the console validates every action; a foreign one is counted, not trusted
            kind = "unreadable"
        self.actions.labels(kind).inc()

    @staticmethod
    def _move(gauge: Gauge, latest: dict, key: str, labels: tuple | None) -> None:
        """One case or alert changed: leave its old series, join its new one."""
        old = latest.pop(key, None)
        if old is not None:
            gauge.labels(*old).dec()
        if labels is not None:
            latest[key] = labels
            gauge.labels(*labels).inc()


def serve(metrics: WorkerMetrics, host: str, port: int) -> WSGIServer:
    """`/health` (JSON: status ok or degraded, and why) and `/metrics` on `host:port` (0: any free
    port, read back from `server_port`), from a daemon thread."""
    exposition = make_wsgi_app(metrics.registry)

    def app(environ: dict, start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/health":
            return exposition(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(metrics.health()).encode()]

    server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_SilentHandler)
    threading.Thread(target=server.serve_forever, name="sanpalang-metrics", daemon=True).start()
    return server
