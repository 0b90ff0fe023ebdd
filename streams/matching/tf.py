"""Term frequencies of the values of one column: how many persons carry each term.

Splink's term-frequency adjustment is the reference: an exact match on a value a thousand
people carry is weaker evidence than one on a rare value, so its weight is at most log2(m / the
share of records carrying it). Counting whole prepared values undercounts a name: a record's name
value is every folded form of every spelling ("Ko Thet" is ('thet', 'ko thet'): a title that is
also a name syllable), so 'thet' met as ('thet', 'ko thet'), ('thet', 'u thet') and ('thet',) was
three rare values, not one common name. Counts are therefore kept per term (`tf_terms` of the
comparison: for names, each form's words sorted, so "Moe Sandar" and "Sandar Moe" count together:
an order-free match is no stronger than its words), and a value is as common as its most common
term, the cautious reading when the matching form is not known in advance.
"""

from __future__ import annotations

from array import array
from typing import Any

__all__ = ["TermFrequencies"]


class TermFrequencies:
    """Carriers per term of one column, and the terms of each value code."""

    def __init__(self, comparison: Any) -> None:
        self._terms_of = getattr(comparison, "tf_terms", None) or (lambda value: (value,))
        self._ids: dict[Any, int] = {}
        self._counts = array("i")
        self._by_code: list[tuple[int, ...]] = [()]  # code 0: missing

    def add_value(self, value: Any) -> None:
        """A new value code was interned (codes come in order): note its terms."""
        ids = []
        for term in self._terms_of(value):
            term_id = self._ids.get(term)
            if term_id is None:
                term_id = self._ids[term] = len(self._counts)
                self._counts.append(0)
            ids.append(term_id)
        self._by_code.append(tuple(dict.fromkeys(ids)))

    def count(self, code: int) -> None:
        """One more carrier of the value `code`."""
        for term_id in self._by_code[code]:
            self._counts[term_id] += 1

    def carriers(self, code: int) -> int:
        """Carriers of the value's most common term (0 for an unseen or missing value)."""
        return max((self._counts[t] for t in self._by_code[code]), default=0)
