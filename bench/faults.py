"""``sanpalang bench faults``: nothing lost, nothing doubled, under the faults an operator will meet.

Each fault runs on a scratch broker of its own, against the real processes (``sanpalang connect``,
``sanpalang worker``): SIGKILL of each process kind at random instants (``bench.faults_kill``), a
broker outage under HTTP load and a killed leader on a 3-node cluster (``bench.faults_broker``),
the whole hub (four connectors of two processes each, two workers) on a 3-node cluster whose
intake leader is killed mid-run (``bench.faults_cluster``),
fuzzed HTTP bodies and dropped files (``bench.faults_fuzz``). Per fault it prints trials, records,
lost, doubled and unaccounted (``bench.faults_count``); the limit for the last three is 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench.faults_count import Tally
from runtime.settings import Settings

__all__ = ["add_arguments", "run", "run_faults_bench", "report"]

FAULTS = ("file", "sql", "http", "worker", "outage", "leader", "cluster", "bodies", "files")
CLUSTERED = ("leader", "cluster")      # on a 3-node cluster


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=20, help="kills per process kind (default 20)")
    parser.add_argument("--bodies", type=int, default=20_000, help="fuzzed HTTP bodies (default 20,000)")
    parser.add_argument("--files", type=int, default=200, help="fuzzed dropped files (default 200)")
    parser.add_argument("--cluster-records", type=int, default=2000,
                        help="records per source of the cluster run (default 2,000)")
    parser.add_argument("--only", default=",".join(FAULTS), help=f"comma-separated subset of {','.join(FAULTS)}")
    parser.add_argument("--seed", type=int, default=1, help="random instants and fuzz (default 1)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings: Settings) -> int:
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(FAULTS))
    if unknown:
        raise SystemExit(f"unknown fault(s) {', '.join(unknown)}; choose from {', '.join(FAULTS)}")
    result = run_faults_bench(settings, only, args.trials, args.bodies, args.files, args.seed,
                              lambda line: print(line, file=sys.stderr, flush=True), args.cluster_records)
    print(json.dumps(result) if args.json else report(result))
    return 0


def run_faults_bench(settings: Settings, only: list[str], trials: int, bodies: int, files: int, seed: int,
                     emit: Callable[[str], None], cluster_records: int = 2000) -> dict:
    from bench import faults_broker, faults_cluster, faults_fuzz, faults_kill
    from bench.hub_run import scratch_hub

    rng = random.Random(seed)
    run_id = f"F{seed}{int(time.time()) % 100000}"
    plan: dict[str, Callable[..., Tally]] = {
        "file": lambda hub, work: faults_kill.kill_file_connector(hub, work, trials, rng, run_id, emit),
        "sql": lambda hub, work: faults_kill.kill_sql_connector(hub, work, trials, rng, run_id, emit),
        "http": lambda hub, work: faults_kill.kill_http_connector(hub, work, trials, rng, run_id, emit),
        "worker": lambda hub, work: faults_kill.kill_worker(hub, work, trials, rng, emit),
        "outage": lambda hub, work: faults_broker.broker_outage(hub, work, run_id, emit),
        "leader": lambda hub, work: faults_broker.leader_killed(hub, work, 2, rng, run_id, emit),
        "cluster": lambda hub, work: faults_cluster.cluster_killed(hub, work, run_id, emit, cluster_records),
        "bodies": lambda hub, work: faults_fuzz.fuzz_bodies(hub, work, bodies, rng, run_id, emit),
        "files": lambda hub, work: faults_fuzz.fuzz_files(hub, work, files, rng, run_id, emit),
    }
    tallies = []
    for name in (n for n in FAULTS if n in only):
        emit(f"fault {name}")
        started = time.monotonic()
        with scratch_hub(settings.cache, nodes=3 if name in CLUSTERED else 1) as hub, \
                tempfile.TemporaryDirectory(prefix=f"sanpalang-faults-{name}-") as work:
            tally = plan[name](hub, Path(work))
        tallies.append({**tally.as_dict(), "seconds": round(time.monotonic() - started, 1)})
        emit(f"  {report({'faults': tallies[-1:]})}")
    clean = all(t["lost"] == t["doubled"] == t["unaccounted"] == 0 for t in tallies)
    return {"seed": seed, "faults": tallies, "clean": clean}


def report(result: dict) -> str:
    lines = [f"{t['fault']}: {t['trials']} trials, {t['records']:,} records: lost {t['lost']}, doubled "
             f"{t['doubled']}, unaccounted {t['unaccounted']} (limit 0 each)" + (f"; {t['note']}" if t["note"] else "")
             for t in result["faults"]]
    if "clean" in result:
        lines.append("all faults clean" if result["clean"] else "NOT CLEAN: see the figures above")
    return "\n".join(lines)
