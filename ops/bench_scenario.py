"""`sanpalang bench scenario`: the simulator's fixed-seed scenario through a real broker and
`sanpalang worker`, scored against the truth file: alert precision and recall, and pairwise scores
of persons and cases. Quality figures, not speed: they measure the matcher, the fold and the rules
together, as an operator would meet them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["add_arguments", "run", "run_scenario_bench", "report"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="simulator seed (default 7, the tests' scenario)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings) -> int:
    result = run_scenario_bench(settings, args.seed, lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result) if args.json else report(result))
    return 0


def run_scenario_bench(settings, seed: int, emit: Callable[[str], None]) -> dict[str, Any]:
    from ops.hub_run import WorkerProcess, latest, publish, read_topic, scratch_hub, settled, wait_until
    from ops.scenario import scenario_feed, score_alerts, score_cases, score_persons
    from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC

    publications, truth = scenario_feed(seed)
    with scratch_hub(settings.cache, emit) as hub, tempfile.TemporaryDirectory() as logs:
        emit(f"scenario seed {seed}: {len(publications)} records; worker log in {logs}")
        worker = WorkerProcess(hub, Path(logs) / "worker.log")
        try:
            began = time.perf_counter()
            sent = publish(hub.connection, publications)
            wait_until(lambda: settled(hub.connection, sent), timeout=600, what="the worker to settle", poll=0.5)
            elapsed = time.perf_counter() - began
        finally:
            worker.stop()
        messages = read_topic(hub.connection)
    alerts, links = latest(messages, ALERTS_TOPIC).values(), latest(messages, LINKS_TOPIC).values()
    result = score_alerts(truth, alerts, links)
    result.update(seed=seed, events=sent, seconds_to_settle=round(elapsed, 1),
                  persons=score_persons(truth, links), cases=score_cases(truth, latest(messages, CASES_TOPIC).values()))
    return result


def report(r: dict[str, Any]) -> str:
    p, c = r["persons"], r["cases"]
    return "\n".join([
        f"scenario seed {r['seed']}: {r['events']} intake events, settled in {r['seconds_to_settle']} s",
        f"alerts:  precision {r['alert_precision']:.3f}  recall {r['alert_recall']:.3f}  "
        f"({r['alerts_matched']} of {r['alerts_expected']} expected raised; {r['alerts_raised']} raised)",
        f"persons: precision {p['precision']:.3f}  recall {p['recall']:.3f}  F1 {p['f1']:.3f}  "
        f"({p['source_persons']} source persons)",
        f"cases:   precision {c['precision']:.3f}  recall {c['recall']:.3f}  F1 {c['f1']:.3f}  "
        f"({c['events']} of {c['true_case_events']} case events in a hub case)",
        f"missed:  {r['missed']}",
    ])
