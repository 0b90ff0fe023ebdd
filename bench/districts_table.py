"""Writes `connectors/normalise/data/districts.csv`, the gazetteer of Thailand's 928 districts
(amphoe, and Bangkok's khet), from the data of the `geothai` package (GeoThai/data, which takes
codes and names from the Department of Provincial Administration; CC BY 4.0).

Run once in a private venv (`pip install geothai==3.2.1`), not at run time: the hub ships the CSV
and never imports geothai. `python -m bench.districts_table connectors/normalise/data/districts.csv`.
"""

from __future__ import annotations

import csv
import json
import sys
from importlib import resources


def rows() -> list[list[str]]:
    """(code, province, thai, english) of every district, by DOPA code."""
    text = resources.files("geothai").joinpath("_data", "districts.json").read_text(encoding="utf-8")
    return [[code, f"TH-{code[:2]}", thai, english] for code, thai, english in sorted(json.loads(text))]


def main(out: str) -> None:
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "province", "thai", "english"])
        writer.writerows(rows())


if __name__ == "__main__":
    main(sys.argv[1])
