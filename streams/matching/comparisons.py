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
| name         | exact, order_free, subset, jw>=t1, jw>=t2 ..., else                               |
| date         | exact, day_month_swapped, one_digit, year_only, within_1_year, else               |
| postcode     | exact, one_edit, same_area, else                                                  |
| categorical  | exact, else                                                                       |
| text         | exact, jw>=0.9, jw>=0.7, else                                                     |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime
from typing import Any, ClassVar

from connectors.normalise import NormaliseError, name_key, thai_id_check_digit
from streams.matching.strings import edit_class, jaro_winkler

__all__ = [
    "NULL", "Comparison", "IdentifierComparison", "NameComparison", "DateComparison",
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
    """

    kind: ClassVar[str] = "identifier"
    levels: ClassVar[tuple[str, ...]] = ("exact", "transposed", "one_edit", "else")

    def prepare_one(self, item: Any) -> str | None:
        text = _key_text(item)
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
    """Names folded by `name_key` (RTGS for Thai script, Somchai/Somchay, ph/p ...).

    exact: same folded words in the same order; order_free: the same words in another order
    (given and family swapped), or two name columns swapped (`swap_with`); subset: every word
    of the shorter name is in the longer (a single name, a missing family name); then one
    level per Jaro-Winkler threshold on the folded text; else. With `tf` (the default), an exact
    match weighs no more than log2(m / share of indexed records with that name), so a name a
    thousand records carry is weaker evidence than the average name. Names without Latin or Thai
    letters (Myanmar, Khmer, Lao script) are compared on their exact text.
    """

    kind: ClassVar[str] = "name"
    transforms: ClassVar[frozenset[str]] = frozenset({"words", "first_letter"})
    thresholds: tuple[float, ...] = (0.92, 0.8)
    swap_with: str | None = None
    tf: bool = True  # an exact match on a common name weighs less (term frequency)

    @property
    def levels(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("exact", "order_free", "subset", *(f"jw>={t:g}" for t in self.thresholds), "else")

    def prepare_one(self, item: Any) -> str | None:
        return _fold_name(str(item))

    def compare_one(self, x: str, y: str) -> int:
        if x == y:
            return 0
        wx, wy = x.split(), y.split()
        if len(wx) > 1 or len(wy) > 1:
            if sorted(wx) == sorted(wy):
                return 1
            sx, sy = set(wx), set(wy)
            if sx <= sy or sy <= sx:
                return 2
        similarity = jaro_winkler(x, y)
        for i, threshold in enumerate(self.thresholds):
            if similarity >= threshold:
                return 3 + i
        return 3 + len(self.thresholds)

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        if transform == "words":
            return tuple(dict.fromkeys(w for v in value for w in v.split()))
        if transform == "first_letter":
            return tuple(dict.fromkeys(v[0] for v in value))
        return tuple(dict.fromkeys(" ".join(sorted(v.split())) for v in value))


@lru_cache(maxsize=100_000)
def _fold_name(text: str) -> str | None:
    try:
        return name_key(text)
    except NormaliseError:
        folded = " ".join(text.casefold().split())
        return folded or None


# A prepared date: (digits YYYYMMDD or as written, year, month, day, precision) with precision
# D (day), M (month), Y (year), E (estimated year, or an age), X (not a valid date: digits only).
_PRECISIONS = {"Day": "D", "Month": "M", "Year": "Y", "Estimated": "E", "D": "D", "M": "M", "Y": "Y", "E": "E"}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class DateComparison(Comparison):
    """Dates of birth with their precision (a year, a month, an estimate, an age given instead).

    exact: same day, both known to the day; day_month_swapped: 03/11 against 11/03;
    one_digit: the written digits differ by one slip or a neighbouring swap (also for invalid
    dates); year_only: agree as far as the vaguer side is known (only a year, or a month);
    within_1_year: at most one year apart (an age or an estimate, or a wrong day and month); else.
    Raw values: `date`, ISO text (`1990`, `1990-08`, `1990-08-02`, `19900802`), text in `format`, or a
    `(date, precision)` pair with precision Day / Month / Year / Estimated.
    """

    kind: ClassVar[str] = "date"
    transforms: ClassVar[frozenset[str]] = frozenset({"year"})
    levels: ClassVar[tuple[str, ...]] = ("exact", "day_month_swapped", "one_digit", "year_only", "within_1_year", "else")
    format: str | None = None

    def prepare_one(self, item: Any) -> tuple | None:
        precision = "D"
        if isinstance(item, tuple) and len(item) == 2:
            item, precision = item[0], _PRECISIONS.get(str(item[1]), "D")
            if item is None:
                return None
        if isinstance(item, datetime):
            item = item.date()
        if isinstance(item, date):
            return _date_value(item.year, item.month, item.day, precision)
        text = str(item).strip()
        if self.format:
            try:
                d = datetime.strptime(text, self.format).date()
            except ValueError:
                digits = re.sub(r"\D", "", text)
                return (digits, 0, 0, 0, "X") if digits else None
            return _date_value(d.year, d.month, d.day, precision)
        m = _ISO.match(text) or _COMPACT.match(text)
        if not m:
            digits = re.sub(r"\D", "", text)
            return (digits, 0, 0, 0, "X") if digits else None
        y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        if d:
            try:
                date(y, mo, d)
            except ValueError:
                return (f"{y:04d}{mo:02d}{d:02d}", 0, 0, 0, "X")
            return _date_value(y, mo, d, precision)
        return _date_value(y, mo or 1, 1, precision if precision != "D" else ("M" if mo else "Y"))

    def compare_one(self, x: tuple, y: tuple) -> int:
        dx, yx, mx, ddx, px = x
        dy, yy, my, ddy, py = y
        if px == "X" or py == "X":
            if dx == dy:
                return 0
            return 2 if _one_digit(dx, dy) else 5
        if px == py == "D":
            if dx == dy:
                return 0
            if yx == yy and mx == ddy and ddx == my:
                return 1
            if _one_digit(dx, dy):
                return 2
            return 4 if abs((date(yx, mx, ddx) - date(yy, my, ddy)).days) <= 366 else 5
        if px != "E" and py != "E":
            if yx == yy and ("Y" in (px, py) or mx == my):
                return 3
        return 4 if abs(yx - yy) <= 1 else 5

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        if transform == "year":
            return tuple(dict.fromkeys(str(v[1]) for v in value if v[4] != "X"))
        return tuple(dict.fromkeys(v[0] for v in value))


def _one_digit(x: str, y: str) -> bool:
    """One digit slipped or two neighbours swapped, the length unchanged."""
    return len(x) == len(y) and edit_class(x, y) in (1, 2)


def _date_value(y: int, m: int, d: int, precision: str) -> tuple:
    if precision == "D":
        return (f"{y:04d}{m:02d}{d:02d}", y, m, d, "D")
    if precision == "M":
        return (f"{y:04d}{m:02d}", y, m, 1, "M")
    return (f"{y:04d}", y, 1, 1, precision)


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

    @property
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
