"""The incremental Fellegi-Sunter matcher: one record in, one decision out.

`Matcher.add(record)` compares the record with the candidates the blocking index gives (records
sharing a key, those sharing most keys first, capped by the spec's limits), scores each pair
(prior log2 odds + the weight of each column's level; the prior falls as 1/size once the index
outgrows the data the parameters were estimated on), and keeps each candidate person's best
score. Then:

- best >= link: **Linked** to that person. Every other person also scoring >= link is the same
  person too: they are **merged** into the oldest of them, whose id survives; the decision lists
  the ids merged away so the shell can publish them (`merged_from`). Unless the persons' records
  met here disagree outright on a column the record leaves empty: a record without a birth date
  cannot tell two namesakes born years apart from each other, so it joins the stronger only.
- A person holding a number the spec marks `one_per_person` (a Thai ID, a pink card) that the
  record's own disagrees with outright is at most Possible, whatever else they share: papers of
  other kinds chain records, and must not chain two holders of two numbers into one person.
- possible <= best < link: **Possible**: the record starts a person of its own (ids must not
  move on a guess) and `candidate_id` names the person an operator should review it against.
- otherwise **New**: the record starts a person.

Operators' decisions feed back (`persons for review` in the console, `operator.actions.v1`):
`join(a, b)` makes two persons one (older id surviving, as a link would), `forbid(a, b)` says
they are two people. A forbidden pair is never joined again, by an operator or by a record:
a record scoring >= link against both is linked to the stronger only and the other is left out
as if it had scored below link. Forbidding is between persons, not records, so it survives
merges: the person a merge makes is set apart from everyone either half was set apart from.
A Possible decision starts a person of its own, whom nobody has yet set apart from anyone, so
it never proposes a pair an operator has already rejected.

Person ids are stable: a person's id is derived from its first record (its position in the
stream and the matcher's namespace), and a merge always keeps the older id. Nothing here reads
the clock or draws random numbers: the same records and operators' decisions in the same order
give the same decisions.
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


_NO_WEIGHT = float("-inf")  # below any candidate's weight


def _records_by_root(records: list[int], roots: list[int]) -> dict[int, list[int]]:
    """The records met, grouped by their person's root (only wanted when a record links to
    several persons, so not built for every record)."""
    seen: dict[int, list[int]] = {}
    for record, root in zip(records, roots):
        seen.setdefault(root, []).append(record)
    return seen


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
        self._last_levels = [len(comparison.levels) - 1 for _, comparison in spec.fields]
        self.link_weight = spec.link_weight
        self.possible_weight = spec.possible_weight
        self._apart: dict[int, set[int]] = {}   # root -> roots an operator said are someone else
        self._starts = bytearray()              # 1 where a record started a person (its number names one)
        self._ids: dict[str, int] = {}          # person id -> first record, filled when an operator acts
        self._ids_upto = 0                      # records looked at for `_ids`
        self._lifelong = [i for i, (_, c) in enumerate(spec.fields) if getattr(c, "one_per_person", False)]
        self._held: dict[int, set[tuple[int, int]]] = {}   # root -> (column, code) of its lifelong ids

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
        candidates = store.candidates(keys)
        roots = store.roots(candidates)
        if candidates:  # one record in ten meets none: no weights to prepare for it
            score = store.scorer(codes, store.tf_weights(codes, self._weights, self._log2_m_exact), prior)
            for root, weight in zip(roots, map(score, candidates)):
                if weight > best.get(root, _NO_WEIGHT):
                    best[root] = weight
        if not best:
            number = self._append(codes, keys)
            return Decision(number, self.person_id(number), DecisionKind.NEW, prior)
        top_weight = max(best.values())  # the strongest person; the oldest among equals
        top_root = min(root for root, weight in best.items() if weight == top_weight)
        if top_weight >= self.link_weight and self._held:
            best = self._without_contradictions(codes, best)
            top_weight = max(best.values())
            top_root = min(root for root, weight in best.items() if weight == top_weight)
        if top_weight >= self.link_weight:
            linked = self._joinable(top_root, best)
            if len(linked) > 1:
                linked = self._unambiguous(codes, top_root, linked, best, _records_by_root(candidates, roots))
            survivor = linked[0]
            for other in linked[1:]:
                self._union(survivor, other)
            number = self._append(codes, keys, parent=survivor)
            merged = tuple(self.person_id(r) for r in linked[1:])
            return Decision(number, self.person_id(survivor), DecisionKind.LINKED, top_weight, merged)
        number = self._append(codes, keys)
        if top_weight >= self.possible_weight:
            return Decision(number, self.person_id(number), DecisionKind.POSSIBLE, top_weight,
                            candidate_id=self.person_id(top_root))
        return Decision(number, self.person_id(number), DecisionKind.NEW, top_weight)

    # --- operators' decisions -----------------------------------------------------------------
    def join(self, person_a: str, person_b: str) -> tuple[str, str] | None:
        """An operator says two persons are one: join them, the older id surviving (as a link
        would). Returns (survivor id, merged id) for the shell to publish, or None when they are
        one person already. Ids merged away since they were published stand for the person they
        went into. Raises KeyError for an id this matcher never gave, ValueError when an operator
        has set the two apart (the later decision does not silently overrule the earlier one)."""
        a, b = self._root_of(person_a), self._root_of(person_b)
        if a == b:
            return None
        if b in self._apart.get(a, ()):
            raise ValueError(f"{person_a} and {person_b} were set apart by an operator; not joining them")
        survivor, other = sorted((a, b))
        self._union(survivor, other)
        return self.person_id(survivor), self.person_id(other)

    def forbid(self, person_a: str, person_b: str) -> None:
        """An operator says two persons are different people: no later record or join merges
        them, nor anything either is merged with. Repeating it changes nothing. Raises KeyError
        for an id this matcher never gave, ValueError when they are one person already (a merge
        is not undone here: the operator sees it published and acts on the merged person)."""
        a, b = self._root_of(person_a), self._root_of(person_b)
        if a == b:
            raise ValueError(f"{person_a} and {person_b} are one person already; a merge is not undone")
        self._apart.setdefault(a, set()).add(b)
        self._apart.setdefault(b, set()).add(a)

    def apart(self, person_a: str, person_b: str) -> bool:
        """Whether an operator has set the two persons (as they are now) apart."""
        return self._root_of(person_b) in self._apart.get(self._root_of(person_a), ())

    # --- inside -------------------------------------------------------------------------------
    def _append(self, codes: list[int], keys: list[int], parent: int | None = None) -> int:
        self._starts.append(parent is None)
        number = self.store.append(codes, keys, parent)
        held = [(column, codes[column]) for column in self._lifelong if codes[column]]
        if held:
            self._held.setdefault(number if parent is None else parent, set()).update(held)
        return number

    def _without_contradictions(self, codes: list[int], best: dict[int, float]) -> dict[int, float]:
        """`best`, where a person holding a lifelong id the record's own disagrees with outright is
        at most a Possible match (for an operator to review), never a link: a chain of records
        with different kinds of papers must not join two pink-card holders (seed 7: Sandar
        Sandar and Sanda San, born the same year, through a crossing on a border pass)."""
        mine = [(column, codes[column]) for column in self._lifelong if codes[column]]
        if not mine:
            return best
        level, last, below = self.store.code_level, self._last_levels, math.nextafter(self.link_weight, _NO_WEIGHT)
        return {root: min(weight, below) if weight >= self.link_weight and any(
                    held_column == column and level(column, code, held) == last[column]
                    for column, code in mine for held_column, held in self._held.get(root, ())) else weight
                for root, weight in best.items()}

    def _joinable(self, top: int, best: dict[int, float]) -> list[int]:
        """The persons scoring >= link that one record may join, oldest first: the strongest
        (`top`), then each next strongest that no operator has set apart from one already taken.
        With nothing set apart: every person >= link, as the model says."""
        linked = [root for root, weight in best.items() if weight >= self.link_weight]
        if not self._apart:
            return sorted(linked)
        linked.sort(key=lambda root: (-best[root], root))
        taken, excluded = [top], set(self._apart.get(top, ()))
        for root in linked:
            if root != top and root not in excluded:
                taken.append(root)
                excluded |= self._apart.get(root, set())
        return sorted(taken)

    def _unambiguous(self, codes: list[int], top: int, linked: list[int], best: dict[int, float],
                     seen: dict[int, list[int]]) -> list[int]:
        """The persons of `linked` this record may join together: the strongest (`top`), then
        each next strongest whose records met here disagree outright (the comparison's last
        level) with none taken so far on a column this record leaves empty. A record without a
        birth date scoring above link with two namesakes born seven years apart cannot say
        which one it is, let alone that they are one (seed 3: two Wannak Mias were merged so);
        where the record holds the column, its own comparison already weighed it."""
        empty = [column for column, code in enumerate(codes) if not code]
        if not empty:
            return linked
        last = self._last_levels
        taken = [top]
        for root in sorted(linked, key=lambda r: (-best[r], r)):
            if root == top:
                continue
            if not any(self.store.levels_between(a, b)[column] == last[column]
                       for t in taken for a in seen[root] for b in seen[t] for column in empty):
                taken.append(root)
        return sorted(taken)

    def _union(self, survivor: int, other: int) -> None:
        """Merge `other`'s person into `survivor`'s, carrying whom it was set apart from."""
        self.store.union_into(survivor, other)
        held = self._held.pop(other, None)
        if held:
            self._held.setdefault(survivor, set()).update(held)
        others = self._apart.pop(other, None)
        if others:
            mine = self._apart.setdefault(survivor, set())
            for root in others:
                theirs = self._apart[root]
                theirs.discard(other)
                theirs.add(survivor)
                mine.add(root)

    def _root_of(self, person_id: str) -> int:
        """The current cluster root of a person id; KeyError if no record of ours started it.
        The id index is built on the first operator's decision and extended on each later one
        with the persons started since (a hash and a dict entry per person, paid only once an
        operator acts; a linear scan per action would cost a second at a million records)."""
        ids, starts = self._ids, self._starts
        for record in range(self._ids_upto, len(starts)):
            if starts[record]:
                ids[self.person_id(record)] = record
        self._ids_upto = len(starts)
        if person_id not in ids:
            raise KeyError(f"no person {person_id!r} in this matcher")
        return self.store.find(ids[person_id])

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
