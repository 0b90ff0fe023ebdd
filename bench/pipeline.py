"""`sanpalang bench pipeline`: the worker on one scratch broker, next to the broker's own limits
measured in the same run.

- hub throughput: simulator feeds (distinct record ids per seed) published to the intake topics as
  fast as the broker takes them, timed until every event is correlated and its views committed in
  SQL; raw limit: a plain aiokafka consume-and-produce loop over the same intake messages.
- latency at a fixed offered rate: one more feed paced at `--rate` events/s; for each alert on
  `alerts.v1` (read_committed), receive time minus the produce time of the event that caused it
  (the worker's trigger header); raw limit: the broker's produce-to-consume round trip at the same
  rate.
- memory: the worker's resident memory after the load, above its idle baseline, per open case,
  stated per 100,000 open cases (extrapolated linearly from this run's cases).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["add_arguments", "run", "run_pipeline_bench", "report", "simulator_feed", "rss_mb", "open_cases_in_views"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=6, help="simulator feeds in the throughput load (default 6)")
    parser.add_argument("--rate", type=float, default=50.0, help="offered events/s for the latency run (default 50)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings) -> int:
    result = run_pipeline_bench(settings, args.seeds, args.rate, lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result) if args.json else report(result))
    return 0


def simulator_feed(seed: int) -> list:
    """The intake publications of simulator seed `seed` (no dead letters), record ids prefixed by
    the seed so that feeds of distinct seeds never share a record."""
    from bench.scoring import scenario_feed
    publications, _ = scenario_feed(seed, prefix=f"B{seed}-")
    return [p for p in publications if not p.dead_letter]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb(pid: int) -> float:
    """Resident memory of the running process `pid`, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _raw_loop(connection, topics: list[str], count: int) -> float:
    """Consume `count` intake messages and produce each to a scratch topic: messages/s."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    consumer = AIOKafkaConsumer(*topics, **connection.aiokafka(), group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    producer = AIOKafkaProducer(**connection.aiokafka(), acks="all", enable_idempotence=True, linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        seen, began = 0, time.perf_counter()
        while seen < count:
            for messages in (await consumer.getmany(timeout_ms=500, max_records=2000)).values():
                for m in messages:
                    await producer.send("bench.raw.v1", m.value, key=m.key)
                seen += sum(1 for _ in messages)
        await producer.flush()
        return count / (time.perf_counter() - began)
    finally:
        await consumer.stop()
        await producer.stop()


async def _round_trip(connection, rate: float, count: int) -> list[float]:
    """Produce small messages at `rate`/s; each one's produce-to-consume time, seconds."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    consumer = AIOKafkaConsumer("bench.rtt.v1", **connection.aiokafka(), group_id=None,
                                auto_offset_reset="latest", isolation_level="read_committed")
    producer = AIOKafkaProducer(**connection.aiokafka(), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    latencies: list[float] = []

    async def receive() -> None:
        while len(latencies) < count:
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                now = time.time()
                latencies.extend(now - float(m.value) for m in messages)
    try:
        await consumer.seek_to_end()
        reader = asyncio.create_task(receive())
        for n in range(count):
            await producer.send("bench.rtt.v1", str(time.time()).encode())
            await asyncio.sleep(1 / rate)
        async with asyncio.timeout(60):
            await reader
        return latencies
    finally:
        await consumer.stop()
        await producer.stop()


def _alert_latencies(connection, stop: threading.Event, out: list[float]) -> None:
    from kafka import KafkaConsumer
    from streams.worker.batch import TRIGGER_HEADER
    # fetch_max_wait_ms: as in the worker, a partition's next fetch waits for the long poll of the
    # others (alerts.v1 has four); the round trip's topic has one partition and no such wait
    consumer = KafkaConsumer("alerts.v1", **connection.kafka_python(), isolation_level="read_committed",
                             auto_offset_reset="latest", enable_auto_commit=False, fetch_max_wait_ms=10)
    try:
        consumer.poll(timeout_ms=1000)            # join: positions at the end before the load starts
        while not stop.is_set():
            for messages in consumer.poll(timeout_ms=200).values():
                now = time.time()
                for m in messages:
                    produced = dict(m.headers or ()).get(TRIGGER_HEADER)
                    if produced:
                        out.append(now - int(produced) / 1000)
    finally:
        consumer.close()


def _pace(connection, publications: list, rate: float) -> None:
    from kafka import KafkaProducer
    producer = KafkaProducer(**connection.kafka_python(), acks="all", enable_idempotence=True, linger_ms=0)
    try:
        began = time.perf_counter()
        for n, p in enumerate(publications):
            delay = began + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            producer.send(p.topic, key=p.key, value=p.value, headers=list(p.headers))
        producer.flush()
    finally:
        producer.close()


def open_cases_in_views(database_url: str) -> int:
    """Cases neither merged into another nor Closed, as the SQL views hold them."""
    import sqlalchemy as sa
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "select count(*) from cases where merged_into is null and status != 'Closed'")).scalar_one()
    finally:
        engine.dispose()


def run_pipeline_bench(settings, seeds: int, rate: float, emit: Callable[[str], None]) -> dict[str, Any]:
    from kafka.admin import KafkaAdminClient, NewTopic

    from bench.hub_run import WorkerProcess, publish, scratch_hub, settled, wait_until
    from streams.worker.lane import intake_topics

    emit(f"generating {seeds} simulator feeds for the load, one more for the latency run")
    load = [p for seed in range(100, 100 + seeds) for p in simulator_feed(seed)]
    paced = simulator_feed(99)
    with scratch_hub(settings.cache, emit) as hub, tempfile.TemporaryDirectory() as logs:
        connection = hub.connection
        admin = KafkaAdminClient(**connection.kafka_python())
        admin.create_topics([NewTopic("bench.raw.v1", 4, 1), NewTopic("bench.rtt.v1", 1, 1)])
        admin.close()
        worker = WorkerProcess(hub, Path(logs) / "worker.log", "--order-days", "0")   # live: no hold
        try:
            warm = publish(connection, load[:1])
            wait_until(lambda: settled(connection, warm, flushed=False), timeout=300, what="the worker to start", poll=0.3)
            baseline_mb = rss_mb(worker.pid)
            emit(f"throughput: {len(load) - 1} events as fast as the broker takes them")
            began = time.perf_counter()
            sent = warm + publish(connection, load[1:])
            wait_until(lambda: settled(connection, sent, flushed=False), timeout=1800, what="the load to settle", poll=0.3)
            hub_rate = (sent - warm) / (time.perf_counter() - began)
            emit(f"latency: {len(paced)} events at {rate:g}/s")
            stop, latencies = threading.Event(), []
            reader = threading.Thread(target=_alert_latencies, args=(connection, stop, latencies), daemon=True)
            reader.start()
            time.sleep(2)
            _pace(connection, paced, rate)
            sent += len(paced)
            wait_until(lambda: settled(connection, sent, flushed=False), timeout=600, what="the paced feed to settle", poll=0.3)
            time.sleep(1)
            stop.set()
            reader.join(timeout=10)
            loaded_mb = rss_mb(worker.pid)
        finally:
            worker.stop()
        emit("raw limits: consume-and-produce loop, broker round trip")
        raw_rate = asyncio.run(_raw_loop(connection, intake_topics(), sent))
        round_trips = asyncio.run(_round_trip(connection, rate, max(200, len(paced))))
        open_cases = open_cases_in_views(hub.database_url)
    p99_raw = _percentile(round_trips, 0.99)
    p99_alert = _percentile(latencies, 0.99)
    grown = max(0.0, loaded_mb - baseline_mb)
    return {
        "events": sent,
        "hub_events_per_s": round(hub_rate, 1), "raw_loop_per_s": round(raw_rate, 1),
        "throughput_ratio": round(hub_rate / raw_rate, 3),
        "alert_latency_p50_ms": round(1000 * _percentile(latencies, 0.5), 1),
        "alert_latency_p99_ms": round(1000 * p99_alert, 1), "alerts_timed": len(latencies),
        "round_trip_p50_ms": round(1000 * _percentile(round_trips, 0.5), 1),
        "round_trip_p99_ms": round(1000 * p99_raw, 1),
        "latency_ratio_p99": round(p99_alert / p99_raw, 1) if p99_raw else None,
        "offered_rate": rate, "worker_rss_mb": round(loaded_mb, 1), "worker_idle_rss_mb": round(baseline_mb, 1),
        "open_cases": open_cases,
        "mb_per_100k_open_cases": round(grown / open_cases * 100_000, 0) if open_cases else None,
        "mean_alert_latency_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


def report(r: dict[str, Any]) -> str:
    return "\n".join([
        f"throughput: hub {r['hub_events_per_s']:,.0f} events/s intake -> SQL views; raw consume-and-produce loop "
        f"{r['raw_loop_per_s']:,.0f}/s; ratio {r['throughput_ratio']:.3f} (goal >= 0.25)",
        f"latency at {r['offered_rate']:g} events/s: event -> alert p50 {r['alert_latency_p50_ms']} ms, "
        f"p99 {r['alert_latency_p99_ms']} ms ({r['alerts_timed']} alert messages); broker round trip p50 "
        f"{r['round_trip_p50_ms']} ms, p99 {r['round_trip_p99_ms']} ms; p99 ratio {r['latency_ratio_p99']} (goal <= 20)",
        f"memory: worker {r['worker_rss_mb']} MB resident ({r['worker_idle_rss_mb']} MB idle) with "
        f"{r['open_cases']} open cases: about {r['mb_per_100k_open_cases']} MB per 100,000 open cases (linear "
        f"extrapolation)",
    ])
