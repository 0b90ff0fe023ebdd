"""Calendar vocabulary shared by the date parsers: eras, month names, year resolution.

Thai agencies write years in the Buddhist Era (B.E. = C.E. + 543) as often as in the Common
Era, and months in Thai (full or abbreviated, with or without dots), English, or digits.
Everything here is table and arithmetic; the grammar lives in `dates.py` and `partial_dates.py`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

from connectors.normalise.errors import NormaliseError

__all__ = [
    "BE_OFFSET", "MIN_CE_YEAR", "MAX_CE_YEAR", "Era",
    "MONTH_RE", "month_number", "ERA_RE", "era_of_marker", "resolve_year", "make_date",
]

BE_OFFSET = 543
# Plausible C.E. years for anything an agency records (births included). Outside: refused.
MIN_CE_YEAR = 1850
MAX_CE_YEAR = 2150
# Four-digit years from here up are B.E., up to here C.E.; between the two (2151-2392) nothing
# is plausible in either era, so such a year is refused rather than guessed.
_BE_FROM = MIN_CE_YEAR + BE_OFFSET  # 2393 B.E. = 1850 C.E.
_CE_UP_TO = MAX_CE_YEAR


class Era(StrEnum):
    """Which era a source writes years in. Pass it when the source is known to use one."""

    BE = "BE"  # Buddhist Era, พ.ศ.
    CE = "CE"  # Common Era, ค.ศ.


_THAI_FULL = [
    ("มกราคม", "มกรา"), ("กุมภาพันธ์", "กุมภาพันธ", "กุมภา"), ("มีนาคม", "มีนา"),
    ("เมษายน", "เมษา"), ("พฤษภาคม", "พฤษภา"), ("มิถุนายน", "มิถุนา"),
    ("กรกฎาคม", "กรกฏาคม", "กรกฎา", "กรกฏา"), ("สิงหาคม", "สิงหา"), ("กันยายน", "กันยา"),
    ("ตุลาคม", "ตุลา"), ("พฤศจิกายน", "พฤศจิกา"), ("ธันวาคม", "ธันวา"),
]
_THAI_ABBR = ["มค", "กพ", "มีค", "เมย", "พค", "มิย", "กค", "สค", "กย", "ตค", "พย", "ธค"]
_ENGLISH = [
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"),
]
ENGLISH_MONTHS = [names[0].capitalize() for names in _ENGLISH]


def _abbr_pattern(abbr: str) -> str:
    # ส.ค. / ส.ค / สค / ส. ค. : a dot and a space allowed after each letter (SARA II is a vowel
    # that belongs to its letter: มี.ค.).
    letters = re.findall(r"[ก-ฮ][\u0e30-\u0e3a\u0e47-\u0e4e]*|[เแโใไ]", abbr)
    joined = r"\.?\s?".join(re.escape(x) for x in letters)
    return joined + r"\.?"


_MONTH_PATTERNS: list[tuple[str, int, int]] = []  # (regex, month number, length as written)
for _n, _names in enumerate(_THAI_FULL, 1):
    _MONTH_PATTERNS += [(re.escape(name), _n, len(name)) for name in _names]
for _n, _names in enumerate(_ENGLISH, 1):
    _MONTH_PATTERNS += [(re.escape(name) + (r"\.?" if len(name) <= 4 else "") + r"(?![a-z])", _n, len(name))
                        for name in _names]
for _n, _abbr in enumerate(_THAI_ABBR, 1):
    _MONTH_PATTERNS.append((_abbr_pattern(_abbr), _n, len(_abbr)))
# Longest name first, so มีนาคม wins over มีนา and january over jan.
_MONTH_PATTERNS.sort(key=lambda p: -p[2])
MONTH_RE = "(?P<mon>" + "|".join(f"(?:{p})" for p, _, _ in _MONTH_PATTERNS) + ")"
_MONTH_COMPILED = [(re.compile(p + r"\Z"), n) for p, n, _ in _MONTH_PATTERNS]


def month_number(text: str) -> int:
    """Month number of a name matched by MONTH_RE (lower-cased input)."""
    for pattern, number in _MONTH_COMPILED:
        if pattern.match(text):
            return number
    raise KeyError(text)  # unreachable for text matched by MONTH_RE


# Era markers as written: พ.ศ. / พศ / B.E. / BE ; ค.ศ. / คศ / A.D. / AD / C.E. / CE.
ERA_RE = re.compile(
    r"(?P<be>พ\.?\s?ศ\.?|(?<![a-z])b\.?\s?e\.?(?![a-z]))"
    r"|(?P<ce>ค\.?\s?ศ\.?|(?<![a-z])(?:a\.?\s?d|c\.?\s?e)\.?(?![a-z]))"
)


def era_of_marker(match: re.Match[str]) -> Era:
    return Era.BE if match.group("be") else Era.CE


def resolve_year(field: str, value: str, year_text: str, era: Era | None, *, thai_month: bool = False,
                 short_era: Era | None = None, latest: int | None = None) -> tuple[int, Era]:
    """C.E. year and the era it was read in, from a year as written.

    Four digits: the era given, else decided by range (>= 2393 B.E., <= 2150 C.E.).
    Two digits: only read when the era is B.E. (given, marked, implied by a Thai month name, as
    Thai writing does: "2 ส.ค. 61" is B.E. 2561, or `short_era`, the era a source is known to
    write two-digit years in: Excel's `02/08/61`); otherwise ambiguous and refused. `short_era`
    leaves four-digit years alone: the same export may hold `2018-08-02`. A two-digit year is of
    the 2500s unless that is after `latest` (a C.E. year: a birth is never after its record):
    then of the 2400s, so `61` read in 2568 is 2561 for an event and a birth alike, `99` 2499.
    """
    era = Era(era) if era is not None else None  # accept "BE" / "CE" strings from settings too
    y = int(year_text)  # ASCII digits only: the patterns use [0-9]
    if len(year_text) == 2:
        if era is Era.BE or (era is None and (thai_month or short_era is Era.BE)):
            y, era = 2500 + y, Era.BE
            if latest is not None and y - BE_OFFSET > latest:
                y -= 100
        else:
            raise NormaliseError(
                field, value,
                f"two-digit year '{year_text}' is ambiguous; expected a four-digit year "
                "(or era=BE for a source that writes B.E. years in two digits)",
            )
    elif len(year_text) != 4:
        raise NormaliseError(field, value, f"year '{year_text}' should have four digits")
    elif era is None:
        if y >= _BE_FROM:
            era = Era.BE
        elif y <= _CE_UP_TO:
            era = Era.CE
        else:
            raise NormaliseError(
                field, value,
                f"year {y} is plausible neither as B.E. nor as C.E. "
                f"(expected a C.E. year {MIN_CE_YEAR}-{MAX_CE_YEAR} or a B.E. year "
                f"{MIN_CE_YEAR + BE_OFFSET}-{MAX_CE_YEAR + BE_OFFSET})",
            )
    ce = y - BE_OFFSET if era is Era.BE else y
    if not MIN_CE_YEAR <= ce <= MAX_CE_YEAR:
        read = f"B.E. {y} (C.E. {ce})" if era is Era.BE else f"C.E. {y}"
        hint = " Is it a B.E. year?" if era is Era.CE and y >= _BE_FROM else (
            " Is it a C.E. year?" if era is Era.BE and y <= _CE_UP_TO else "")
        raise NormaliseError(
            field, value, f"year read as {read} is outside {MIN_CE_YEAR}-{MAX_CE_YEAR} C.E.{hint}"
        )
    return ce, era


def make_date(field: str, value: str, year: int, month: int, day: int, era: Era) -> date:
    """A real calendar date, or a NormaliseError naming what does not exist."""
    era_note = f" (B.E. {year + BE_OFFSET})" if era is Era.BE else ""
    if not 1 <= month <= 12:
        raise NormaliseError(field, value, f"month {month} does not exist (dates are read day/month/year)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise NormaliseError(
            field, value,
            f"day {day} does not exist in {ENGLISH_MONTHS[month - 1]} {year}{era_note}",
        )
    return date(year, month, day)
