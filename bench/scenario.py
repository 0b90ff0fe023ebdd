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

__all__ = ["add_arguments", "run", "run_scenario_bench", "report", "report_many", "combine", "seed_list"]


def seed_list(text: str) -> list[int]:
    """``"1-30"``, ``"7,21,42"``, ``"1-5,42"`` -> the seeds, in order, each once."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise argparse.ArgumentTypeError(f"not a seed list: {text!r} (use e.g. 1-30 or 7,21,42)")
        seeds += range(int(low), int(high or low) + 1)
    return list(dict.fromkeys(seeds))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="simulator seed (default 7, the tests' scenario)")
    parser.add_argument("--seeds", type=seed_list, default=None, metavar="LIST",
                        help="several seeds (1-30, 7,21,42): each seed's figures per rule, and the totals")
    parser.add_argument("--pure", action="store_true",
                        help="feed the pure correlator directly (the lane the worker records with --clock event), "
                             "no broker: fast, for many seeds; the default runs the real broker and worker")
    parser.add_argument("--true-identities", action="store_true",
                        help="the rules alone: every event with the truth's person ids (a perfect matcher), in "
                             "event-time order through the fold and the rules, no matcher: the rules' own errors")
    parser.add_argument("--without-lifecycle", dest="lifecycle", action="store_false",
                        help="the tests' fixed scenario: the simulator without the lifecycle stories (custody "
                             "hand-overs, transfers, absconding, charged victims, overdue vessels)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings) -> int:
    emit = lambda line: print(line, file=sys.stderr, flush=True)   # noqa: E731
    if args.seeds is None:
        result = _one(settings, args.seed, args, emit)
        print(json.dumps(result) if args.json else report(result))
        return 0
    results = [_one(settings, seed, args, emit) for seed in args.seeds]
    combined = combine(results)
    print(json.dumps(combined) if args.json else report_many(combined))
    return 0


def _one(settings, seed: int, args: argparse.Namespace, emit: Callable[[str], None]) -> dict[str, Any]:
    if args.true_identities:
        from bench.scoring import run_true_identities
        emit(f"scenario seed {seed}: the rules with the true identities")
        return run_true_identities(seed, lifecycle=args.lifecycle)
    if args.pure:
        from bench.scoring import run_pure
        emit(f"scenario seed {seed}: pure correlator")
        return run_pure(seed, lifecycle=args.lifecycle)
    return run_scenario_bench(settings, seed, emit, lifecycle=args.lifecycle)


_COUNTS = ("expected", "raised", "matched", "missed", "extra")


def combine(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per seed and per rule: expected, raised, matched, missed, extra; and the totals over seeds,
    with the misses and extras the matcher caused (a person not joined, or joined with another)."""
    per_rule: dict[str, dict[str, int]] = {}
    for r in results:
        for rule, counts in r["per_rule"].items():
            total = per_rule.setdefault(rule, dict.fromkeys(_COUNTS, 0))
            for k in _COUNTS:
                total[k] += counts[k]
    totals = {k: sum(c[k] for c in per_rule.values()) for k in _COUNTS}
    causes = [a["cause"] for r in results for a in r["attribution"]]
    totals.update(precision=totals["matched"] / totals["raised"] if totals["raised"] else 1.0,
                  recall=totals["matched"] / totals["expected"] if totals["expected"] else 1.0,
                  by_matcher=causes.count("matcher"), by_rules=causes.count("rules"),
                  seeds_exact=sum(1 for r in results if not r["missed"] and not r["unexpected"]),
                  optional_declared=sum(r["optional"]["declared"] for r in results),
                  optional_raised=sum(r["optional"]["raised"] for r in results))
    seeds = [{"seed": r["seed"], "alert_precision": r["alert_precision"], "alert_recall": r["alert_recall"],
              "per_rule": r["per_rule"], "attribution": r["attribution"],
              **{k: r[k] for k in ("persons", "cases", "seconds_to_settle") if k in r}} for r in results]
    return {"seeds": seeds, "per_rule": dict(sorted(per_rule.items(), key=lambda kv: int(kv[0]))), "totals": totals}


def report_many(c: dict[str, Any]) -> str:
    lines = ["seed  precision  recall  missed / extra (cause)"]
    for r in c["seeds"]:
        wrong = ", ".join(f"{a['kind']} r{a['rule']} {a['subject']} ({a['cause']})" for a in r["attribution"]) or "-"
        lines.append(f"{r['seed']:>4}  {r['alert_precision']:9.3f}  {r['alert_recall']:6.3f}  {wrong}")
    lines.append("rule  expected  raised  matched  missed  extra")
    for rule, k in c["per_rule"].items():
        lines.append(f"{rule:>4}  {k['expected']:8}  {k['raised']:6}  {k['matched']:7}  {k['missed']:6}  {k['extra']:5}")
    t = c["totals"]
    lines.extend([f"total {t['expected']:8}  {t['raised']:6}  {t['matched']:7}  {t['missed']:6}  {t['extra']:5}   "
                 f"precision {t['precision']:.3f}  recall {t['recall']:.3f}  exact seeds {t['seeds_exact']} of "
                 f"{len(c['seeds'])}  (misses+extras: {t['by_matcher']} the matcher's, {t['by_rules']} the rules')",
                 f"optional alerts (records that do not tell the person apart): {t['optional_raised']} of "
                 f"{t['optional_declared']} raised, counted neither way"])
    return "\n".join(lines)


def run_scenario_bench(settings, seed: int, emit: Callable[[str], None], *, lifecycle: bool = True) -> dict[str, Any]:
    from bench.hub_run import WorkerProcess, latest, publish, read_topic, scratch_hub, settled, wait_until
    from bench.scoring import scenario_feed, score_alerts, score_cases, score_persons
    from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC

    publications, truth = scenario_feed(seed, lifecycle=lifecycle)
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
    p, c = r.get("persons"), r.get("cases")
    return "\n".join([
        f"scenario seed {r['seed']}: {r['events']} intake events"
        + (f", settled in {r['seconds_to_settle']} s" if "seconds_to_settle" in r else f" ({r['mode']})"),
        f"alerts:  precision {r['alert_precision']:.3f}  recall {r['alert_recall']:.3f}  "
        f"({r['alerts_matched']} of {r['alerts_expected']} expected raised; {r['alerts_raised']} raised; "
        f"optional: {r['optional']['raised']} of {r['optional']['declared']} raised)",
        *([f"persons: precision {p['precision']:.3f}  recall {p['recall']:.3f}  F1 {p['f1']:.3f}  "
           f"({p['source_persons']} source persons)"] if p else []),
        *([f"cases:   precision {c['precision']:.3f}  recall {c['recall']:.3f}  F1 {c['f1']:.3f}  "
           f"({c['events']} of {c['true_case_events']} case events in a hub case)"] if c else []),
        f"missed:  {r['missed']}",
        f"extra:   {r['unexpected']}",
        *(f"  {a['kind']} rule {a['rule']} {a['subject']}: {a['cause']} ({a['why']})" for a in r.get("attribution", ())),
    ])
