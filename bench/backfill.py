"""`sanpalang bench backfill --events N`: N simulated events replayed from intake to the SQL views,
with the worker's resident memory *measured* while its open cases grow (issue 17).

The load: simulator feeds of distinct seeds (`bench.pipeline.simulator_feed`: distinct record ids
per seed), as many as N events take (the last one cut), all over the same 60 days from the
scenario's start. No case closes by time in a run: the fold forgets a case only after two idle
years (`FoldConfig.idle_retention`), so the open cases are those the stories leave open. The feeds
are generated in a process pool and published to the intake topics as fast as the broker takes
them *before* the worker starts; then `sanpalang worker --clock event --order-days 0` (and its SQL
views child) replays the intake, timed from its start (a few seconds of it are the worker
starting) until every event is correlated and its views are committed in SQL (`hub_run.settled`).

Memory: the worker's main process (the correlator and its state; not the views child, whose peak
is given apart, nor the short-lived snapshot forks) is sampled every `--sample-seconds` together
with the open cases and the events correlated. The open cases are counted in the SQL views' `cases`
table (neither merged nor Closed, `bench.pipeline.open_cases_in_views`), what the console shows; it
trails the correlator by the views child's batch. Events correlated: the worker's
`sanpalang_worker_events_total`.
The worker's CPU seconds are read with each sample: on a machine shared with other work the rate
moves with their load, the CPU per event much less, so both are reported.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "run_backfill_bench", "report", "simulated_events", "WorkerSampler"]

FIRST_SEED = 100
OPEN_CASES_MARK = 100_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=100_000, help="simulated events to replay (default 100,000)")
    parser.add_argument("--open-cases", type=int, default=OPEN_CASES_MARK, metavar="N",
                        help="report the worker's memory when its open cases first reach N (default 100,000)")
    parser.add_argument("--generators", type=int, default=2, help="processes generating the feeds (default 2)")
    parser.add_argument("--sample-seconds", type=float, default=1.0, help="memory sampling period (default 1)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings) -> int:
    if args.events < 1:
        raise SystemExit("--events must be at least 1")
    result = run_backfill_bench(settings, args.events, lambda line: print(line, file=sys.stderr, flush=True),
                                mark=args.open_cases, generators=args.generators, period=args.sample_seconds)
    print(json.dumps(result) if args.json else report(result))
    return 0


def simulated_events(count: int, generators: int = 2, progress: Callable[[int], None] = lambda _: None
                     ) -> Iterator[Any]:
    """The first `count` intake publications of the feeds of seeds FIRST_SEED, FIRST_SEED + 1, ...,
    generated `generators` feeds at a time, a few ahead, in seed order; `progress(events so far)`
    after each feed."""
    from bench.pipeline import simulator_feed
    seeds = itertools.count(FIRST_SEED)
    # spawn: the caller's producer thread already runs, and a fork would copy its locks
    with ProcessPoolExecutor(generators, mp_context=multiprocessing.get_context("spawn")) as pool:
        ahead = deque(pool.submit(simulator_feed, next(seeds)) for _ in range(2 * generators))
        left = count
        try:
            while left > 0:
                publications = ahead.popleft().result()[:left]
                ahead.append(pool.submit(simulator_feed, next(seeds)))
                left -= len(publications)
                yield from publications
                progress(count - left)
        finally:
            pool.shutdown(cancel_futures=True)


def _events_correlated(url: str) -> float:
    """The worker's correlated-event counter on its /metrics, summed over the agencies."""
    from prometheus_client.parser import text_string_to_metric_families
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "sanpalang_worker_events_total")


def _cpu_s(pid: int) -> float:
    """CPU seconds (user and system) process `pid` has spent: on a shared machine its rate moves
    with the others' load, its CPU per event much less."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _views_child_rss_mb(pid: int) -> float | None:
    """Resident memory of the worker's views child (a multiprocessing spawn), if it runs."""
    from bench.pipeline import rss_mb
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for child in children:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                return rss_mb(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


@dataclass
class WorkerSampler:
    """Samples, every `period` s from a thread, the worker's resident memory, the events it has
    correlated and the open cases in the views; keeps one sample in `every` for the timeline."""

    pid: int
    metrics_url: str
    database_url: str
    emit: Callable[[str], None] = lambda _: None     # each timeline point, as it is taken
    mark: int = OPEN_CASES_MARK
    period: float = 1.0
    began: float = field(default_factory=time.perf_counter)
    peak_mb: float = 0.0
    views_peak_mb: float = 0.0
    first_mb: float | None = None                   # the first sample with /metrics answering
    at_mark: dict[str, float] | None = None         # the first sample with open cases >= mark
    samples: int = 0
    last: dict[str, float] = field(default_factory=dict)
    timeline: list[tuple[float, int, int, float]] = field(default_factory=list)   # s, events, open cases, MB
    every: int = 30

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backfill-sampler", daemon=True)

    def __enter__(self) -> "WorkerSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def sample(self, keep: bool = False) -> None:
        """One sample; `keep`: on the timeline whatever its turn (the settled state)."""
        from sqlalchemy.exc import SQLAlchemyError

        from bench.pipeline import open_cases_in_views, rss_mb
        try:
            events = _events_correlated(self.metrics_url)
            rss, cpu = rss_mb(self.pid), _cpu_s(self.pid)
            open_cases = open_cases_in_views(self.database_url)
        except (OSError, ValueError, SQLAlchemyError):   # not serving yet, no views yet, or gone
            return
        views = _views_child_rss_mb(self.pid)
        seconds = time.perf_counter() - self.began
        self.peak_mb = max(self.peak_mb, rss)
        self.views_peak_mb = max(self.views_peak_mb, views or 0.0)
        self.first_mb = rss if self.first_mb is None else self.first_mb
        self.last = {"events": events, "open_cases": open_cases, "rss_mb": rss, "cpu_s": cpu}
        if keep or self.samples % self.every == 0:
            self.timeline.append((round(seconds, 1), int(events), open_cases, round(rss, 1)))
            self.emit(f"{seconds:,.0f} s: {int(events):,} events correlated, {open_cases:,} open cases, "
                      f"worker {rss:,.0f} MB")
        self.samples += 1
        if self.at_mark is None and open_cases >= self.mark:
            self.at_mark = {**self.last, "seconds": seconds}

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.sample()


def _every(step: int, emit: Callable[[str], None], began: float) -> Callable[[int], None]:
    """A progress callback that says how many events are out each time another `step` are."""
    said = [0]

    def progress(done: int) -> None:
        if done // step > said[0]:
            said[0] = done // step
            emit(f"{time.perf_counter() - began:,.0f} s: {done:,} events generated and sent")
    return progress


def run_backfill_bench(settings, events: int, emit: Callable[[str], None], *, mark: int = OPEN_CASES_MARK,
                       generators: int = 2, period: float = 1.0) -> dict[str, Any]:
    from bench.hub_run import WorkerProcess, publish, scratch_hub, settled, wait_until

    with scratch_hub(settings.cache, emit) as hub, tempfile.TemporaryDirectory() as logs:
        connection = hub.connection
        emit(f"generating and publishing {events:,} simulated events to intake")
        began = time.perf_counter()
        sent = publish(connection, simulated_events(events, generators, _every(50_000, emit, began)))
        publish_s = time.perf_counter() - began
        emit(f"published {sent:,} events in {publish_s:.0f} s; replaying them through the worker")
        worker = WorkerProcess(hub, Path(logs) / "worker.log", "--order-days", "0")
        began = time.perf_counter()
        try:
            with WorkerSampler(worker.pid, worker.metrics_url, hub.database_url, emit, mark, period) as sampler:
                wait_until(lambda: settled(connection, sent, flushed=False), timeout=max(900.0, sent / 20),
                           what="the backfill to settle", poll=1.0)
                wall = time.perf_counter() - began
                sampler.sample(keep=True)          # the settled state, counted
        finally:
            worker.stop()
    rate, cpu = sent / wall, sampler.last.get("cpu_s", 0.0)
    return {
        "events": sent, "events_correlated": int(sampler.last.get("events", 0)),
        "generate_and_publish_s": round(publish_s, 1), "wall_s": round(wall, 1), "events_per_s": round(rate, 1),
        "hours_per_10m_events": round(10_000_000 / rate / 3600, 1),
        "worker_cpu_s": round(cpu, 1), "worker_cpu_ms_per_event": round(1000 * cpu / sent, 3),
        "open_cases": int(sampler.last.get("open_cases", 0)),
        "worker_first_rss_mb": round(sampler.first_mb or 0.0, 1), "worker_peak_rss_mb": round(sampler.peak_mb, 1),
        "worker_final_rss_mb": round(sampler.last.get("rss_mb", 0.0), 1),
        "views_child_peak_rss_mb": round(sampler.views_peak_mb, 1), "samples": sampler.samples,
        "open_cases_mark": mark,
        "at_mark": None if sampler.at_mark is None else {
            "rss_mb": round(sampler.at_mark["rss_mb"], 1), "open_cases": int(sampler.at_mark["open_cases"]),
            "events_correlated": int(sampler.at_mark["events"]), "seconds": round(sampler.at_mark["seconds"], 1)},
        "timeline": sampler.timeline,
    }


def report(r: dict[str, Any]) -> str:
    mark = r["at_mark"]
    at_mark = (f"at {mark['open_cases']:,} open cases (first reached after {mark['events_correlated']:,} events, "
               f"{mark['seconds']:,.0f} s): {mark['rss_mb']:,.0f} MB resident" if mark else
               f"{r['open_cases_mark']:,} open cases never reached")
    return "\n".join([
        f"backfill: {r['events']:,} events replayed from intake to SQL views ({r['events_correlated']:,} correlated) "
        f"in {r['wall_s']:,.1f} s from the worker's start: {r['events_per_s']:,.0f} events/s, "
        f"{r['hours_per_10m_events']:,.1f} hours per 10 million events (from this rate)",
        f"worker CPU {r['worker_cpu_s']:,.0f} s, {r['worker_cpu_ms_per_event']:.3f} ms an event (its main process; "
        f"{r['worker_cpu_ms_per_event'] * 1e4 / 3600:,.1f} hours per 10 million events on one whole core); "
        f"generating and publishing the events first took {r['generate_and_publish_s']:,.0f} s",
        f"open cases at the end (SQL views): {r['open_cases']:,}",
        f"worker memory (measured, {r['samples']} samples): {r['worker_first_rss_mb']:,.0f} MB at first, peak "
        f"{r['worker_peak_rss_mb']:,.0f} MB, {r['worker_final_rss_mb']:,.0f} MB at the end; {at_mark}; "
        f"views child peak {r['views_child_peak_rss_mb']:,.0f} MB",
        "timeline (s: events correlated, open cases, worker MB): "
        + "; ".join(f"{s:,.0f}: {e:,}, {c:,}, {m:,.0f}" for s, e, c, m in r["timeline"]),
    ])
