"""``sanpalang bench intake --processes 1,2``: records/s of ``sanpalang connect --processes N`` per
source kind, next to the raw producer limit measured with N producer processes in the same run.

Each setting runs the real command (a supervisor and its N children) on a dedicated local broker
(unless ``SANPALANG_KAFKA_BOOTSTRAP`` names a cluster), waits until every child is ready, then
times from the moment the records are released until the last is committed:

* **file**: ``FILES`` labour exports (Windows-874 CSV), renamed into the drop from ``.part`` at
  once; done when all are in ``done/``;
* **sql**: immigration crossings copied into the polled table in one statement; done when every
  child's committed checkpoint (read from ``offsets.immigration.v1``) reached the last row;
* **http**: police records POSTed in batches by a load client in a process of its own, a new
  connection per request so that ``SO_REUSEPORT`` spreads them over the children; done when every
  request was answered 202.

The raw limit of a setting is N processes each producing its share of the pre-encoded events
(acks=all, idempotent), started together: what the broker takes from N Python producers. Every
setting gets records of its own (file contents and row versions), so no checkpoint or duplicate
check of an earlier setting applies. The machine is shared: the load client, the broker and the
children all run on its cores, which the report states next to the figures (``os.getloadavg``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from aiokafka import AIOKafkaProducer

from bench.intake import _pre_encoded
from bench.intake_cpu import describe
from bench.intake_runs import FILES, file_rate, http_rate, sql_rate
from runtime.connection import KafkaConnection
from runtime.settings import Settings

__all__ = ["measure_processes", "parse_counts", "report_processes"]

DONE_S = 900.0


def parse_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise ValueError(f"--processes takes counts of processes such as 1,2, not {text!r}")
    return counts


# -- the raw limit with N producer processes ----------------------------------------------------

def _raw_worker(connection: KafkaConnection, messages: list[tuple[str, bytes, bytes]], barrier: Any,
                results: Any) -> None:
    async def produce() -> None:
        producer = AIOKafkaProducer(acks="all", enable_idempotence=True, linger_ms=5, max_batch_size=256 * 1024,
                                    **connection.aiokafka())
        await producer.start()
        try:
            await asyncio.to_thread(barrier.wait)
            started = time.perf_counter()
            futures = [await producer.send(topic, value, key=key) for topic, key, value in messages]
            await asyncio.gather(*futures)
            results.put((len(messages), started, time.perf_counter()))
        finally:
            await producer.stop()
    asyncio.run(produce())


def raw_limit(connection: KafkaConnection, messages: list[tuple[str, bytes, bytes]], processes: int) -> float:
    """Events/s of ``processes`` producers started together, each sending its slice of ``messages``.
    ``perf_counter`` is system-wide (CLOCK_MONOTONIC), so the processes' readings compare."""
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(processes), spawn.Queue()
    workers = [spawn.Process(target=_raw_worker, args=(connection, messages[i::processes], barrier, results))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    ends = [results.get(timeout=DONE_S) for _ in workers]
    for worker in workers:
        worker.join()
    return sum(n for n, _, _ in ends) / (max(end for _, _, end in ends) - min(start for _, start, _ in ends))


def measure_processes(settings: Settings, connection: KafkaConnection, counts: list[int], count: int,
                      workdir: Path, emit: Callable[[str], None]) -> dict:
    """Every figure of the report, from this one run."""
    run = f"B{uuid.uuid4().hex[:6]}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SANPALANG_")},
           **({} if settings.is_external else {"SANPALANG_HOME": str(settings.home),
                                                "SANPALANG_CACHE": str(settings.cache),
                                                "SANPALANG_KAFKA_PORT": str(settings.kafka_port)}),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if settings.is_external:
        env.update({k: v for k, v in os.environ.items() if k.startswith("SANPALANG_")})
    watched = {"bench": os.getpid(), **_broker_pids(settings)}
    emit(f"encoding {count} records per source for the raw limit")
    messages = _pre_encoded(count, run)
    settings_out = []
    for setting, processes in enumerate(counts):
        emit(f"{processes} process(es): raw limit with {processes} producer(s)")
        raw = raw_limit(connection, messages, processes)
        emit(f"{processes} process(es): file drop, {FILES} files")
        emit(f"{processes} process(es): raw limit {raw:,.0f} events/s")
        rates, cpu = {}, {}
        rates["file"], window = file_rate(env, processes, count, run, workdir, setting, watched)
        cpu["file"] = window.as_dict()
        emit(f"{processes} process(es): file {rates['file']:,.0f} records/s; {describe(cpu['file'], count)}")
        emit(f"{processes} process(es): SQL polling")
        rates["sql"], window = sql_rate(env, connection, processes, count, workdir, setting, watched)
        cpu["sql"] = window.as_dict()
        emit(f"{processes} process(es): sql {rates['sql']:,.0f} records/s; {describe(cpu['sql'], count)}")
        if settings.is_external:
            emit("http skipped: on an external cluster it would replace police's intake token")
        else:
            emit(f"{processes} process(es): HTTP intake")
            rates["http"], window = http_rate(env, settings, processes, count, run, setting, watched)
            cpu["http"] = window.as_dict()
            emit(f"{processes} process(es): http {rates['http']:,.0f} records/s; {describe(cpu['http'], count)}")
        settings_out.append({"processes": processes, "raw_rate": raw, "sources": rates, "cpu": cpu})
    return {"records": count, "raw_events": len(messages), "cores": os.cpu_count(), "loadavg": os.getloadavg(),
            "settings": settings_out}


def _broker_pids(settings: Settings) -> dict[str, int]:
    """The bench's own broker node(s) by name; none on an external cluster (not on this machine)."""
    if settings.is_external:
        return {}
    from ops.kafka import local
    nodes = [node for node in local.status(settings).nodes if node.alive and node.pid]
    return {("broker" if len(nodes) == 1 else f"broker {node.node_id}"): node.pid for node in nodes}


def report_processes(result: dict) -> str:
    first = result["settings"][0]
    lines = [f"{result['records']:,} records per source and setting; {result['cores']} cores, "
             f"load average {result['loadavg'][0]:.1f} at the end (other work on the machine shares the cores)"]
    for setting in result["settings"]:
        n = setting["processes"]
        lines.append(f"{n} process(es): raw producer limit {setting['raw_rate']:>9,.0f} events/s "
                     f"({setting['raw_rate'] / n:,.0f} per process; x{setting['raw_rate'] / first['raw_rate']:.2f})")
        for kind, rate in setting["sources"].items():
            base = first["sources"].get(kind)
            lines.append(f"  {kind:>5}: {rate:>9,.0f} records/s ({rate / n:,.0f} per process; "
                         f"x{rate / base:.2f} of {first['processes']} process(es))")
            if kind in setting.get("cpu", {}):
                lines.append(f"         {describe(setting['cpu'][kind], result['records'])}")
    return "\n".join(lines)
