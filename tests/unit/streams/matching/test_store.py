"""The record store's fast paths give what their plain versions give: candidates ranked by keys
shared then recency, roots as `find` gives them, block values memoised per value."""

import os
import random
import subprocess
import sys
from pathlib import Path

from streams.matching import parse_spec
from streams.matching.store import RecordStore, _stable_hash

ROOT = Path(__file__).resolve().parents[4]
SPEC = parse_spec("""
[fields]
name = "name"
dob = "date"
sex = "categorical"

[blocking]
keys = [["name"], ["name:words"], ["name:sound"], ["dob:year"], ["sex"]]

[limits]
block_size = 5
candidates = 4
""")


def _store_with(names: list[str], dob: str | None = None) -> RecordStore:
    store = RecordStore(SPEC)
    for i, name in enumerate(names):
        codes = store.encode({"name": name, "dob": dob or f"19{70 + i % 3}-01-0{1 + i % 5}", "sex": "Male"})
        store.append(codes, store.block_keys(codes))
    return store


def _ranked_plainly(store: RecordStore, keys: list[int]) -> list[int]:
    """`candidates` as first written: a dict of counts, sorted by (-count, -record)."""
    counts: dict[int, int] = {}
    for key in keys:
        block = store._index.get(key)
        if block is None:
            continue
        for record in (block,) if type(block) is int else block[-store.block_size:]:
            counts[record] = counts.get(record, 0) + 1
    if len(counts) <= store.max_candidates:
        return list(counts)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -item[0]))
    return [record for record, _ in ranked[: store.max_candidates]]


class TestCandidates:
    def test_most_keys_shared_first_then_the_most_recent(self):
        store = _store_with(["Aung Kyaw", "Aung Min", "Kyaw Aung", "Aung Kyaw", "Min Aung", "Aung Kyaw"], "1970")
        codes = store.encode({"name": "Aung Kyaw", "dob": "1970", "sex": "Male"})
        candidates = store.candidates(store.block_keys(codes))
        assert len(candidates) == SPEC.candidates
        assert candidates[:2] == [5, 3]  # the same spelling (every key shared), the most recent first
        assert candidates == _ranked_plainly(store, store.block_keys(codes))

    def test_the_same_as_counting_plainly_on_random_names(self):
        rng = random.Random(7)
        words = ["aung", "kyaw", "min", "soe", "thida", "somchai", "jaidee", "khin"]
        names = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(200)]
        store = _store_with(names)
        for name in names[:50]:
            keys = store.block_keys(store.encode({"name": name, "dob": "1971-01-02", "sex": "Male"}))
            assert store.candidates(keys) == _ranked_plainly(store, keys)


class TestRoots:
    def test_roots_are_what_find_gives_after_merges(self):
        store = _store_with([f"Person {i}" for i in range(12)])
        for survivor, other in ((0, 3), (0, 5), (2, 7), (0, 2), (8, 11), (1, 8)):
            store.union_into(store.find(survivor), store.find(other))
        records = list(range(12))
        assert store.roots(records) == [store.find(r) for r in records]


class TestBlockValues:
    def test_block_keys_do_not_depend_on_the_process_string_hash_seed(self):
        """The index outlives the process (worker snapshots): a block's hash is of numbers."""
        script = ("from tests.unit.streams.matching.test_store import _store_with\n"
                  "store = _store_with(['Aung Kyaw', 'Kyaw Aung'])\n"
                  "print(store.block_keys(store.encode({'name': ['Aung Kyaw'], 'dob': '1970-01-01', 'sex': 'Male'})))")
        seeds = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                                env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
        assert len(seeds) == 1 and seeds != {"[]\n"}


    def test_memoised_block_keys_are_the_computed_ones(self):
        store = _store_with(["Aung Kyaw", "Kyaw Aung"])
        codes = store.encode({"name": ["Aung Kyaw", "อ่อง จอ"], "dob": "1970-01-01", "sex": "Male"})
        first = store.block_keys_by_key(codes)
        assert store.block_keys_by_key(codes) == first
        for (k, parts, _), hashes in zip(store._keys, first):
            (column, transform), = parts
            values = store.comparisons[column].block_values(store.value(column, codes[column]), transform)
            assert hashes == [hash((k, _stable_hash(v))) for v in values]
