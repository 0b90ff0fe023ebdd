"""The worker's gauges count each open case and alert once, not once more for its consumer copy."""

from streams.worker.correlator import Correlator, Output
from streams.worker.lane import FLUSH, feed
from streams.worker.metrics import WorkerMetrics


def gauge_total(metrics: WorkerMetrics, name: str) -> float:
    return sum(s.value for m in metrics.registry.collect() if m.name == name for s in m.samples)


def test_open_cases_and_alerts_are_counted_once_each(fixed_values):
    correlator, metrics = Correlator(consumer_key=b"a test key of at least thirty-two bytes"), WorkerMetrics()
    outputs: list[Output] = [o for value in [*fixed_values[:400], FLUSH] for o in feed(correlator, value)]
    metrics.committed([], outputs)
    cases = {o.key: o.record for o in outputs if o.topic == "cases.provincial.v1"}
    alerts = {o.key: o.record for o in outputs if o.topic == "alerts.v1"}
    open_cases = [c for c in cases.values() if c["merged_into"] is None and c["status"] != "Closed"]
    open_alerts = [a for a in alerts.values() if a["state"] != "Resolved"]
    assert open_cases and open_alerts
    assert gauge_total(metrics, "sanpalang_worker_cases_open") == len(open_cases)
    assert gauge_total(metrics, "sanpalang_worker_alerts_open") == len(open_alerts)
