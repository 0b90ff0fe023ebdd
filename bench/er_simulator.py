"""The simulator's multi-agency persons as an entity-resolution data set (for `bench er`).

`simulator_persons(seed)` runs the pure pieces of the real pipeline: `generate(seed)` gives the
agencies' native records and the truth; each record is delivered on paper (HTTP bodies, export
files, table rows, cut by `simulator.batches.plan`), read by the same code the sources
use, and mapped by the agency's mapping. Every person of every mapped event then becomes the
matcher record the worker builds (`person_record(person, occurred_at=..., province=...)`), in stream order
(event time, then feed order), with the true person the truth file names for it.

`write_simulator_persons(seed, directory)` writes them as CSV with a `person` truth column and a
spec (`persons.toml` with `separator = "|"` on every column, since a cell holds several spellings
or identifiers), so the same rows can be given to Splink and to our matcher:
`sanpalang bench er --records persons.csv --spec persons.toml --id-col id --truth-col person`.
The CSV is lossless for our matcher: an age or an unknown-precision date becomes `~YYYY` (an
estimated year), a date known to the year `YYYY`, to the month `YYYY-MM`.

`estimate_persons_parameters(seeds)` estimates the persons parameters on the persons of several
simulator seeds (none of them the seed the quality test and the benchmark use):
`python -m bench.er_simulator --write-parameters streams/matching/persons.params.json`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

__all__ = ["SimulatedPerson", "simulator_persons", "write_simulator_persons", "csv_row", "estimate_persons_parameters",
           "SEPARATOR", "START_AT", "TRAINING_SEEDS"]

TRAINING_SEEDS = (101, 102, 103)  # the stored persons parameters; tests and benchmarks use other seeds
START_AT = datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=7)))
RECEIVED_AT = datetime(2025, 6, 1, tzinfo=timezone.utc)
SEPARATOR = "|"
_AGENCY = {"police-http": "police", "social-http": "social", "labour-file": "labour", "social-file": "social",
           "immigration-sql": "immigration"}


@dataclass(frozen=True)
class SimulatedPerson:
    """One event person in stream order: the matcher record, the true person, where it came from."""

    record: dict[str, Any]
    truth: str
    occurred_at: datetime
    event_id: str
    person_ref: str
    agency: str
    person: dict[str, Any]


def _sources(delivery):
    from connectors.sources.files import read_bytes
    from connectors.sources.http import split_body
    from connectors.sources.sqlpoll import row_record

    if delivery.channel.endswith("http"):
        return split_body(delivery.data, delivery.request_id, 1000)
    if delivery.channel == "immigration-sql":
        return [row_record(delivery.target, row, ["id"]) for row in delivery.natives]
    _, records = read_bytes(delivery.target, delivery.data)
    return [r.record for r in records] if isinstance(records, list) else []


def simulator_persons(seed: int, *, start_at: datetime = START_AT, batch: int = 40,
                      **options: Any) -> list[SimulatedPerson]:
    """Every person of every event the simulator's feed maps to, in stream order (see module doc).

    `options` go to `generate` (scenarios, persons, days...)."""
    from connectors.agencies import mapper_for
    from connectors.routing import route
    from simulator import generate
    from simulator.batches import plan
    from streams.events import EventPerson
    from streams.matching.persons import person_record

    feed = generate(seed, start_at=start_at, **options)
    truth = {r["ref"]: {p["ref"]: p["person"] for p in r["persons"]} for r in feed.truth["records"]}
    found = []
    for delivery in plan(feed.records, batch=batch):
        agency = _AGENCY[delivery.channel]
        for ref, source in zip(delivery.refs, _sources(delivery)):
            if any(p.dead_letter for p in route(agency, source, mapper_for(agency), RECEIVED_AT)):
                continue
            for event in mapper_for(agency)(source.fields, source.origin):
                envelope = event.record["envelope"]
                for person in envelope["persons"]:
                    true_id = truth[ref].get(person["person_ref"])
                    if true_id is None:
                        continue
                    record = person_record(EventPerson.of(person), occurred_at=envelope["occurred_at"],
                                           province=envelope["province"])
                    found.append((envelope["occurred_at"], len(found), SimulatedPerson(
                        record, true_id, envelope["occurred_at"], envelope["event_id"], person["person_ref"],
                        agency, person)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]


def _date_text(value: Any) -> str:
    born, precision = value
    if precision == "Day":
        return born.isoformat()
    if precision == "Month":
        return f"{born.year:04d}-{born.month:02d}"
    if precision == "Year":
        return f"{born.year:04d}"
    return f"~{born.year:04d}"


def csv_row(number: int, person: SimulatedPerson) -> dict[str, str]:
    """One CSV row: `id`, `person` (the truth), then every matcher column, alternatives joined."""
    row = {"id": f"r{number:06d}", "person": person.truth}
    for column, values in person.record.items():
        texts = [_date_text(v) if isinstance(v, tuple) and isinstance(v[0], date) else str(v) for v in values]
        row[column] = SEPARATOR.join(t.replace(SEPARATOR, " ") for t in texts)
    return row


def csv_spec() -> str:
    """`persons.toml` with `separator` on every field (cells hold several alternatives)."""
    import tomllib

    from streams.matching.persons import persons_text

    lines = []
    data = tomllib.loads(persons_text())
    for line in persons_text().splitlines():
        name, eq, rest = line.partition("=")
        column = name.strip()
        if eq and column in data["fields"] and not line.startswith(" "):
            kind = data["fields"][column]
            options = {"kind": kind} if isinstance(kind, str) else dict(kind)
            options["separator"] = SEPARATOR
            body = ", ".join(f"{k} = {_toml(v)}" for k, v in options.items())
            line = f"{column} = {{ {body} }}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def write_simulator_persons(seed: int, directory: str | Path, **options: Any) -> tuple[Path, Path]:
    """Write `persons_<seed>.csv` and `persons_csv.toml` into `directory`; return both paths."""
    from streams.matching.persons import PERSON_COLUMNS

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data, spec = out / f"simulator_persons_{seed}.csv", out / "simulator_persons.toml"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "person", *PERSON_COLUMNS])
        writer.writeheader()
        for number, person in enumerate(simulator_persons(seed, **options)):
            writer.writerow(csv_row(number, person))
    spec.write_text(csv_spec(), encoding="utf-8")
    return data, spec


def estimate_persons_parameters(seeds: tuple[int, ...] = TRAINING_SEEDS, *, seed: int = 0) -> Any:
    """Parameters for `persons_spec()` estimated on the persons of `seeds`, each seed's records
    taken in stream order one seed after the other: u from random pairs, m counted on the
    blocked pairs the truth files name one person (`estimate_parameters(entities=...)`; these
    seeds are labelled, and EM took namesakes for matches), the prior by EM."""
    from dataclasses import replace

    from streams.matching import estimate_parameters
    from streams.matching.persons import persons_spec

    persons = [(s, p) for s in seeds for p in simulator_persons(s)]
    params = estimate_parameters(persons_spec(), [p.record for _, p in persons], seed=seed,
                                 entities=[(s, p.truth) for s, p in persons])
    return replace(params, notes={**params.notes, "data": f"simulator persons, seeds {list(seeds)}",
                                  "m": "counted on the blocked pairs of one true person (the truth files)",
                                  "command": "python -m bench.er_simulator --write-parameters PATH"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.er_simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="DIR", help="write the persons CSV and its spec to DIR")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed of the CSV (default 7)")
    parser.add_argument("--write-parameters", metavar="PATH", help="estimate the persons parameters, save them to PATH")
    args = parser.parse_args(argv)
    if args.write:
        for path in write_simulator_persons(args.seed, args.write):
            print(path)
    if args.write_parameters:
        params = estimate_persons_parameters()
        params.save(args.write_parameters)
        print(f"{args.write_parameters}: {params.version}")
    if not (args.write or args.write_parameters):
        parser.error("give --write DIR and/or --write-parameters PATH")
    return 0


if __name__ == "__main__":
    sys.exit(main())
