"""Dates of birth as a comparison kind: a date with its precision, or an age given instead."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from streams.matching.comparisons import Comparison
from streams.matching.strings import edit_class

__all__ = ["DateComparison"]

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
    dates); year_only: agree as far as the vaguer side is known (only a year, or a month; an
    estimated year E, from an age, stands for E or E - 1); within_1_year: at most one year apart
    (two years with an estimate, or a wrong day and month); else.
    Raw values: `date`, ISO text (`1990`, `1990-08`, `1990-08-02`, `19900802`, `~1990` for an
    estimated year), text in `format`, or a
    `(date, precision)` pair with precision Day / Month / Year / Estimated.
    """

    kind: ClassVar[str] = "date"
    transforms: ClassVar[frozenset[str]] = frozenset({"year"})
    levels: ClassVar[tuple[str, ...]] = (
        "exact", "day_month_swapped", "one_digit", "year_only", "within_1_year", "else")
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
        if text.startswith("~"):  # "~1990": an estimated year (an age given instead of a date)
            text, precision = text[1:].strip()[:4], "E"
        if self.format and precision != "E":
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
        if _consistent_estimate(yx, px, yy, py):
            return 3
        return 4 if abs(yx - yy) <= 2 else 5

    def block_values(self, value: Any, transform: str | None = None) -> tuple[str, ...]:
        if transform == "year":  # an estimated year E blocks as E and E - 1, as it compares
            return tuple(dict.fromkeys(str(year) for v in value if v[4] != "X"
                                       for year in ((v[1], v[1] - 1) if v[4] == "E" else (v[1],))))
        return tuple(dict.fromkeys(v[0] for v in value))


def _consistent_estimate(yx: int, px: str, yy: int, py: str) -> bool:
    """An estimated year E is `year of the event - age`: the birth year is E or E - 1 (the
    birthday may not have come yet that year). Two estimates of one person are at most a year
    apart; an estimate and a known year agree when the year is E or E - 1."""
    if px == "E" and py == "E":
        return abs(yx - yy) <= 1
    estimate, known = (yx, yy) if px == "E" else (yy, yx)
    return known in (estimate, estimate - 1)


def _one_digit(x: str, y: str) -> bool:
    """One digit slipped or two neighbours swapped, the length unchanged."""
    return len(x) == len(y) and edit_class(x, y) in (1, 2)


def _date_value(y: int, m: int, d: int, precision: str) -> tuple:
    if precision == "D":
        return (f"{y:04d}{m:02d}{d:02d}", y, m, d, "D")
    if precision == "M":
        return (f"{y:04d}{m:02d}", y, m, 1, "M")
    return (f"{y:04d}", y, 1, 1, precision)
