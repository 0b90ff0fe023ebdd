"""`sanpalang bench pipeline [--workers 1,2]`: the worker on a scratch broker, next to the broker's
own limits measured in the same run; with `--workers`, the same load for each count of worker
processes (each on a fresh hub, `bench.pipeline_run`), their rates side by side.

- hub throughput: simulator feeds (distinct record ids per seed) published to the intake topics as
  fast as the broker takes them, timed until every event is correlated and its views committed in
  SQL; raw limit: a plain aiokafka consume-and-produce loop over the same intake messages.
- where the CPU went during that window: each broker node, each worker and its children (the
  views), this bench, other work on the machine and its idle share; from it, what the machine's
  cores allow at this CPU per event: the figure that says whether more workers can help here.
- latency at a fixed offered rate: one more feed paced at `--rate` events/s; for each alert on
  `alerts.v1` (read_committed), receive time minus the produce time of the event that caused it
  (the worker's trigger header); raw limit: the broker's produce-to-consume round trip at the same
  rate.
- memory: the worker's resident memory after the load, above its idle baseline, per open case,
  stated per 100,000 open cases (extrapolated linearly from this run's cases).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

__all__ = ["add_arguments", "run", "run_pipeline_bench", "report", "worker_counts", "simulator_feed", "rss_mb",
           "open_cases_in_views"]

GOAL_SCALING = 1.5
"""Issue 17: two workers at least x1.5 the events/s of one, in the same run."""


def worker_counts(text: str) -> list[int]:
    """`--workers`: a comma list of positive worker counts, e.g. "1,2"."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma list of worker counts: {text!r}") from None
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError(f"worker counts must be 1 or more: {text!r}")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=6, help="simulator feeds in the throughput load (default 6)")
    parser.add_argument("--rate", type=float, default=50.0, help="offered events/s for the latency run (default 50)")
    parser.add_argument("--workers", type=worker_counts, default=[1], metavar="N[,N...]",
                        help="worker processes, one run per count on a fresh hub (default 1; e.g. 1,2)")
    parser.add_argument("--stages", type=stage_layouts, default=["joined"], metavar="LAYOUT[,LAYOUT...]",
                        help="the workers' --stages, one for all counts or one per count (default joined; e.g. "
                             "joined,split with --workers 1,2: one joined worker against two split ones)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def stage_layouts(text: str) -> list[str]:
    layouts = [part.strip() for part in text.split(",")]
    if not layouts or any(layout not in ("joined", "split") for layout in layouts):
        raise argparse.ArgumentTypeError(f"stage layouts are joined or split: {text!r}")
    return layouts


def run(args: argparse.Namespace, settings) -> int:
    if len(args.stages) not in (1, len(args.workers)):
        raise SystemExit(f"--stages names {len(args.stages)} layouts for {len(args.workers)} worker counts")
    result = run_pipeline_bench(settings, args.seeds, args.rate, lambda line: print(line, file=sys.stderr, flush=True),
                                workers=args.workers, stages=args.stages)
    print(json.dumps(result) if args.json else report(result))
    return 0


def simulator_feed(seed: int) -> list:
    """The intake publications of simulator seed `seed` (no dead letters), record ids prefixed by
    the seed so that feeds of distinct seeds never share a record."""
    from bench.scoring import scenario_feed
    publications, _ = scenario_feed(seed, prefix=f"B{seed}-")
    return [p for p in publications if not p.dead_letter]


def rss_mb(pid: int) -> float:
    """Resident memory of the running process `pid`, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


def run_pipeline_bench(settings, seeds: int, rate: float, emit: Callable[[str], None],
                       workers: Sequence[int] = (1,), stages: Sequence[str] = ("joined",)) -> dict[str, Any]:
    from bench.pipeline_run import measure_count

    emit(f"generating {seeds} simulator feeds for the load, one more for the latency run")
    load = [p for seed in range(100, 100 + seeds) for p in simulator_feed(seed)]
    paced = simulator_feed(99)
    loadavg_before = os.getloadavg()
    layouts = list(stages) * len(workers) if len(stages) == 1 else list(stages)
    runs = [measure_count(settings, count, load, paced, rate, emit, stages=layout)
            for count, layout in zip(workers, layouts)]
    first = runs[0]["hub_events_per_s"]
    for r in runs:
        r["ratio_to_first"] = round(r["hub_events_per_s"] / first, 2) if first else None
    return {"seeds": seeds, "offered_rate": rate, "workers": list(workers), "cores": os.cpu_count(),
            "loadavg_before": [round(v, 2) for v in loadavg_before],
            "loadavg_after": [round(v, 2) for v in os.getloadavg()], "runs": runs}


def report(result: dict[str, Any]) -> str:
    runs = result["runs"]
    lines = [f"load average {_load(result['loadavg_before'])} before, {_load(result['loadavg_after'])} after, "
             f"{result['cores']} cores"]
    for r in runs:
        lines += [f"{r['workers']} worker(s), stages {r['stages']}:"] + ["  " + line
                                                                        for line in _count_lines(r, runs[0], result)]
    if len(runs) > 1:
        lines.append("throughput side by side: " + "; ".join(
            f"{r['workers']} worker(s) {r['stages']} {r['hub_events_per_s']:,.0f} events/s (x{r['ratio_to_first']:.2f}, raw loop "
            f"{r['raw_loop_per_s']:,.0f}/s)" for r in runs))
        if runs[0]["workers"] == 1 and any(r["workers"] == 2 for r in runs):
            two = next(r for r in runs if r["workers"] == 2)
            lines.append(f"2 workers x{two['ratio_to_first']:.2f} of 1 in the same run (goal >= x{GOAL_SCALING:g})")
    return "\n".join(lines)


def _count_lines(r: dict[str, Any], first: dict[str, Any], result: dict[str, Any]) -> list[str]:
    from bench.intake_cpu import describe
    from bench.pipeline_run import ONE_CORE
    cpu, timed = r["cpu"], r["timed_events"]
    return [
        f"throughput: hub {r['hub_events_per_s']:,.0f} events/s intake -> SQL views (x{r['ratio_to_first']:.2f} of "
        f"{first['workers']} worker(s)); raw consume-and-produce loop {r['raw_loop_per_s']:,.0f}/s; ratio "
        f"{r['throughput_ratio']:.3f} (goal >= 0.25)",
        describe(cpu, timed, ONE_CORE, unit="event"),
        _cores_line(r, first),
        f"latency at {result['offered_rate']:g} events/s: event -> alert p50 {r['alert_latency_p50_ms']} ms, "
        f"p99 {r['alert_latency_p99_ms']} ms ({r['alerts_timed']} alert messages); broker round trip p50 "
        f"{r['round_trip_p50_ms']} ms, p99 {r['round_trip_p99_ms']} ms; p99 ratio {r['latency_ratio_p99']} "
        f"(goal <= 20)",
        f"memory: worker {r['worker_rss_mb']} MB resident ({r['worker_idle_rss_mb']} MB idle) with "
        f"{r['open_cases']} open cases: about {r['mb_per_100k_open_cases']} MB per 100,000 open cases (linear "
        f"extrapolation)",
    ]


def _cores_line(r: dict[str, Any], first: dict[str, Any]) -> str:
    """Cores each kind of process held during the window, and what the machine's cores allow at
    this CPU per event next to what x1.5 of the first count needs."""
    cpu, wall = r["cpu"], r["cpu"]["wall_s"]
    if wall <= 0 or any(v is None for v in cpu["cpu_s"].values()):
        return "cores: not measured (a process ended within the window, or no /proc)"
    held: dict[str, float] = {}
    for name, seconds in cpu["cpu_s"].items():
        kind = name.split()[0]
        held[kind] = held.get(kind, 0.0) + seconds / wall
    if cpu.get("others_s") is not None:
        held["others"] = cpu["others_s"] / wall
    line = "cores held: " + ", ".join(f"{kind} {cores:.2f}" for kind, cores in held.items())
    line += f" of {cpu['cores']}"
    allowed = r["cores_allow_per_s"]
    if allowed is not None:
        needs = GOAL_SCALING * first["hub_events_per_s"]
        line += (f"; at this CPU per event the {cpu['cores']} cores allow at most {allowed:,.0f} events/s "
                 f"(x{allowed / first['hub_events_per_s']:.2f} of {first['workers']} worker(s); "
                 f"x{GOAL_SCALING:g} needs {needs:,.0f})")
    return line


def _load(values: Sequence[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)
