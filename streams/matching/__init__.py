"""Entity resolution: one person across agencies (incremental Fellegi-Sunter record linkage).

Pure: no Kafka, SQL, HTTP, metrics or clock here. See README.md beside this file for the model.
"""

from streams.matching.comparisons import (
    NULL, CategoricalComparison, Comparison, IdentifierComparison, NameComparison, PostcodeComparison,
    TextComparison,
)
from streams.matching.dates import DateComparison
from streams.matching.estimate import estimate_parameters
from streams.matching.evaluate import PairwiseScores, pairwise_scores
from streams.matching.matcher import Decision, DecisionKind, Matcher
from streams.matching.params import Parameters, default_parameters
from streams.matching.spec import KINDS, BlockingKey, Spec, SpecError, load_spec, parse_spec
from streams.matching.store import RecordStore

__all__ = [
    "Spec", "SpecError", "BlockingKey", "KINDS", "load_spec", "parse_spec",
    "Comparison", "IdentifierComparison", "NameComparison", "DateComparison", "PostcodeComparison",
    "CategoricalComparison", "TextComparison", "NULL",
    "Parameters", "default_parameters", "estimate_parameters",
    "Matcher", "Decision", "DecisionKind", "RecordStore",
    "PairwiseScores", "pairwise_scores",
]
