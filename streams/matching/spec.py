"""The comparison spec: which columns to compare, as what kind, and how to find candidates.

```toml
[fields]                      # column = kind, or an inline table with the kind's options
given_name    = { kind = "name", swap_with = "surname" }
surname       = "name"        # names: tf = false turns off the term-frequency adjustment
date_of_birth = { kind = "date", format = "%Y%m%d" }
soc_sec_id    = "identifier"
postcode      = "postcode"
state         = "categorical"
address_1     = { kind = "text", thresholds = [0.9, 0.7] }
aliases       = { kind = "name", separator = "|" }   # any kind: a CSV cell holding alternatives

[blocking]                    # optional: derived from the kinds when absent
keys = [["given_name", "surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"], ["surname", "date_of_birth:year"]]

[thresholds]                  # optional: match weights in bits (log2 odds, prior included)
link = 6.0                    # at least this: Linked
possible = 0.0                # at least this: Possible (for review); below: New

[limits]                      # optional
block_size = 100              # only the most recent records of a block are candidates
candidates = 40               # candidates compared per record, those sharing most keys first
```
A blocking key column may carry a transform after a colon: `date:year`, `name:words` (each
word its own key), `name:first_letter`, `postcode:area`. A key naming both columns of a
`swap_with` pair files the two values in sorted order, so swapped names meet.
Everything is checked when the spec is built; a mistake raises `SpecError` naming the column.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from streams.matching.comparisons import (
    CategoricalComparison, Comparison, IdentifierComparison, NameComparison, PostcodeComparison,
    TextComparison,
)
from streams.matching.dates import DateComparison

__all__ = ["SpecError", "Spec", "BlockingKey", "KINDS", "load_spec", "parse_spec"]

KINDS: dict[str, type[Comparison]] = {
    "name": NameComparison, "date": DateComparison, "identifier": IdentifierComparison,
    "postcode": PostcodeComparison, "categorical": CategoricalComparison, "text": TextComparison,
}
_OPTIONS = {"name": {"thresholds", "swap_with", "tf"}, "text": {"thresholds"}, "date": {"format"},
            "identifier": {"one_per_person"}}
_COMMON_OPTIONS = {"separator"}  # read by the shell that parses text cells, not by the comparison
_SECTIONS = {"fields", "blocking", "thresholds", "limits"}


class SpecError(ValueError):
    """A comparison spec that cannot work, with what is wrong and where."""


@dataclass(frozen=True)
class BlockingKey:
    """One blocking key: columns (with optional transforms) whose values must all agree."""

    parts: tuple[tuple[str, str | None], ...]
    sorted_pair: bool = False  # both columns of a swap_with pair: values filed in sorted order

    def __str__(self) -> str:
        return "+".join(c if t is None else f"{c}:{t}" for c, t in self.parts)


@dataclass(frozen=True)
class Spec:
    """A validated spec. `fields` keeps the file's order; it is the order of comparison vectors."""

    fields: tuple[tuple[str, Comparison], ...]
    blocking: tuple[BlockingKey, ...]
    link_weight: float = 6.0
    possible_weight: float = 0.0
    block_size: int = 100
    candidates: int = 40
    source: str = ""  # canonical JSON of what was declared, for the parameter version
    separators: Mapping[str, str] = field(default_factory=dict)  # column -> separator of alternatives in a text cell

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]

    def comparison(self, column: str) -> Comparison:
        return dict(self.fields)[column]

    def check_columns(self, available: Iterable[str]) -> None:
        """Refuse a data set that lacks a column the spec compares."""
        have = set(available)
        missing = [c for c in self.columns if c not in have]
        if missing:
            raise SpecError(
                f"column {missing[0]!r} of the spec is not in the data; the data has {sorted(have)}"
            )


def load_spec(path: str | Path) -> Spec:
    """Read and validate a TOML spec file."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from exc
    return parse_spec(data)


def parse_spec(data: Mapping[str, Any] | str) -> Spec:
    """Validate a spec given as a TOML string or an already parsed mapping."""
    if isinstance(data, str):
        data = tomllib.loads(data)
    unknown = set(data) - _SECTIONS
    if unknown:
        raise SpecError(f"unknown section [{sorted(unknown)[0]}]; expected {sorted(_SECTIONS)}")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, Mapping) or not raw_fields:
        raise SpecError("the spec needs a [fields] table naming at least one column and its kind")
    fields = tuple((column, _field(column, value)) for column, value in raw_fields.items())
    separators = {column: _separator(column, value) for column, value in raw_fields.items()
                  if isinstance(value, Mapping) and "separator" in value}
    kinds = dict(fields)
    for column, comparison in fields:
        partner = getattr(comparison, "swap_with", None)
        if partner is not None and not isinstance(kinds.get(partner), NameComparison):
            raise SpecError(f"field {column!r}: swap_with names {partner!r}, which is not a name field of the spec")
    blocking_section = data.get("blocking", {})
    if not isinstance(blocking_section, Mapping) or set(blocking_section) - {"keys"}:
        raise SpecError("[blocking] takes only keys = [[column, ...], ...]")
    raw_keys = blocking_section.get("keys")
    keys = _blocking(raw_keys, kinds) if raw_keys is not None else derive_blocking(fields)
    thresholds = _table(data, "thresholds", {"link", "possible"})
    limits = _table(data, "limits", {"block_size", "candidates"})
    link = float(thresholds.get("link", 6.0))
    possible = float(thresholds.get("possible", 0.0))
    if possible > link:
        raise SpecError(f"[thresholds] possible ({possible}) is above link ({link})")
    block_size, candidates = int(limits.get("block_size", 100)), int(limits.get("candidates", 40))
    if block_size < 1 or candidates < 1:
        raise SpecError("[limits] block_size and candidates must be at least 1")
    source = json.dumps(
        {"fields": raw_fields, "blocking": [str(k) for k in keys], "link": link, "possible": possible},
        sort_keys=True, default=str,
    )
    return Spec(fields, keys, link, possible, block_size, candidates, source, separators)


def _separator(column: str, value: Mapping[str, Any]) -> str:
    separator = value["separator"]
    if not isinstance(separator, str) or not separator:
        raise SpecError(f"field {column!r}: separator must be a non-empty string")
    return separator


def _table(data: Mapping[str, Any], name: str, allowed: set[str]) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, Mapping):
        raise SpecError(f"[{name}] must be a table")
    unknown = set(table) - allowed
    if unknown:
        raise SpecError(f"[{name}]: unknown setting {sorted(unknown)[0]!r}; expected {sorted(allowed)}")
    return table


def _field(column: str, value: Any) -> Comparison:
    options: dict[str, Any]
    if isinstance(value, str):
        kind, options = value, {}
    elif isinstance(value, Mapping) and "kind" in value:
        kind, options = value["kind"], {k: v for k, v in value.items() if k != "kind" and k not in _COMMON_OPTIONS}
    else:
        raise SpecError(f"field {column!r}: give a kind (\"name\") or a table with kind = ...")
    if kind not in KINDS:
        raise SpecError(f"field {column!r}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    unknown = set(options) - _OPTIONS.get(kind, set())
    if unknown:
        allowed = sorted(_OPTIONS.get(kind, set())) or "none"
        raise SpecError(f"field {column!r}: kind {kind!r} has no option {sorted(unknown)[0]!r} (options: {allowed})")
    if "thresholds" in options:
        t = options["thresholds"]
        if not (isinstance(t, list) and t and all(isinstance(x, (int, float)) and 0 < x < 1 for x in t)
                and t == sorted(t, reverse=True)):
            raise SpecError(f"field {column!r}: thresholds must be decreasing numbers between 0 and 1")
        options["thresholds"] = tuple(float(x) for x in t)
    return KINDS[kind](**options)


def _blocking(raw: Any, kinds: Mapping[str, Comparison]) -> tuple[BlockingKey, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(k, list) and k for k in raw):
        raise SpecError("[blocking] keys must be a non-empty list of non-empty lists of columns")
    keys = []
    for key in raw:
        parts = []
        for item in key:
            column, _, transform = str(item).partition(":")
            if column not in kinds:
                raise SpecError(f"blocking key {key}: unknown column {column!r}; fields are {list(kinds)}")
            comparison = kinds[column]
            if transform and transform not in comparison.transforms:
                allowed = sorted(comparison.transforms) or "none"
                raise SpecError(f"blocking key {key}: column {column!r} ({comparison.kind}) has no transform {transform!r} (transforms: {allowed})")
            parts.append((column, transform or None))
        keys.append(_key(tuple(parts), kinds))
    return tuple(keys)


def _key(parts: tuple[tuple[str, str | None], ...], kinds: Mapping[str, Comparison]) -> BlockingKey:
    columns = [c for c, _ in parts]
    swapped = len(parts) == 2 and all(t is None for _, t in parts) and (
        getattr(kinds[columns[0]], "swap_with", None) == columns[1]
        or getattr(kinds[columns[1]], "swap_with", None) == columns[0]
    )
    return BlockingKey(parts, sorted_pair=swapped)


def derive_blocking(fields: tuple[tuple[str, Comparison], ...]) -> tuple[BlockingKey, ...]:
    """Blocking keys from the kinds: each identifier, date and postcode alone, two name columns
    together, each name with the birth year and alone (the block size cap keeps it cheap)."""
    kinds = dict(fields)
    by_kind: dict[str, list[str]] = {}
    for column, comparison in fields:
        by_kind.setdefault(comparison.kind, []).append(column)
    keys: list[tuple[tuple[str, str | None], ...]] = []
    keys += [((c, None),) for c in by_kind.get("identifier", [])]
    keys += [((c, None),) for c in by_kind.get("date", [])]
    keys += [((c, None),) for c in by_kind.get("postcode", [])]
    names, dates = by_kind.get("name", []), by_kind.get("date", [])
    if len(names) >= 2:
        keys.append(((names[0], None), (names[1], None)))
    for name in names:
        if dates:
            keys.append(((name, None), (dates[0], "year")))
        keys.append(((name, None),))
    if not keys:
        keys = [((c, None),) for c, _ in fields[:2]]
    return tuple(_key(k, kinds) for k in keys)
