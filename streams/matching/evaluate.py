"""Pairwise quality of a clustering against the truth: precision, recall and F1 over record pairs.

A pair of records counts as predicted when both are in one predicted cluster, and as true when
both carry the same truth label. Computed from cluster sizes (no pair is listed), so a million
records cost a million steps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["PairwiseScores", "pairwise_scores"]


@dataclass(frozen=True)
class PairwiseScores:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_scores(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> PairwiseScores:
    """Scores of `predicted` cluster labels against `truth` labels (same order, same length)."""
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predicted labels for {len(truth)} truth labels")
    both = Counter(zip(predicted, truth))
    return PairwiseScores(
        true_positives=sum(_pairs(c) for c in both.values()),
        predicted_pairs=sum(_pairs(c) for c in Counter(predicted).values()),
        true_pairs=sum(_pairs(c) for c in Counter(truth).values()),
    )
