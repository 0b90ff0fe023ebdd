"""Compact storage of indexed records: interned values, a blocking index, and union-find clusters.

A million persons must fit in a few hundred megabytes, so nothing is kept per record as a dict:
each column is an `array('i')` of codes into that column's table of distinct prepared values
(code 0 is "missing"), the blocking index maps a 64-bit hash of (key number, key values) to one
record number or an `array('i')` of them, and clusters are a parent array (union-find, the
oldest record of a cluster is its root). Comparison levels of value pairs are cached per column.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Mapping
from hashlib import blake2b
from itertools import chain, product
from typing import Any

from streams.matching.comparisons import NULL, NameComparison
from streams.matching.tf import TermFrequencies
from streams.matching.dates import DateComparison
from streams.matching.spec import Spec

__all__ = ["RecordStore"]

_CACHE_LIMIT = 100_000  # cached level pairs per column before the cache is cleared
_TF_MIN_SIZE = 10_000  # a smaller index counts as this big for term frequencies (small counts are noise)
_RAW_LIMIT = 20_000  # raw values remembered per column (names and dates repeat; ids do not)
_BLOCK_VALUES_LIMIT = 20_000  # block values remembered per column and transform (tuples of text:
                              # at a million records, 100,000 per name transform would hold ~100 MB)


def _stable_hash(value: Any) -> int:
    """A block value's 64-bit digest: the same in every process (the index outlives the process,
    in worker snapshots; `hash` of a string changes with the process's hash seed)."""
    return int.from_bytes(blake2b(str(value).encode(), digest_size=8).digest(), "big")


def _most_shared(counts: Mapping[int, int], limit: int) -> list[int]:
    """The `limit` records sharing most keys, the most recent first among equals: the order of
    sorting by (-count, -record), as two sorts in C (a sort keeps the order of equals, also in
    reverse) instead of a Python key function per record."""
    ranked = sorted(counts, reverse=True)
    ranked.sort(key=counts.__getitem__, reverse=True)
    return ranked[:limit]


class RecordStore:
    """Records appended in order (record number = position), compared by column codes."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.comparisons = [c for _, c in spec.fields]
        n = len(self.comparisons)
        self._codes = [array("i") for _ in range(n)]
        self._values: list[list[Any]] = [[None] for _ in range(n)]
        self._lookup: list[dict[Any, int]] = [{} for _ in range(n)]
        self._cache: list[dict[int, int]] = [{} for _ in range(n)]
        self._raw_codes: list[dict[Any, int]] = [{} for _ in range(n)]  # raw value -> code, bounded
        # carriers per term, for the columns with a term-frequency adjustment (`tf.py`; a record
        # linked to a person whose first record has the same value is not counted again: `append`)
        self._counts = [TermFrequencies(c) if getattr(c, "tf", False) else None for c in self.comparisons]
        self._equal_is_exact = [not isinstance(c, DateComparison) for c in self.comparisons]
        self._columns = list(zip(self._codes, self._values, self._cache, self._equal_is_exact,
                                 [c.compare for c in self.comparisons]))
        self._index: dict[int, Any] = {}
        self.parent = array("i")
        position = {column: i for i, column in enumerate(spec.columns)}
        self._keys = [
            (k, tuple((position[c], t) for c, t in key.parts), key.sorted_pair)
            for k, key in enumerate(spec.blocking)
        ]
        # block values of an interned value per (column, transform), by code: a value's keys never change
        self._block_values: dict[tuple[int, str | None], dict[int, tuple[int, ...]]] = {
            part: {} for _, parts, _ in self._keys for part in parts
        }
        self._swaps = [
            (i, position[c.swap_with]) for i, c in enumerate(self.comparisons)
            if isinstance(c, NameComparison) and c.swap_with is not None and position[c.swap_with] > i
        ]
        self.block_size = spec.block_size
        self.max_candidates = spec.candidates

    def __len__(self) -> int:
        return len(self.parent)

    # -- values --------------------------------------------------------------------------
    def encode(self, record: Mapping[str, Any]) -> list[int]:
        """Prepare and intern each column of a raw record; 0 where the value is missing."""
        codes = []
        for i, (column, comparison) in enumerate(self.spec.fields):
            raw = record.get(column)
            known = self._raw_codes[i]
            memo = raw if isinstance(raw, (str, tuple)) else tuple(raw) if isinstance(raw, list) else None
            if memo is not None:
                try:
                    code = known.get(memo)
                except TypeError:  # an unhashable alternative: prepare it every time
                    memo, code = None, None
                if code is not None:
                    codes.append(code)
                    continue
            value = comparison.prepare(raw)
            if value is None:
                code = 0
            else:
                lookup = self._lookup[i]
                code = lookup.get(value)
                if code is None:
                    code = len(self._values[i])
                    self._values[i].append(value)
                    lookup[value] = code
                    if self._counts[i] is not None:
                        self._counts[i].add_value(value)
            if memo is not None:
                if len(known) >= _RAW_LIMIT:
                    known.clear()
                known[memo] = code
            codes.append(code)
        return codes

    def value(self, column: int, code: int) -> Any:
        return self._values[column][code]

    def codes_of(self, record: int) -> list[int]:
        return [codes[record] for codes in self._codes]

    # -- blocking ------------------------------------------------------------------------
    def block_keys(self, codes: list[int]) -> list[int]:
        """Hashes of every blocking key this record files under (none for a key with a gap)."""
        return [h for hashes in self.block_keys_by_key(codes) for h in hashes]

    def block_keys_by_key(self, codes: list[int]) -> list[list[int]]:
        """The hashes per blocking key of the spec, in the spec's order."""
        out = []
        for k, parts, sorted_pair in self._keys:
            values = []
            for part in parts:
                code = codes[part[0]]
                if not code:
                    out.append([])
                    break
                values.append(self._part_values(part, code))
            else:
                hashes = []
                for combo in product(*values):
                    if sorted_pair:
                        combo = tuple(sorted(combo))
                    hashes.append(hash((k, *combo)))
                out.append(hashes)
        return out

    def _part_values(self, part: tuple[int, str | None], code: int) -> tuple[int, ...]:
        """The numbers of the block values of one column's interned value under a transform,
        computed once per value (a name's sound keys cost more than the rest of the key; values
        recur)."""
        memo = self._block_values[part]
        values = memo.get(code)
        if values is None:
            column, transform = part
            values = tuple(_stable_hash(v) for v in
                           self.comparisons[column].block_values(self._values[column][code], transform))
            if len(memo) >= _BLOCK_VALUES_LIMIT:
                memo.clear()
            memo[code] = values
        return values

    def candidates(self, keys: list[int]) -> list[int]:
        """Records sharing a block, those sharing most keys first (then most recent), capped."""
        index, recent = self._index, -self.block_size
        blocks = [(block,) if type(block) is int else block[recent:]
                  for block in map(index.get, keys) if block is not None]
        counts = Counter(chain.from_iterable(blocks))  # counted in C: a record meets ~150 block entries
        if len(counts) <= self.max_candidates:
            return list(counts)
        return _most_shared(counts, self.max_candidates)

    def blocks(self) -> list[list[int]]:
        """Every block with two or more records (for estimation)."""
        return [list(b) for b in self._index.values() if type(b) is not int]

    def append(self, codes: list[int], keys: list[int], parent: int | None = None) -> int:
        """Store a record; its cluster root is `parent` (a root) or itself. A term-frequency count
        grows by the carriers of a value, not its visits: a record carrying the value its
        person's first record carries is the same carrier again."""
        record = len(self.parent)
        for column, code in enumerate(codes):
            counts = self._counts[column]
            if counts is not None and code and (parent is None or self._codes[column][parent] != code):
                counts.count(code)
            self._codes[column].append(code)
        self.parent.append(record if parent is None else parent)
        index, limit = self._index, 2 * self.block_size
        for key in dict.fromkeys(keys):
            block = index.get(key)
            if block is None:
                index[key] = record
            elif type(block) is int:
                index[key] = array("i", (block, record))
            else:
                block.append(record)
                if len(block) > limit:
                    del block[: self.block_size]
        return record

    # -- comparing -----------------------------------------------------------------------
    def levels(self, codes: list[int], other: int) -> list[int]:
        """The comparison level of each column between a record's codes and a stored record."""
        out = []
        append = out.append
        for a, (column_codes, values, cache, equal_is_exact, compare) in zip(codes, self._columns):
            b = column_codes[other]
            if not a or not b:
                append(NULL)
            elif a == b and equal_is_exact:
                append(0)
            else:
                key = (a << 32) | b if a < b else (b << 32) | a
                level = cache.get(key)
                if level is None:
                    level = compare(values[a], values[b])
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[key] = level
                append(level)
        for f, g in self._swaps:
            if out[f] > 0 and out[g] > 0 and codes[f] and codes[g]:
                mine_f, mine_g = self._values[f][codes[f]], self._values[g][codes[g]]
                other_f = self._values[f][self._codes[f][other]] if self._codes[f][other] else ()
                other_g = self._values[g][self._codes[g][other]] if self._codes[g][other] else ()
                if set(mine_f) & set(other_g) and set(mine_g) & set(other_f):
                    out[f] = out[g] = 1
        return out

    def tf_weights(self, codes: list[int], weights: list[list[float]], log2_m_exact: list[float]) -> list[list[float]]:
        """The weights for this record: an exact match on a value shared by a larger share of
        the indexed records than u says is capped at log2(m / that share)."""
        size = max(len(self.parent), _TF_MIN_SIZE)
        out = weights
        for column, counts in enumerate(self._counts):
            code = codes[column]
            carriers = counts.carriers(code) if counts is not None and code else 0
            if not carriers:
                continue
            capped = log2_m_exact[column] - math.log2(carriers / size)
            if capped < weights[column][0]:
                if out is weights:
                    out = list(weights)
                out[column] = [capped, *(min(w, capped) for w in weights[column][1:])]
        return out

    def scorer(self, codes: list[int], weights: list[list[float]], base: float):
        """A function of a stored record number giving the match weight against `codes`
        (`base` plus the weight of each column's level; missing values add nothing)."""
        if self._swaps:
            def with_swaps(other: int) -> float:
                total = base
                for column, level in enumerate(self.levels(codes, other)):
                    if level != NULL:
                        total += weights[column][level]
                return total
            return with_swaps
        active = [(a, column_codes, values, cache, equal_is_exact, compare, weights[i])
                  for i, (a, (column_codes, values, cache, equal_is_exact, compare))
                  in enumerate(zip(codes, self._columns)) if a]

        def score(other: int) -> float:
            total = base
            for a, column_codes, values, cache, equal_is_exact, compare, column_weights in active:
                b = column_codes[other]
                if not b:
                    continue
                if a == b and equal_is_exact:
                    total += column_weights[0]
                    continue
                key = (a << 32) | b if a < b else (b << 32) | a
                level = cache.get(key)
                if level is None:
                    level = compare(values[a], values[b])
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[key] = level
                total += column_weights[level]
            return total
        return score

    def code_level(self, column: int, a: int, b: int) -> int:
        """The comparison level of two (non-empty) codes of one column."""
        _, values, cache, equal_is_exact, compare = self._columns[column]
        if a == b and equal_is_exact:
            return 0
        key = (a << 32) | b if a < b else (b << 32) | a
        level = cache.get(key)
        if level is None:
            level = cache[key] = compare(values[a], values[b])
        return level

    def levels_between(self, a: int, b: int) -> list[int]:
        return self.levels(self.codes_of(a), b)

    # -- clusters ------------------------------------------------------------------------
    def find(self, record: int) -> int:
        parent = self.parent
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    def roots(self, records: list[int]) -> list[int]:
        """The cluster root of each record; `find` only where the parent is not a root itself
        (there `find` would change nothing: most records hang right under their root)."""
        parent, find = self.parent, self.find
        out = []
        for record in records:
            root = parent[record]
            out.append(root if parent[root] == root else find(record))
        return out

    def union_into(self, survivor: int, other: int) -> None:
        """Join the cluster rooted at `other` into the one rooted at `survivor`."""
        self.parent[other] = survivor
