"""One worker count of `sanpalang bench pipeline --workers`: a scratch hub of its own (broker and
views database), N `sanpalang worker` processes started with the same arguments, the throughput
load with the CPU of every process of interest accounted, the paced latency run, then the raw
Kafka limits on that same broker.

Each count gets a fresh hub so that no count starts with another's topics, groups, lane or open
cases: the counts differ only in how many workers run and their `--stages`. The bench measures
whatever the workers do with that: a second joined worker stands by on the lane's group, two split
workers run a stage each.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["ONE_CORE", "measure_count", "cpu_processes", "percentile"]

ONE_CORE = ("worker",)
"""Every worker process and its children are one Python thread each: at most one core each."""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _child_label(pid: int) -> str:
    """`views` for the worker's SQL views child, `tracker` for multiprocessing's resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"child {pid}"
    return "tracker" if b"resource_tracker" in command else "views"


def cpu_processes(broker_pids: dict[int, int], worker_pids: list[int]) -> dict[str, int]:
    """The processes a throughput window accounts: each broker node, each worker and its children
    (as they are now: the views child starts with the worker), and this bench (the publisher and
    the polls of `settled`)."""
    from bench.intake_cpu import children_of
    named = {("broker" if len(broker_pids) == 1 else f"broker {node}"): pid for node, pid in sorted(broker_pids.items())}
    for n, pid in enumerate(worker_pids, 1):
        named[f"worker {n}"] = pid
        for child in children_of(pid):
            named[f"worker {n} {_child_label(child)}"] = child
    named["bench"] = os.getpid()
    return named


def _broker_pids(hub) -> dict[int, int]:
    from ops.kafka import local
    return {node.node_id: node.pid for node in local.status(hub.settings).nodes if node.alive and node.pid}


def measure_count(settings, workers: int, load: list, paced: list, rate: float,
                  emit: Callable[[str], None], stages: str = "joined") -> dict[str, Any]:
    """Throughput, CPU, latency, memory and the raw limits with `workers` worker processes, each
    run with `--stages stages`."""
    from kafka.admin import KafkaAdminClient, NewTopic

    from bench.hub_run import WorkerProcess, publish, scratch_hub, settled, stop_all, wait_until
    from bench.intake_cpu import CpuMeter, ceiling
    from bench.pipeline import open_cases_in_views, rss_mb
    from bench.pipeline_kafka import alert_latencies, pace, raw_loop, round_trip
    from streams.worker.lane import intake_topics

    with scratch_hub(settings.cache, emit) as hub, tempfile.TemporaryDirectory() as logs:
        connection = hub.connection
        admin = KafkaAdminClient(**connection.kafka_python())
        admin.create_topics([NewTopic("bench.raw.v1", 4, 1), NewTopic("bench.rtt.v1", 1, 1)])
        admin.close()
        processes = [WorkerProcess(hub, Path(logs) / f"worker-{n}.log", "--order-days", "0",   # live: no hold
                                   "--stages", stages)
                     for n in range(1, workers + 1)]
        try:
            warm = publish(connection, load[:1])
            wait_until(lambda: settled(connection, warm, flushed=False), timeout=300, what="the workers to start",
                       poll=0.3)
            idle_mb = [rss_mb(p.pid) for p in processes]
            meter = CpuMeter(cpu_processes(_broker_pids(hub), [p.pid for p in processes]))
            emit(f"{workers} worker(s): throughput, {len(load) - 1} events as fast as the broker takes them")
            meter.start()
            began = time.perf_counter()
            sent = warm + publish(connection, load[1:])
            wait_until(lambda: settled(connection, sent, flushed=False), timeout=1800, what="the load to settle",
                       poll=0.3)
            hub_rate = (sent - warm) / (time.perf_counter() - began)
            window = meter.stop().as_dict()
            emit(f"{workers} worker(s): {hub_rate:,.0f} events/s; latency, {len(paced)} events at {rate:g}/s")
            stop, latencies = threading.Event(), []
            reader = threading.Thread(target=alert_latencies, args=(connection, stop, latencies), daemon=True)
            reader.start()
            time.sleep(2)                   # the reader's consumer joined, positions at the end
            pace(connection, paced, rate)
            sent += len(paced)
            wait_until(lambda: settled(connection, sent, flushed=False), timeout=600,
                       what="the paced feed to settle", poll=0.3)
            time.sleep(1)                   # the last alerts' fetch
            stop.set()
            reader.join(timeout=10)
            loaded_mb = [rss_mb(p.pid) for p in processes]
        finally:
            stop_all(processes)
        emit(f"{workers} worker(s): raw limits on the same broker, consume-and-produce loop and round trip")
        raw_rate = asyncio.run(raw_loop(connection, intake_topics(), sent))
        round_trips = asyncio.run(round_trip(connection, rate, max(200, len(paced))))
        open_cases = open_cases_in_views(hub.database_url)
    timed = sent - warm - len(paced)
    grown = [after - before for before, after in zip(idle_mb, loaded_mb)]
    largest = max(range(workers), key=lambda n: grown[n])       # the worker that correlated
    p99_raw, p99_alert = percentile(round_trips, 0.99), percentile(latencies, 0.99)
    return {
        "workers": workers, "stages": stages, "events": sent, "timed_events": timed,
        "hub_events_per_s": round(hub_rate, 1), "raw_loop_per_s": round(raw_rate, 1),
        "throughput_ratio": round(hub_rate / raw_rate, 3),
        "cpu": window,
        "ceiling_per_s": _rounded(ceiling(window, timed, ONE_CORE)),
        "cores_allow_per_s": _rounded(ceiling(window, timed, ())),
        "alert_latency_p50_ms": round(1000 * percentile(latencies, 0.5), 1),
        "alert_latency_p99_ms": round(1000 * p99_alert, 1), "alerts_timed": len(latencies),
        "round_trip_p50_ms": round(1000 * percentile(round_trips, 0.5), 1),
        "round_trip_p99_ms": round(1000 * p99_raw, 1),
        "latency_ratio_p99": round(p99_alert / p99_raw, 1) if p99_raw else None,
        "worker_rss_mb": round(loaded_mb[largest], 1), "worker_idle_rss_mb": round(idle_mb[largest], 1),
        "workers_rss_mb": [round(v, 1) for v in loaded_mb],
        "open_cases": open_cases,
        "mb_per_100k_open_cases": round(max(0.0, grown[largest]) / open_cases * 100_000, 0) if open_cases else None,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
