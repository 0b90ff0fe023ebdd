"""String similarity primitives for the comparisons: Jaro-Winkler and "one edit apart" tests.

Jaro-Winkler comes from `rapidfuzz` when it is installed (C++, about 50x faster); the pure
Python fallback gives the same figures (checked by the tests), so the matcher still runs
without it, only slower.
"""

from __future__ import annotations

__all__ = ["jaro_winkler", "edit_class", "one_substitution", "one_transposition", "one_insertion", "one_edit"]

try:  # pragma: no cover - exercised whichever way the environment is
    from rapidfuzz.distance import OSA as _RapidOSA
    from rapidfuzz.distance import JaroWinkler as _RapidJaroWinkler

    def jaro_winkler(a: str, b: str) -> float:
        """Jaro-Winkler similarity (prefix weight 0.1, prefix up to 4), 1.0 for equal strings."""
        return _RapidJaroWinkler.similarity(a, b)

    def edit_class(a: str, b: str) -> int:
        """0 equal, 1 one neighbouring swap, 2 one other edit, 3 further apart."""
        if a == b:
            return 0
        if _RapidOSA.distance(a, b, score_cutoff=1) > 1:
            return 3
        return 1 if one_transposition(a, b) else 2

except ImportError:  # pragma: no cover

    def jaro_winkler(a: str, b: str) -> float:
        """Jaro-Winkler similarity (prefix weight 0.1, prefix up to 4), 1.0 for equal strings."""
        return _jaro_winkler_py(a, b)

    def edit_class(a: str, b: str) -> int:
        """0 equal, 1 one neighbouring swap, 2 one other edit, 3 further apart."""
        return _edit_class_py(a, b)


def _edit_class_py(a: str, b: str) -> int:
    if a == b:
        return 0
    if one_transposition(a, b):
        return 1
    return 2 if one_edit(a, b) else 3


def _jaro_winkler_py(a: str, b: str) -> float:
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_b = [False] * lb
    matches_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if not m:
        return 0.0
    matches_b = [b[j] for j in range(lb) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b)) // 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def one_substitution(a: str, b: str) -> bool:
    """Same length, exactly one position differs."""
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        if x != y:
            diff += 1
            if diff > 1:
                return False
    return diff == 1


def one_transposition(a: str, b: str) -> bool:
    """Same length, equal except two neighbouring characters swapped (12345 / 13245)."""
    if len(a) != len(b) or a == b:
        return False
    first = 0
    while a[first] == b[first]:
        first += 1
    return (
        first + 1 < len(a)
        and a[first] == b[first + 1]
        and a[first + 1] == b[first]
        and a[first + 2:] == b[first + 2:]
    )


def one_insertion(a: str, b: str) -> bool:
    """One character more in one of them (12345 / 123945)."""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            return True
    return False


def one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1: a substitution, insertion, deletion or swap."""
    return one_substitution(a, b) or one_transposition(a, b) or one_insertion(a, b)
