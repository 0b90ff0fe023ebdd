"""Estimating m, u and the prior from the data, the way Splink's documentation recommends.

- **u** from random pairs: two records drawn at random are almost never the same person, so the
  share of random pairs at each level is that level's u (plus half a pair of smoothing, so an
  unseen level gets a small u rather than zero).
- **m** by expectation-maximisation (EM) with u held fixed, once per blocking key over the pairs
  that key brings together; a column the key itself blocks on is left out of that session (its
  agreement there says nothing). A column's m is the mean over the sessions that estimated it.
  With `matches` (pairs of record positions known to be the same person), m is counted on them.
  With `entities` (the true person of each record, from a labelled sample), u and the prior
  are estimated as without them, and m is then counted the way EM estimates it, per blocking
  key over the pairs that key brings together, the key's own columns left out, but on the pairs
  of one person instead of EM's guess of them: EM takes namesakes for matches where a few
  hundred people share a few dozen names (on the simulator's persons it put m = 0.15 on birth
  years more than a year apart, where the true pairs give 0.009, and 0.10 on two different
  valid 13-digit numbers, where they give 0.003), so a namesake pair weighed for a link. (u and
  the prior estimated again with the counted m, the prior fell from 0.0043 to 0.0024, and the
  matcher split sparse records: seed-7 alert precision 1.000 -> 0.897.)
- **prior**: EM over the union of blocked pairs with m and u fixed gives the expected number of
  matches; divided by the number of all possible pairs, the chance two random records match.
- **u again, without the matches among the random pairs**: where people recur often (a few
  hundred persons seen a thousand times) a random pair is the same person often enough to make
  agreement look common: an exact identifier then weighs 8 bits instead of 20. So u is counted
  again with each random pair weighted by its chance of being a non-match under the m, u and
  prior just estimated, and m and the prior are estimated again with it (`u_rounds` times).

Randomness comes only from `random.Random(seed)`: the same records and seed give the same
`Parameters` (and so the same version).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from streams.matching.comparisons import NULL
from streams.matching.params import MIN_PROBABILITY, Parameters, default_parameters
from streams.matching.spec import Spec
from streams.matching.store import RecordStore

__all__ = ["estimate_parameters"]


def estimate_parameters(
    spec: Spec,
    records: Iterable[Mapping[str, Any]],
    *,
    seed: int = 0,
    u_pairs: int = 100_000,
    em_pairs: int = 50_000,
    matches: Iterable[tuple[int, int]] | None = None,
    entities: Sequence[Hashable] | None = None,
    iterations: int = 40,
    u_rounds: int = 2,
) -> Parameters:
    """Parameters for `spec` estimated on `records` (a sample of the persons is enough)."""
    rng = random.Random(seed)
    store = RecordStore(spec)
    for record in records:
        codes = store.encode(record)
        store.append(codes, store.block_keys(codes))
    n = len(store)
    if n < 2:
        raise ValueError("at least two records are needed to estimate parameters")
    if entities is not None and len(entities) != n:
        raise ValueError(f"entities name {len(entities)} records, but there are {n}")
    start = default_parameters(spec)
    columns = spec.columns
    sizes = [len(c.levels) for _, c in spec.fields]
    u_start = [list(start.u[c]) for c in columns]
    random_patterns = _random_patterns(store, rng, u_pairs)
    u = _u_weighted(random_patterns, sizes, u_start, None)
    pairs_by_key = _blocked_pairs(store, rng, em_pairs)
    all_pairs = set().union(*pairs_by_key) if pairs_by_key else set()
    vectors = {pair: tuple(store.levels_between(*pair)) for pair in sorted(all_pairs)}
    labelled = _m_from_matches(store, sizes, matches) if matches is not None else None
    method = "labels" if labelled is not None or entities is not None else "em"
    for round_ in range(u_rounds + 1):
        if round_:
            u = _u_weighted(random_patterns, sizes, u_start, (m, prior, u))
        m = labelled or _m_by_em(vectors, spec, sizes, pairs_by_key, [list(start.m[c]) for c in columns], u,
                                 iterations)
        prior = _prior(vectors, sizes, all_pairs, m, u, n)
    if entities is not None:
        m = _m_from_entities(spec, store, sizes, pairs_by_key, entities, [list(start.m[c]) for c in columns])
    return Parameters(
        spec.digest, prior,
        {c: tuple(v) for c, v in zip(columns, m)}, {c: tuple(v) for c, v in zip(columns, u)},
        method, seed,
        {"u_pairs": min(u_pairs, n * (n - 1) // 2), "blocked_pairs": len(all_pairs)},
        records=n,
    )


def _smooth(counts: Sequence[float], total: float) -> list[float]:
    k = len(counts)
    return [max((c + 0.5 / k) / (total + 0.5), MIN_PROBABILITY) for c in counts]


def _random_patterns(store: RecordStore, rng: random.Random, pairs: int) -> Counter:
    """Level patterns of random pairs of distinct records, counted."""
    n = len(store)
    patterns: Counter = Counter()
    for _ in range(min(pairs, n * (n - 1) // 2)):
        a = rng.randrange(n)
        b = rng.randrange(n - 1)
        b += b >= a
        patterns[tuple(store.levels_between(a, b))] += 1
    return patterns


def _u_weighted(patterns: Counter, sizes: list[int], u_start: list[list[float]], model) -> list[list[float]]:
    """u from random-pair patterns (`u_start` for a column never seen); with `model` = (m, prior, u),
    each pattern counts as much as it is a non-match under that model. (Judging each column by
    the other columns only was tried: on the simulator's persons it left u of an exact name four
    times too high, and F1 fell from 0.90 to 0.79.)"""
    counts = [[0.0] * s for s in sizes]
    for pattern, count in patterns.items():
        weight = float(count) * (1.0 - _posterior(pattern, *model)) if model is not None else float(count)
        for column, level in enumerate(pattern):
            if level != NULL:
                counts[column][level] += weight
    return [_smooth(c, sum(c)) if sum(c) else list(start) for c, start in zip(counts, u_start)]


def _posterior(pattern: tuple[int, ...], m, prior: float, u) -> float:
    """The chance a pair with these levels is a match (Fellegi-Sunter, Bayes)."""
    pm, pu = prior, 1.0 - prior
    for column, level in enumerate(pattern):
        if level != NULL:
            pm *= m[column][level]
            pu *= u[column][level]
    return pm / (pm + pu) if pm + pu > 0 else 0.0


def _blocked_pairs(store: RecordStore, rng: random.Random, cap: int) -> list[set[tuple[int, int]]]:
    """Per blocking key, the record pairs sharing a block (a random sample of at most `cap`)."""
    members: list[dict[int, list[int]]] = [{} for _ in store.spec.blocking]
    for record in range(len(store)):
        for k, hashes in enumerate(store.block_keys_by_key(store.codes_of(record))):
            for h in hashes:
                members[k].setdefault(h, []).append(record)
    result = []
    for by_hash in members:
        blocks = [sorted(set(b)) for b in by_hash.values() if len(b) > 1]
        possible = sum(len(b) * (len(b) - 1) // 2 for b in blocks)
        if possible <= 4 * cap:
            pairs = [p for block in blocks for p in combinations(block, 2)]
        else:
            pairs = _sampled_pairs(blocks, rng, 4 * cap)
        unique = set(pairs)  # a pair sharing two blocks of one key (two name words) comes twice
        if len(unique) > cap:
            unique = set(rng.sample(sorted(unique), cap))
        result.append(unique)
    return result


def _sampled_pairs(blocks: list[list[int]], rng: random.Random, count: int) -> list[tuple[int, int]]:
    weights = [len(b) * (len(b) - 1) // 2 for b in blocks]
    out = set()
    for block in rng.choices(blocks, weights=weights, k=count):
        a, b = rng.sample(block, 2)
        if a != b:
            out.add((min(a, b), max(a, b)))
    return sorted(out)


def _patterns(vectors: dict, pairs: Iterable[tuple[int, int]]) -> Counter:
    return Counter(vectors[pair] for pair in pairs)


def _m_by_em(vectors, spec: Spec, sizes, pairs_by_key, m_start, u, iterations) -> list[list[float]]:
    position = {c: i for i, c in enumerate(spec.columns)}
    estimates: list[list[list[float]]] = [[] for _ in sizes]
    for key, pairs in zip(spec.blocking, pairs_by_key):
        if not pairs:
            continue
        blocked = {position[c] for c, _ in key.parts}
        active = [i for i in range(len(sizes)) if i not in blocked]
        m, _ = _em(_patterns(vectors, pairs), active, [list(x) for x in m_start], u, 0.1, iterations, fit_m=True)
        for i in active:
            estimates[i].append(m[i])
    return [
        [sum(e[level] for e in estimates[i]) / len(estimates[i]) for level in range(sizes[i])]
        if estimates[i] else list(m_start[i])
        for i in range(len(sizes))
    ]


def _em(patterns: Counter, active: list[int], m, u, share: float, iterations: int, *, fit_m: bool):
    """EM over level patterns: returns (m, share of matches among the pairs)."""
    items = list(patterns.items())
    total = sum(patterns.values())
    for _ in range(iterations):
        m_counts = [[0.0] * len(m[i]) for i in range(len(m))]
        matched = 0.0
        for pattern, count in items:
            pm, pu = share, 1.0 - share
            for i in active:
                level = pattern[i]
                if level != NULL:
                    pm *= m[i][level]
                    pu *= u[i][level]
            p = pm / (pm + pu) if pm + pu > 0 else 0.0
            matched += p * count
            for i in active:
                if pattern[i] != NULL:
                    m_counts[i][pattern[i]] += p * count
        new_share = min(max(matched / total, 1e-9), 1 - 1e-9)
        if fit_m:
            for i in active:
                seen = sum(m_counts[i])
                if seen > 0:
                    m[i] = _smooth(m_counts[i], seen)
        done = abs(new_share - share) < 1e-7
        share = new_share
        if done:
            break
    return m, share


def _m_from_matches(store: RecordStore, sizes, matches) -> list[list[float]]:
    counts = [[0] * s for s in sizes]
    for a, b in matches:
        for column, level in enumerate(store.levels_between(a, b)):
            if level != NULL:
                counts[column][level] += 1
    return [_smooth(c, sum(c)) for c in counts]


def _m_from_entities(spec: Spec, store: RecordStore, sizes, pairs_by_key, entities, m_start) -> list[list[float]]:
    """m per blocking key, counted on its blocked pairs of one entity (the key's columns left
    out), averaged over the keys, as `_m_by_em` does with EM's posterior instead of the labels."""
    position = {c: i for i, c in enumerate(spec.columns)}
    estimates: list[list[list[float]]] = [[] for _ in sizes]
    for key, pairs in zip(spec.blocking, pairs_by_key):
        blocked = {position[c] for c, _ in key.parts}
        counts = [[0] * s for s in sizes]
        for a, b in sorted(pairs):
            if entities[a] != entities[b]:
                continue
            for column, level in enumerate(store.levels_between(a, b)):
                if level != NULL and column not in blocked:
                    counts[column][level] += 1
        for i in range(len(sizes)):
            if i not in blocked and sum(counts[i]):
                estimates[i].append(_smooth(counts[i], sum(counts[i])))
    return [
        [sum(e[level] for e in estimates[i]) / len(estimates[i]) for level in range(sizes[i])]
        if estimates[i] else list(m_start[i])
        for i in range(len(sizes))
    ]


def _prior(vectors, sizes, pairs, m, u, n: int) -> float:
    if not pairs:
        return max(1.0 / (n * (n - 1) / 2), MIN_PROBABILITY)
    _, share = _em(_patterns(vectors, pairs), list(range(len(sizes))), m, u, 0.1, 200, fit_m=False)
    expected = share * len(pairs)
    return min(max(expected / (n * (n - 1) / 2), 1e-12), 0.5)
