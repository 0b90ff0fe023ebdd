"""One comparison per column kind: how a raw value is prepared, and its levels, strongest first.

Each comparison turns a raw value (text, a date, or a list of alternatives such as every
spelling of a name) into a prepared, hashable value once, when the record arrives; comparing
two prepared values gives a level index into `levels`. The last level is always the catch-all
"else"; a missing value on either side is the "null" level (index `NULL`), which contributes
weight 0. With several alternatives (a Thai and a Latin spelling), the best level over all
pairs of alternatives counts.

| kind         | levels (strongest first)                                                         |
|--------------|----------------------------------------------------------------------------------|
| identifier   | exact, transposed, one_edit, else   (check digit aware: see `IdentifierComparison`) |
| name         | exact, order_free, subset, sounds_alike, jw>=t1, jw>=t2 ..., else                 |
| date         | exact, day_month_swapped, one_digit, year_only, within_1_year, else (dates.py)    |
| postcode     | exact, one_edit, same_area, else                                                  |
| categorical  | exact, else                                                                       |
| text         | exact, jw>=0.9, jw>=0.7, else                                                     |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, ClassVar

from connectors.normalise import thai_id_check_digit
from connectors.normalise.aliases import split_aliases
from streams.matching.names import (
    fold_name, fold_name_forms, joined_sounds, sound_key, sound_profile, sound_profiles_agree,
)
from streams.matching.strings import edit_class, jaro_winkler

__all__ = [
    "NULL", "Comparison", "IdentifierComparison", "NameComparison",
    "PostcodeComparison", "CategoricalComparison", "TextComparison", "as_alternatives",
]

NULL = -1
_SEPARATORS = re.compile(r"[\s\-./_]+")


def as_alternatives(raw: Any) -> tuple[Any, ...]:
    """A raw value (a list holds alternatives; a tuple is one value) as non-blank alternatives."""
    items = raw if isinstance(raw, (list, set, frozenset)) else (raw,)
    out = []
    for item in items:
        if item is None or (isinstance(item, float) and item != item):
            continue
        if isinstance(item, str):
            item = item.strip()
            if not item:
                continue
        out.append(item)
    return tuple(out)


class Comparison:
    """Base: `prepare` once per record, `compare` per candidate pair, `block_values` for the index."""

    kind: ClassVar[str] = ""
    transforms: ClassVar[frozenset[str]] = frozenset()
    levels: tuple[str, ...] = ()

    def prepare(self, raw: Any) -> Any:
        """The prepared value (hashable), or None when nothing usable was given."""
        values = tuple(dict.fromkeys(v for v in map(self.prepare_one, as_alternatives(raw)) if v is not None))
        return values or None

    def prepare_one(self, item: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def compare(self, a: Any, b: Any) -> int:
        """Best (lowest) level over every pair of alternatives."""
        if len(a) == 1 and len(b) == 1:
            return self.compare_one(a[0], b[0])
        best = len(self.levels) - 1
        for x in a:
            for y in b:
                level = self.compare_one(x, y)
                if level < best:
                    best = level
                    if best == 0:
                        return 0
        return best

    def compare_one(self, x: Any, y: Any) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        """Keys this value files under in the blocking index (one per alternative)."""
        return tuple(dict.fromkeys(str(v) for v in value))


def _key_text(item: Any) -> str:
    return _SEPARATORS.sub("", str(item)).upper()


@dataclass(frozen=True)
class IdentifierComparison(Comparison):
    """Identifiers: exact, one neighbouring swap, one other edit, else.

    Check digit aware: when both values are 13 digits (Thai ID, pink card) and BOTH carry a
    valid check digit, a near difference is not a typo but another person's number: the pair
    falls to "else". A typo almost always breaks the check digit (about 91% of single-digit
    slips, 98% of swaps), so a near value with a broken check digit stays a near match.
    Phone numbers are compared on their last nine digits when written with a country code
    (`+66...`, `+855...`) or a Thai trunk 0 (ten digits): agencies write one number both ways.
    """

    kind: ClassVar[str] = "identifier"
    levels: ClassVar[tuple[str, ...]] = ("exact", "transposed", "one_edit", "else")
    one_per_person: bool = False
    """A number a person holds one of for life (a Thai ID, a 13-digit pink-card number): two
    that differ ("else") are two people, however alike the rest (`Matcher`)."""

    def prepare_one(self, item: Any) -> str | None:
        text = _key_text(item)
        if text.startswith("+") and text[1:].isdigit() and len(text) > 10:
            return text[-9:]  # a phone number with its country code: +66 97 731 1026 is 097 731 1026
        if len(text) == 10 and text.startswith("0") and text.isdigit():
            return text[-9:]  # a Thai phone number written with its trunk 0
        return text or None

    def compare_one(self, x: str, y: str) -> int:
        if x == y:
            return 0
        near = edit_class(x, y)
        if near < 3 and len(x) == len(y) == 13 and x.isdigit() and y.isdigit() and _thai_valid(x) and _thai_valid(y):
            return 3
        return near


def _thai_valid(value: str) -> bool:
    return thai_id_check_digit(value[:12]) == int(value[12])


@dataclass(frozen=True)
class NameComparison(Comparison):
    """Names folded by `fold_name` (title dropped, then `name_key`: RTGS for Thai script,
    Somchai / Somchay, ph / p ...).

    exact: same folded words in the same order; order_free: the same words in another order
    (given and family swapped), or two name columns swapped (`swap_with`); subset: every word
    of the shorter name is in the longer (a single name, a missing family name); sounds_alike:
    the sound keys agree (Burmese, Khmer, Lao romanisations, words written together: see
    `names.py`); then one level per Jaro-Winkler threshold on the folded text; else. With `tf`
    (the default), an exact match weighs no more than log2(m / share of indexed records with that
    name), so a name a thousand records carry is weaker evidence than the average name. Names
    without Latin or Thai letters (Myanmar, Khmer, Lao script) are compared on their exact text.
    Blocking transforms: `words` (each word), `first_letter`, `sound` (the sorted sound words,
    and the sound words written together in every order), `sound_words` (each sound word).
    """

    kind: ClassVar[str] = "name"
    transforms: ClassVar[frozenset[str]] = frozenset({"words", "first_letter", "sound", "sound_words"})
    thresholds: tuple[float, ...] = (0.92, 0.8)
    swap_with: str | None = None
    tf: bool = True  # an exact match on a common name weighs less (term frequency)

    @cached_property  # read for every pair of names with several spellings (`compare`)
    def levels(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("exact", "order_free", "subset", "sounds_alike", *(f"jw>={t:g}" for t in self.thresholds), "else")

    def prepare(self, raw: Any) -> Any:
        """Every folded form of every spelling (a Latin title dropped and kept: `fold_name_forms`),
        and of every name written with it ("Somchai @ Lek", "สมชาย (น้องมา)": `split_aliases`)."""
        values = tuple(dict.fromkeys(v for item in as_alternatives(raw) for name in split_aliases(str(item))
                                     for v in fold_name_forms(name)))
        return values or None

    def prepare_one(self, item: Any) -> str | None:
        return fold_name(str(item))

    def tf_terms(self, value: tuple[str, ...]) -> tuple[str, ...]:
        """The terms counted for term frequencies: each folded form's words, sorted (`tf.py`)."""
        return tuple(dict.fromkeys(" ".join(sorted(v.split())) for v in value))

    def compare_one(self, x: str, y: str) -> int:
        if x == y:
            return 0
        ox, sx, kx, jx = _name_profile(x)
        oy, sy, ky, jy = _name_profile(y)
        if len(ox) > 1 or len(oy) > 1:
            if ox == oy:
                return 1
            if sx <= sy or sy <= sx:
                return 2
        if sound_profiles_agree(kx, jx, ky, jy):  # sounds_alike(x, y)
            return 3
        similarity = jaro_winkler(x, y)
        for i, threshold in enumerate(self.thresholds):
            if similarity >= threshold:
                return 4 + i
        return 4 + len(self.thresholds)

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        if transform == "words":
            return tuple(dict.fromkeys(w for v in value for w in v.split()))
        if transform == "first_letter":
            return tuple(dict.fromkeys(v[0] for v in value))
        if transform == "sound_words":
            return tuple(dict.fromkeys(w for v in value for w in sound_key(v)))
        if transform == "sound":
            return tuple(dict.fromkeys(k for v in value if sound_key(v)
                                       for k in (" ".join(sorted(sound_key(v))), *sorted(joined_sounds(v)))))
        return tuple(dict.fromkeys(" ".join(sorted(v.split())) for v in value))


@lru_cache(maxsize=200_000)
def _name_profile(folded: str) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...], frozenset[str]]:
    """A folded name's words sorted and as a set, and its `sound_profile` (names recur: computed
    once per name, and one look-up per side of a pair brings all that `compare_one` needs)."""
    words = folded.split()
    return (tuple(sorted(words)), frozenset(words), *sound_profile(folded))


@dataclass(frozen=True)
class PostcodeComparison(Comparison):
    """Postcodes: exact, one edit, same area (the first two characters: a Thai province), else."""

    kind: ClassVar[str] = "postcode"
    transforms: ClassVar[frozenset[str]] = frozenset({"area"})
    levels: ClassVar[tuple[str, ...]] = ("exact", "one_edit", "same_area", "else")

    def prepare_one(self, item: Any) -> str | None:
        return _key_text(item) or None

    def compare_one(self, x: str, y: str) -> int:
        near = edit_class(x, y)
        if near < 3:
            return min(near, 1)
        return 2 if x[:2] == y[:2] else 3

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        if transform == "area":
            return tuple(dict.fromkeys(v[:2] for v in value))
        return tuple(dict.fromkeys(value))


@dataclass(frozen=True)
class CategoricalComparison(Comparison):
    """Categories (sex, nationality, state): exact, else; compared without case."""

    kind: ClassVar[str] = "categorical"
    levels: ClassVar[tuple[str, ...]] = ("exact", "else")

    def prepare_one(self, item: Any) -> str | None:
        return str(item).strip().casefold() or None

    def compare_one(self, x: str, y: str) -> int:
        return 0 if x == y else 1


@dataclass(frozen=True)
class TextComparison(Comparison):
    """Free text (an address line): exact after folding case and spaces, Jaro-Winkler levels, else."""

    kind: ClassVar[str] = "text"
    thresholds: tuple[float, ...] = (0.9, 0.7)

    @cached_property  # read for every pair of texts with several alternatives (`compare`)
    def levels(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("exact", *(f"jw>={t:g}" for t in self.thresholds), "else")

    def prepare_one(self, item: Any) -> str | None:
        return " ".join(str(item).casefold().split()) or None

    def compare_one(self, x: str, y: str) -> int:
        if x == y:
            return 0
        similarity = jaro_winkler(x, y)
        for i, threshold in enumerate(self.thresholds):
            if similarity >= threshold:
                return 1 + i
        return 1 + len(self.thresholds)
