"""The incremental Fellegi-Sunter matcher: one record in, one decision out.

`Matcher.add(record)` compares the record with the candidates the blocking index gives (records
sharing a key, those sharing most keys first, capped by the spec's limits), scores each pair
(prior log2 odds + the weight of each column's level; the prior falls as 1/size once the index
outgrows the data the parameters were estimated on), and keeps each candidate person's best
score. Then:

- best >= link: **Linked** to that person. Every other person also scoring >= link is the same
  person too: they are **merged** into the oldest of them, whose id survives; the decision lists
  the ids merged away so the shell can publish them (`merged_from`).
- possible <= best < link: **Possible**: the record starts a person of its own (ids must not
  move on a guess) and `candidate_id` names the person an operator should review it against.
- otherwise **New**: the record starts a person.

Person ids are stable: a person's id is derived from its first record (its position in the
stream and the matcher's namespace), and a merge always keeps the older id. Nothing here reads
the clock or draws random numbers: the same records in the same order give the same decisions.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from streams.matching.params import Parameters, default_parameters
from streams.matching.spec import Spec
from streams.matching.store import RecordStore

__all__ = ["DecisionKind", "Decision", "Matcher"]


class DecisionKind(StrEnum):
    """Outcome of matching one record (the `LinkDecision` enum of the contract)."""

    LINKED = "Linked"
    POSSIBLE = "Possible"
    NEW = "New"


@dataclass(frozen=True)
class Decision:
    """What happened to one record. `weight` is the best candidate's match weight (bits), or
    the prior's when no candidate was found."""

    record: int
    person_id: str
    kind: DecisionKind
    weight: float
    merged: tuple[str, ...] = ()
    candidate_id: str | None = None


class Matcher:
    """Incremental record linkage over a `RecordStore`, configured by a `Spec` and `Parameters`."""

    def __init__(self, spec: Spec, params: Parameters | None = None, *, namespace: str = "prs") -> None:
        self.spec = spec
        self.params = params or default_parameters(spec)
        self.namespace = namespace
        self.store = RecordStore(spec)
        self._weights = self.params.weights(spec)
        self._prior = self.params.prior_weight
        self._prior_size = self.params.records or 0
        self._log2_m_exact = [math.log2(self.params.m[c][0]) for c in spec.columns]
        self.link_weight = spec.link_weight
        self.possible_weight = spec.possible_weight

    @property
    def version(self) -> str:
        """Version of the parameters deciding (for `matcher_version` on published links)."""
        return self.params.version

    def __len__(self) -> int:
        return len(self.store)

    def add(self, record: Mapping[str, Any]) -> Decision:
        """Match one record against everything indexed so far, then index it."""
        store = self.store
        codes = store.encode(record)
        keys = store.block_keys(codes)
        best: dict[int, float] = {}
        prior = self._prior if len(store) <= self._prior_size else self.params.prior_weight_at(len(store))
        score = store.scorer(codes, store.tf_weights(codes, self._weights, self._log2_m_exact), prior)
        for candidate in store.candidates(keys):
            weight = score(candidate)
            root = store.find(candidate)
            if weight > best.get(root, float("-inf")):
                best[root] = weight
        if not best:
            number = store.append(codes, keys)
            return Decision(number, self.person_id(number), DecisionKind.NEW, prior)
        top_root, top_weight = max(best.items(), key=lambda item: (item[1], -item[0]))
        if top_weight >= self.link_weight:
            linked = sorted(root for root, weight in best.items() if weight >= self.link_weight)
            survivor = linked[0]
            for other in linked[1:]:
                store.union_into(survivor, other)
            number = store.append(codes, keys, parent=survivor)
            merged = tuple(self.person_id(r) for r in linked[1:])
            return Decision(number, self.person_id(survivor), DecisionKind.LINKED, top_weight, merged)
        number = store.append(codes, keys)
        if top_weight >= self.possible_weight:
            return Decision(number, self.person_id(number), DecisionKind.POSSIBLE, top_weight,
                            candidate_id=self.person_id(top_root))
        return Decision(number, self.person_id(number), DecisionKind.NEW, top_weight)

    def person_id(self, root: int) -> str:
        """The id of the person whose first record is `root`."""
        digest = hashlib.blake2b(f"{self.namespace}:{root}".encode(), digest_size=8).hexdigest()
        return f"{self.namespace}_{digest}"

    def person_of(self, record: int) -> str:
        """The current person id of a stored record (after any merges)."""
        return self.person_id(self.store.find(record))

    def cluster_roots(self) -> list[int]:
        """The cluster root of every stored record, in record order."""
        return [self.store.find(r) for r in range(len(self.store))]
