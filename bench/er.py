"""`sanpalang bench er`: entity-resolution quality and speed, next to Splink on the same input.

Our side estimates its parameters on the records (counted in its time), then feeds them to the
incremental matcher one at a time, as the stream does. With `--vs splink`, Splink 5 (DuckDB)
runs on the same input with the same fields (`bench/er_splink.py`). Each side runs in its own
subprocess, so its peak RSS is its own. Quality is pairwise precision / recall / F1 of the
clusters against the truth (a column, or a regex over the id whose first group is the truth).

    sanpalang bench er --records A.csv [--records B.csv] --spec S.toml --id-col COL \\
        (--truth-col COL | --truth-regex RE) [--vs splink] [--json]
    sanpalang bench er --simulator 7 [--vs splink]     # the simulator's persons (bench/er_simulator.py)
    sanpalang bench er --write-febrl4 DIR              # FEBRL4 A/B as CSV with their spec

Module top level imports nothing heavy: the matcher, pandas and Splink load in the subprocess.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "run_er_bench", "main"]

Emit = Callable[[str], None]
FIGURES = ("precision", "recall", "f1", "records_per_s", "peak_rss_mb")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", action="append", default=[], metavar="CSV",
                        help="a CSV file of records (give two to link A to B, one to deduplicate)")
    parser.add_argument("--spec", metavar="TOML", help="the comparison spec of the columns")
    parser.add_argument("--id-col", metavar="COL", help="the column with each record's id")
    truth = parser.add_mutually_exclusive_group()
    truth.add_argument("--truth-col", metavar="COL", help="the column naming each record's true entity")
    truth.add_argument("--truth-regex", metavar="RE", help="the true entity: first group of RE over the id")
    parser.add_argument("--vs", choices=["splink"], help="run Splink 5 (DuckDB) on the same input in the same run")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--seed", type=int, default=0, help="seed of the parameter estimation (both sides)")
    parser.add_argument("--simulator", type=int, metavar="SEED",
                        help="use the simulator's multi-agency persons of this seed (written to a temporary directory)")
    parser.add_argument("--write-febrl4", metavar="DIR", help="write FEBRL4 A/B CSVs and their spec to DIR, then stop")
    parser.add_argument("--worker", choices=["ours", "splink"], help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Any = None) -> int:
    """The command: check the arguments, run both sides, print the figures."""
    if args.write_febrl4:
        from bench.er_data import write_febrl4
        for path in write_febrl4(args.write_febrl4):
            print(path)
        return 0
    if args.simulator is not None:
        return _run_simulator(args)
    missing = [flag for flag, value in (("--records", args.records), ("--spec", args.spec), ("--id-col", args.id_col),
                                        ("--truth-col or --truth-regex", args.truth_col or args.truth_regex))
               if not value]
    if missing:
        print(f"sanpalang bench er: give {', '.join(missing)} (or --simulator SEED)", file=sys.stderr)
        return 2
    if args.worker:
        print(json.dumps(_ours(args) if args.worker == "ours" else _splink(args)))
        return 0
    run_er_bench(args.records, args.spec, args.id_col, truth_col=args.truth_col, truth_regex=args.truth_regex,
                 vs=args.vs, as_json=args.json, seed=args.seed)
    return 0


def _run_simulator(args: argparse.Namespace) -> int:
    from bench.er_simulator import write_simulator_persons

    with tempfile.TemporaryDirectory(prefix="sanpalang-er-") as directory:
        data, spec = write_simulator_persons(args.simulator, directory)
        run_er_bench([str(data)], str(spec), "id", truth_col="person", vs=args.vs, as_json=args.json, seed=args.seed)
    return 0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _figures(scores: Any, seconds: float, records: int) -> dict[str, float]:
    return {"precision": round(scores.precision, 5), "recall": round(scores.recall, 5), "f1": round(scores.f1, 5),
            "records_per_s": round(records / seconds, 1), "seconds": round(seconds, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1)}


def _ours(args: argparse.Namespace) -> dict[str, Any]:
    from bench.er_data import as_records, read_rows, truth_labels
    from streams.matching import Matcher, estimate_parameters, load_spec, pairwise_scores

    spec = load_spec(args.spec)
    rows = read_rows(args.records)
    spec.check_columns(rows[0][1])
    truth = truth_labels(rows, args.id_col, args.truth_col, args.truth_regex)
    records = as_records(spec, rows)
    started = time.perf_counter()
    params = estimate_parameters(spec, records, seed=args.seed)
    trained = time.perf_counter()
    matcher = Matcher(spec, params)
    for record in records:
        matcher.add(record)
    done = time.perf_counter()
    result = _figures(pairwise_scores(matcher.cluster_roots(), truth), done - started, len(records))
    result.update(training_s=round(trained - started, 3), version=params.version,
                  matching_records_per_s=round(len(records) / (done - trained), 1))
    return result


def _splink(args: argparse.Namespace) -> dict[str, Any]:
    from bench.er_data import read_rows, truth_labels
    from bench.er_splink import run_splink
    from streams.matching import load_spec, pairwise_scores

    spec = load_spec(args.spec)
    rows = read_rows(args.records)
    truth = truth_labels(rows, args.id_col, args.truth_col, args.truth_regex)
    labels, seconds = run_splink(spec, rows, len(args.records), seed=args.seed)
    return _figures(pairwise_scores(labels, truth), seconds, len(rows))


def _run_worker(which: str, records: Sequence[str], spec: str, id_col: str, truth_col: str | None,
                truth_regex: str | None, seed: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.er", "--worker", which, "--spec", spec, "--id-col", id_col,
               "--seed", str(seed)]
    for path in records:
        command += ["--records", path]
    command += ["--truth-col", truth_col] if truth_col else ["--truth-regex", truth_regex or ""]
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
    result: dict[str, Any] = {"ours": _run_worker("ours", records, spec, id_col, truth_col, truth_regex, seed)}
    if vs:
        result[vs] = _run_worker(vs, records, spec, id_col, truth_col, truth_regex, seed)
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


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.er ...`: the same arguments as the command (and the subprocess entry)."""
    parser = argparse.ArgumentParser(prog="python -m bench.er", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
