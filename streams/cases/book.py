"""The fold's state, `CaseBook`: a few flat, keyed namespaces of immutable values (dicts in the
worker's correlator, snapshotted with it), and a `Delta` of changed keys per namespace.

| namespace | key | value |
|---|---|---|
| `cases` | case id | `Case` |
| `refs` | `"<agency>|<agency case ref>"` | case id |
| `person_cases` | hub person id | case ids the person is in, oldest first |
| `org_cases` | registered organisation key | (case id, last flagged at) |
| `voyages` | PIPO voyage id | `Voyage` (port-out waiting for its port-in) |
| `merged` | merged-away case id | surviving case id |
| `org_names` | `"<province>|<folded name>"` | the registered key seen with that name there ("" when several) |
| `held` | hub person id | a `Case` never published: a stranger's IDC and deportation events, for the case they join (rule 5) |
| `numbers` | `"<province>|<B.E. year>"` | the sequence of the last case number given in that province and year |

The fold never changes a `CaseBook`: it returns a `Delta`; `CaseBook.apply(delta)` writes it (the
one mutation, done by the shell; a delta value None deletes the key).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime

from streams.cases.model import Case, Voyage

__all__ = ["CaseBook", "Delta", "NAMESPACES"]

NAMESPACES = ("cases", "refs", "person_cases", "org_cases", "voyages", "merged", "org_names", "held", "numbers")


@dataclass
class Delta:
    """Changed keys per namespace (None deletes)."""

    cases: dict[str, Case | None] = field(default_factory=dict)
    refs: dict[str, str | None] = field(default_factory=dict)
    person_cases: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    org_cases: dict[str, tuple[str, datetime] | None] = field(default_factory=dict)
    voyages: dict[str, Voyage | None] = field(default_factory=dict)
    merged: dict[str, str | None] = field(default_factory=dict)
    org_names: dict[str, str | None] = field(default_factory=dict)
    held: dict[str, Case | None] = field(default_factory=dict)
    numbers: dict[str, int | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in NAMESPACES)

    def items(self):
        """(namespace, {key: value}) pairs with changes."""
        return [(name, getattr(self, name)) for name in NAMESPACES if getattr(self, name)]

    def then(self, later: "Delta") -> "Delta":
        """This delta followed by `later` (later values win)."""
        out = Delta()
        for name in NAMESPACES:
            getattr(out, name).update(getattr(self, name))
            getattr(out, name).update(getattr(later, name))
        return out


class _Overlay(Mapping):
    """A namespace as it will be after a delta, without copying it (reads only)."""

    def __init__(self, base: Mapping, changes: Mapping):
        self._base, self._changes = base, changes

    def __getitem__(self, key):
        if key in self._changes:
            value = self._changes[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._base[key]

    def __iter__(self):
        yield from (k for k, v in self._changes.items() if v is not None)
        yield from (k for k in self._base if k not in self._changes)

    def __len__(self):
        return sum(1 for _ in self)

    def get(self, key, default=None):
        """`Mapping.get` without raising and catching KeyError (the fold's hot lookup)."""
        if key in self._changes:
            value = self._changes[key]
            return default if value is None else value
        return self._base.get(key, default)


@dataclass
class CaseBook:
    """The fold's state. Namespaces are mutable mappings (dicts)."""

    cases: MutableMapping[str, Case] = field(default_factory=dict)
    refs: MutableMapping[str, str] = field(default_factory=dict)
    person_cases: MutableMapping[str, tuple[str, ...]] = field(default_factory=dict)
    org_cases: MutableMapping[str, tuple[str, datetime]] = field(default_factory=dict)
    voyages: MutableMapping[str, Voyage] = field(default_factory=dict)
    merged: MutableMapping[str, str] = field(default_factory=dict)
    org_names: MutableMapping[str, str] = field(default_factory=dict)
    held: MutableMapping[str, Case] = field(default_factory=dict)
    numbers: MutableMapping[str, int] = field(default_factory=dict)

    def apply(self, delta: Delta) -> None:
        """Write a delta into the namespaces (the shell's one mutation)."""
        for name, changes in delta.items():
            target = getattr(self, name)
            for key, value in changes.items():
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value

    def after(self, delta: Delta) -> "CaseBook":
        """A read-only view of this book as it will be after `delta` (nothing is copied)."""
        return CaseBook(**{name: _Overlay(getattr(self, name), getattr(delta, name)) for name in NAMESPACES})

    def namespace_after(self, delta: Delta, name: str) -> Mapping:
        """One namespace as it will be after `delta` (what `after` gives, for one namespace)."""
        return _Overlay(getattr(self, name), getattr(delta, name))

    def resolve(self, case_id: str) -> str:
        """The surviving id of a case, following merges."""
        seen = 0
        while case_id in self.merged and seen < 64:
            case_id, seen = self.merged[case_id], seen + 1
        return case_id

    def case(self, case_id: str) -> Case | None:
        return self.cases.get(self.resolve(case_id))

    def __len__(self) -> int:
        return len(self.cases)
