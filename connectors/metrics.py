"""Prometheus metrics and health of one connector process, served on ``/metrics`` and ``/health``.

Each process owns its registry (not the global one) so that several connectors, or tests, can
live in one interpreter.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from connectors.records import Publication

__all__ = ["ConnectorMetrics"]


class ConnectorMetrics:
    def __init__(self, agency: str) -> None:
        self.agency = agency
        self.registry = CollectorRegistry()
        self.received = Counter("sanpalang_connector_records_received", "Source records read, per source kind.",
                                ["agency", "source"], registry=self.registry)
        self.published = Counter("sanpalang_connector_events_published", "Events committed to intake.",
                                 ["agency", "source"], registry=self.registry)
        self.dead_lettered = Counter("sanpalang_connector_records_dead_lettered",
                                     "Records committed to the dead-letter topic, by reason.",
                                     ["agency", "source", "reason"], registry=self.registry)
        self.publish_latency = Histogram(
            "sanpalang_connector_publish_latency_seconds", "From handing a batch over to its transaction commit.",
            ["agency"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.checkpoint_lag = Gauge("sanpalang_connector_checkpoint_lag_records",
                                    "Records read from a source but not yet committed.", ["agency", "source"],
                                    registry=self.registry)
        self.degraded = Gauge("sanpalang_connector_degraded", "1 while the broker cannot be reached.",
                              ["agency"], registry=self.registry)
        self.degraded.labels(agency).set(0)

    def record_received(self, source: str, count: int = 1) -> None:
        self.received.labels(self.agency, source).inc(count)

    def record_published(self, source: str, publications: Sequence[Publication], latency_s: float) -> None:
        events = sum(1 for p in publications if not p.dead_letter)
        if events:
            self.published.labels(self.agency, source).inc(events)
        for reason, count in Tally(p.reason_code for p in publications if p.dead_letter).items():
            self.dead_lettered.labels(self.agency, source, reason).inc(count)
        self.publish_latency.labels(self.agency).observe(latency_s)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
