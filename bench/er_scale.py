"""`sanpalang bench er-scale`: matching speed and memory with 1,000,000 indexed persons.

Synthetic agency persons (`streams.matching.synthetic.agency_persons`: Thai script and ad-hoc
romanisations, swapped names, years or ages for dates, missing identifiers) are indexed one at a
time; then further records are timed at full size. Parameters are first estimated on a separate
sample drawn the same way, as a deployment would. Prints records/s against the goal (>= 1,000)
and peak RSS against the limit (3 GB), and the pairwise quality of the clusters.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["add_arguments", "run", "run_er_scale", "main", "LIMIT_RSS_MB", "GOAL_RECORDS_PER_S", "GOAL_PRECISION",
           "GOAL_RECALL"]

Emit = Callable[[str], None]
LIMIT_RSS_MB = 3072
GOAL_RECORDS_PER_S = 1000
GOAL_PRECISION, GOAL_RECALL = 0.99, 0.80  # issue 15: a 1% false-link rate among a million is ten thousand people


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=1_000_000, help="person records to index (default 1,000,000)")
    parser.add_argument("--probe", type=int, default=10_000, help="records matched and timed at full size")
    parser.add_argument("--sample", type=int, default=50_000, help="records of the separate training sample")
    parser.add_argument("--repeat-share", type=float, default=0.3, help="share of records that are people seen before")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args: argparse.Namespace, settings: Any = None) -> int:
    run_er_scale(args.records, args.probe, repeat_share=args.repeat_share, sample=args.sample, seed=args.seed,
                 as_json=args.json)
    return 0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_er_scale(records: int = 1_000_000, probe: int = 10_000, *, repeat_share: float = 0.3,
                 sample: int = 50_000, seed: int = 0, as_json: bool = False, emit: Emit = print) -> dict[str, Any]:
    """Index `records` synthetic agency persons (a `repeat_share` of them people seen before),
    then time `probe` further records at full size. Parameters are estimated first on a
    separate `sample` drawn the same way (same share of repeats), as a deployment would."""
    from itertools import islice

    from streams.matching import Matcher, estimate_parameters, pairwise_scores
    from streams.matching.persons import person_record, persons_spec
    from streams.matching.synthetic import agency_persons

    spec = persons_spec()
    people = int(records * (1 - repeat_share))
    feed = agency_persons(people, records + probe, seed=seed)
    training = [person_record(p, occurred_at=o)
                for _, p, o in agency_persons(int(sample * (1 - repeat_share)), sample, seed=seed + 1)]
    started = time.perf_counter()
    params = estimate_parameters(spec, training, seed=seed)
    del training
    trained = time.perf_counter()
    matcher = Matcher(spec, params)
    truth: list[int] = []
    for number, person, occurred in islice(feed, records):
        matcher.add(person_record(person, occurred_at=occurred))
        truth.append(number)
    indexed = time.perf_counter()
    probes = [(n, person_record(p, occurred_at=o)) for n, p, o in feed]
    probe_started = time.perf_counter()
    for number, record in probes:
        matcher.add(record)
        truth.append(number)
    probe_done = time.perf_counter()
    scores = pairwise_scores(matcher.cluster_roots(), truth)
    result = {
        "records_indexed": records, "persons": people, "probe_records": len(probes),
        "training_s": round(trained - started, 2), "index_records_per_s": round(records / (indexed - trained), 1),
        "match_records_per_s_at_full_size": round(len(probes) / (probe_done - probe_started), 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1), "limit_rss_mb": LIMIT_RSS_MB, "goal_records_per_s": GOAL_RECORDS_PER_S,
        "precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
        "goal_precision": GOAL_PRECISION, "goal_recall": GOAL_RECALL,
    }
    if as_json:
        emit(json.dumps(result, sort_keys=True))
        return result
    rate = result["match_records_per_s_at_full_size"]
    emit(f"er-scale: {records:,} synthetic person records ({people:,} people) indexed at "
         f"{result['index_records_per_s']:,.0f} records/s (training {result['training_s']} s on {sample:,} records)")
    rss = result["peak_rss_mb"]
    emit(f"matching at full size: {rate:,.0f} records/s "
         f"(goal >= {GOAL_RECORDS_PER_S:,}: x{rate / GOAL_RECORDS_PER_S:.2f})")
    emit(f"peak RSS: {rss:,.0f} MB (limit {LIMIT_RSS_MB:,} MB: x{rss / LIMIT_RSS_MB:.2f}); "
         f"pairwise P {result['precision']} (goal >= {GOAL_PRECISION}) R {result['recall']} (goal >= {GOAL_RECALL}) "
         f"F1 {result['f1']}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.er_scale", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
