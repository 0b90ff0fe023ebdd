"""Match parameters: per column and level, m (how often a true match shows this level) and u
(how often a non-match does), and the prior (the chance two random records are one person).

A level's weight is log2(m / u) bits; a pair's match weight is the prior's log2 odds plus the
weights of its levels ("null" levels add 0). `Parameters` are stored as JSON whose `version`
is a hash of everything else in the file, so a decision can name the exact parameters that made
it, and the same estimation with the same seed writes the same file.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from streams.matching.spec import Spec, SpecError

__all__ = ["Parameters", "default_parameters", "MIN_PROBABILITY"]

MIN_PROBABILITY = 1e-7  # floor for m and u, so no single level can weigh infinitely

# Starting values by kind and level name (also the EM's starting point): (m, u).
_DEFAULTS: dict[str, dict[str, tuple[float, float]]] = {
    "identifier": {"exact": (0.9, 1e-6), "transposed": (0.02, 1e-7), "one_edit": (0.03, 1e-5), "else": (0.05, 1.0)},
    "name": {"exact": (0.75, 0.005), "order_free": (0.05, 0.0002), "subset": (0.05, 0.001),
             "sounds_alike": (0.05, 0.002), "else": (0.03, 0.9)},
    "date": {"exact": (0.85, 0.0003), "day_month_swapped": (0.02, 1e-5), "one_digit": (0.05, 0.001),
             "year_only": (0.03, 0.01), "within_1_year": (0.03, 0.03), "else": (0.02, 0.96)},
    "postcode": {"exact": (0.85, 0.001), "one_edit": (0.07, 0.01), "same_area": (0.04, 0.05), "else": (0.04, 0.94)},
    "categorical": {"exact": (0.95, 0.3), "else": (0.05, 0.7)},
    "text": {"exact": (0.8, 0.001), "else": (0.05, 0.9)},
}


def _level_default(kind: str, level: str, position: int, count: int) -> tuple[float, float]:
    table = _DEFAULTS[kind]
    if level in table:
        return table[level]
    # similarity levels (jw>=t): between exact and else, weaker the further down
    step = position / count
    return (0.1 * (1 - step) + 0.02, 0.002 * 10 ** (3 * step))


def _normalise(values: list[float]) -> tuple[float, ...]:
    total = sum(values)
    return tuple(max(v / total, MIN_PROBABILITY) for v in values)


@dataclass(frozen=True)
class Parameters:
    """m and u per column (a tuple per level, in the comparison's level order) and the prior."""

    spec_digest: str
    prior: float
    m: Mapping[str, tuple[float, ...]]
    u: Mapping[str, tuple[float, ...]]
    method: str = "default"
    seed: int | None = None
    notes: Mapping[str, Any] = field(default_factory=dict)
    records: int | None = None  # size of the data the prior was estimated on

    @property
    def version(self) -> str:
        body = json.dumps(self._content(), sort_keys=True, separators=(",", ":"))
        return "er-" + hashlib.sha256(body.encode()).hexdigest()[:12]

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def prior_weight_at(self, indexed: int) -> float:
        """The prior's log2 odds for a pair drawn from an index of `indexed` records.

        Each record has about `prior * records` matches among the `records` the prior was
        estimated on; in a larger index the same matches are spread over more records, so the
        chance that one given candidate is the match falls as 1/size. Never above the prior.
        """
        if not self.records or indexed <= self.records:
            return self.prior_weight
        prior = self.prior * self.records / indexed
        return math.log2(prior / (1 - prior))

    def weights(self, spec: Spec) -> list[list[float]]:
        """log2(m/u) per column of the spec (spec order), per level."""
        self.check(spec)
        return [
            [math.log2(m / u) for m, u in zip(self.m[column], self.u[column])]
            for column in spec.columns
        ]

    def check(self, spec: Spec) -> None:
        if self.spec_digest != spec.digest:
            raise SpecError("these parameters were estimated for another spec (spec digest differs); re-estimate them")
        for column, comparison in spec.fields:
            n = len(comparison.levels)
            if len(self.m.get(column, ())) != n or len(self.u.get(column, ())) != n:
                raise SpecError(f"parameters for column {column!r} do not have its {n} levels")

    def describe(self, spec: Spec) -> list[dict[str, Any]]:
        """One row per column and level: m, u and weight, for people to read."""
        rows = []
        for (column, comparison), weights in zip(spec.fields, self.weights(spec)):
            for i, level in enumerate(comparison.levels):
                rows.append({"column": column, "level": level, "m": self.m[column][i],
                             "u": self.u[column][i], "weight": round(weights[i], 3)})
        return rows

    def _content(self) -> dict[str, Any]:
        return {
            "spec_digest": self.spec_digest,
            "prior": _round(self.prior),
            "m": {c: [_round(v) for v in vs] for c, vs in sorted(self.m.items())},
            "u": {c: [_round(v) for v in vs] for c, vs in sorted(self.u.items())},
            "method": self.method,
            "seed": self.seed,
            "records": self.records,
            "notes": dict(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps({"version": self.version, **self._content()}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Parameters:
        data = json.loads(text)
        params = cls(
            spec_digest=data["spec_digest"], prior=float(data["prior"]),
            m={c: tuple(map(float, v)) for c, v in data["m"].items()},
            u={c: tuple(map(float, v)) for c, v in data["u"].items()},
            method=data.get("method", "default"), seed=data.get("seed"), notes=data.get("notes", {}),
            records=data.get("records"),
        )
        if data.get("version") not in (None, params.version):
            raise ValueError(f"parameter file version {data['version']} does not match its content ({params.version})")
        return params

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Parameters:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def default_parameters(spec: Spec, prior: float = 1e-4) -> Parameters:
    """Reasonable starting parameters from the kinds alone (before any estimation)."""
    m: dict[str, tuple[float, ...]] = {}
    u: dict[str, tuple[float, ...]] = {}
    for column, comparison in spec.fields:
        levels = comparison.levels
        pairs = [_level_default(comparison.kind, lvl, i, len(levels)) for i, lvl in enumerate(levels)]
        m[column] = _normalise([p[0] for p in pairs])
        u[column] = _normalise([p[1] for p in pairs])
    return Parameters(spec.digest, prior, m, u, "default")
