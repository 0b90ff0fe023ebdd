"""The Splink 5 side of `bench er`: the same input and fields, trained as its documentation says.

DuckDB backend. Comparisons by our kinds: names `NameComparison` (term frequencies on), dates
`DateOfBirthComparison`, identifiers and postcodes Damerau-Levenshtein at 1 and 2, categories
exact (term frequencies on), text Jaro-Winkler at our thresholds. Blocking rules are our spec's
keys where Splink can say the same (a birth year is `substr(date, 1, 4)`; name-word and sound
keys have no simple equivalent and are left out, each name column is blocked on alone instead).
Training as the Splink tutorials do: the probability two random records match from deterministic
rules (each identifier; names and dates together) at recall 0.8, u by random sampling
(max_pairs 1e7), m by EM on the blocking rules until every column has an estimate. Predictions
are clustered at our link threshold.

A cell holding alternatives (a spec `separator`) gives Splink one value, the first with Latin
letters (Splink compares one value per column and does not romanise Thai); a date known only
to the year or month, or estimated (`~1990`), is given as the first day of it (Splink's date
levels at a month, a year and ten years then still apply).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

__all__ = ["run_splink", "splink_value"]

_LATIN = re.compile(r"[A-Za-z]")
_PARTIAL_DATE = re.compile(r"^~?(\d{4})(?:-(\d{2}))?$")


def splink_value(cell: str | None, separator: str | None, kind: str) -> str | None:
    """The one value Splink gets for a cell (see the module docstring)."""
    if not cell:
        return None
    if separator:
        parts = [p.strip() for p in cell.split(separator) if p.strip()]
        if not parts:
            return None
        cell = next((p for p in parts if _LATIN.search(p)), parts[0]) if kind == "name" else parts[0]
    if kind == "date":
        partial = _PARTIAL_DATE.match(cell)
        if partial:
            return f"{partial.group(1)}-{partial.group(2) or '01'}-01"
    return cell


def _comparisons(spec: Any) -> list[Any]:
    import splink.comparison_library as cl

    out = []
    for column, comparison in spec.fields:
        kind = comparison.kind
        if kind == "name":
            out.append(cl.NameComparison(column).configure(term_frequency_adjustments=True))
        elif kind == "date":
            fmt = comparison.format or "%Y-%m-%d"
            out.append(cl.DateOfBirthComparison(column, input_is_string=True, datetime_format=fmt,
                                                invalid_dates_as_null=True))
        elif kind in ("identifier", "postcode"):
            out.append(cl.DamerauLevenshteinAtThresholds(column, [1, 2]))
        elif kind == "categorical":
            out.append(cl.ExactMatch(column).configure(term_frequency_adjustments=True))
        else:
            out.append(cl.JaroWinklerAtThresholds(column, list(comparison.thresholds)))
    return out


def _rules(spec: Any) -> tuple[list[Any], list[Any]]:
    """(Splink blocking rules, our keys they stand for); name columns alone are added."""
    from splink import block_on

    rules, keys = [], []
    for key in spec.blocking:
        columns = [c if t is None else (f"substr({c}, 1, 4)" if t == "year" else None) for c, t in key.parts]
        if None in columns:
            continue
        rules.append(block_on(*columns))
        keys.append(key)
        if key.sorted_pair:
            a, b = columns
            rules.append(f"l.{a} = r.{b} and l.{b} = r.{a}")
            keys.append(None)
    blocked_alone = {str(k) for k in keys if k is not None}
    for column, comparison in spec.fields:
        if comparison.kind == "name" and column not in blocked_alone:
            rules.append(block_on(column))
            keys.append(None)
    return rules, keys


def run_splink(spec: Any, rows: Sequence[tuple[int, dict[str, str]]], sources: int,
               seed: int = 0) -> tuple[list[str], float]:
    """Cluster labels of `rows` (in order) from Splink, and the seconds it took end to end."""
    import logging

    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    columns = list(spec.columns)
    kinds = dict((c, comp.kind) for c, comp in spec.fields)
    frames = []
    for source in range(sources):
        part = [(i, row) for i, (s, row) in enumerate(rows) if s == source]
        frame = pd.DataFrame([{c: splink_value(row.get(c), spec.separators.get(c), kinds[c]) for c in columns}
                              for _, row in part], columns=columns, dtype="string")
        frame.insert(0, "uid", [i for i, _ in part])
        frames.append(frame)
    started = time.perf_counter()
    rules, keys = _rules(spec)
    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="link_only" if len(frames) > 1 else "dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=_comparisons(spec),
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(f) for f in frames], settings)
    identifiers = [c for c, comp in spec.fields if comp.kind == "identifier"]
    names_dates = [c for c, comp in spec.fields if comp.kind in ("name", "date")]
    deterministic = [block_on(c) for c in identifiers] + ([block_on(*names_dates)] if names_dates else [])
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    estimated: set[str] = set()
    for key, rule in zip(keys, rules):
        blocked = {c for c, _ in key.parts} if key is not None else set()
        if key is None or set(columns) - blocked <= estimated:
            continue
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        except Exception as err:  # a rule with too few pairs: Splink refuses it, the next one serves
            logging.getLogger(__name__).warning("Splink EM on %s skipped: %s", key, err)
            continue
        estimated |= set(columns) - blocked
        if estimated >= set(columns):
            break
    predictions = linker.inference.predict(threshold_match_weight=spec.possible_weight)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=spec.link_weight)
    table = clusters.as_pandas_dataframe()
    seconds = time.perf_counter() - started
    cluster_of = dict(zip(table["uid"].astype(int), table["cluster_id"].astype(str)))
    return [cluster_of.get(i, f"single-{i}") for i in range(len(rows))], seconds
