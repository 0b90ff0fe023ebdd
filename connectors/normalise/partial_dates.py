"""Dates of birth as agencies really have them: often only a year, an estimate, or an age.

Migrants rescued without documents give a year (`2530`, `1990`), a month and year (`ส.ค. 2530`,
`08/1990`), an estimate (`ประมาณ 1990`, `about 1990`) or only an age (`อายุ 25 ปี`, `about 25
years`). Thai civil records write an unknown day or month as zero (`00/00/2530`, `00/08/2530`).
Pretending any of these is a full date would invent a birthday and move legal thresholds
(under 18, 15 and under: s.6 and s.52 of the Act), so the precision travels with the value:
a `PartialDate` (date + `Precision`) or an `Age` stated on a known date. Turning an age into a
date range is the matcher's business; an `Age` without the date it was stated is refused here
because nothing downstream could use it (this module never reads the clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from connectors.normalise._calendar import MONTH_RE, Era, make_date, month_number, resolve_year
from connectors.normalise.dates import match_full_date, prepare_date_text
from connectors.normalise.errors import NormaliseError

__all__ = ["Precision", "PartialDate", "Age", "MAX_AGE", "parse_date_of_birth", "parse_age"]

MAX_AGE = 130


class Precision(StrEnum):
    """How much of a `PartialDate` is known."""

    DAY = "Day"
    MONTH = "Month"  # the date is the 1st of the month
    YEAR = "Year"  # the date is 1 January
    ESTIMATED = "Estimated"  # the writer said it was a guess ("ประมาณ", "about")


@dataclass(frozen=True)
class PartialDate:
    """A date of birth known to `precision`; `date` is the first day of the known period."""

    date: date
    precision: Precision


@dataclass(frozen=True)
class Age:
    """An age in whole years, stated on `as_of` (usually the date of the record)."""

    years: int
    as_of: date
    approximate: bool = False


_ESTIMATE_PREFIX = re.compile(
    r"^(?:ประมาณ|โดยประมาณ|ราว\s?ๆ|ราว|about|approximately|approx\.?|around|circa|ca\.|c\.|~|est\.?|estimated)\s?"
)
_ESTIMATE_SUFFIX = re.compile(r"\s?(?:\(?(?:est\.?|estimated|approx\.?|ประมาณ|โดยประมาณ)\)?|\?)$")
_BORN_PREFIX = re.compile(r"^(?:ปีเกิด|เกิดปี|เกิด|ปี|born in|born|year|yob)\s?:?\s?")
_AGE_UNIT = r"(?P<unit>ปี|years?|yrs?\.?|y\.?|เดือน|months?|mos?\.?)"
_AGE_RES = [
    re.compile(r"(?:อายุ|age|aged)?\s?:?\s?(?P<n>[0-9]{1,3})\s?" + _AGE_UNIT + r"(?:\s?old)?"),
    re.compile(r"(?:อายุ|age|aged)\s?:?\s?(?P<n>[0-9]{1,3})"),
]
_ZERO_DMY = re.compile(r"(?P<d>[0-9]{1,2})\s?[-/.]\s?(?P<m>[0-9]{1,2})\s?[-/.]\s?(?P<y>[0-9]{4}|[0-9]{2})")
_ZERO_YMD = re.compile(r"(?P<y>[0-9]{4})\s?[-/.]\s?(?P<m>[0-9]{1,2})\s?[-/.]\s?(?P<d>[0-9]{1,2})")
_MONTH_YEAR_RES = [
    re.compile(r"(?P<m>[0-9]{1,2})\s?[-/.]\s?(?P<y>[0-9]{4})"),
    re.compile(r"(?P<y>[0-9]{4})\s?[-/.]\s?(?P<m>[0-9]{1,2})"),
    re.compile(MONTH_RE + r"\s?[-/.,]?\s?(?P<y>[0-9]{4}|[0-9]{2})"),
]
_YEAR_RE = re.compile(r"(?P<y>[0-9]{4})")

_EXPECTED = ("expected a date of birth (02/08/2530, 2 ส.ค. 2530), a month and year (ส.ค. 2530, "
             "08/1987), a year (2530, 1987), an estimate (ประมาณ 2530) or an age (อายุ 25 ปี, 25 years)")


def parse_date_of_birth(
    value: str, *, as_of: date | None = None, era: Era | None = None, field: str = "date_of_birth",
    short_era: Era | None = None,
) -> PartialDate | Age:
    """A date of birth to the precision written, or the age given instead.

    `as_of` is the date the record was made: required when the value is an age, and used to
    refuse births after it. `era` and `short_era` as for `parse_date`: a two-digit B.E. year is
    of the latest century not after `as_of` (`15/03/99` written in 2568 is 2499).
    """
    text, marked = prepare_date_text(value, field)
    era = marked or era
    text, estimated = _strip_estimate(text)
    text = _BORN_PREFIX.sub("", text).strip()
    if not text:
        raise NormaliseError(field, value, _EXPECTED)
    age = _match_age(field, value, text, as_of, estimated)
    if age is not None:
        return age
    found = _match_date(field, value, text, era, short_era, as_of.year if as_of else None)
    if found is None:
        raise NormaliseError(field, value, _EXPECTED)
    day, precision = found
    if as_of is not None and day > as_of:
        raise NormaliseError(field, value, f"date of birth {day.isoformat()} is after the record date {as_of.isoformat()}")
    return PartialDate(day, Precision.ESTIMATED if estimated else precision)


def parse_age(value: str, *, as_of: date, field: str = "age") -> Age:
    """An age column: a bare number of years (`25`) or any age form `parse_date_of_birth` reads."""
    text, _ = prepare_date_text(value, field)
    text, estimated = _strip_estimate(text)
    if re.fullmatch(r"[0-9]{1,3}", text):
        return _age(field, value, int(text), "years", as_of, estimated)
    age = _match_age(field, value, text, as_of, estimated)
    if age is None:
        raise NormaliseError(field, value, "expected an age in years such as 25, 25 ปี, อายุ 25 ปี or about 25 years")
    return age


def _strip_estimate(text: str) -> tuple[str, bool]:
    stripped = _ESTIMATE_SUFFIX.sub("", _ESTIMATE_PREFIX.sub("", text)).strip()
    return stripped, stripped != text


def _match_age(field: str, value: str, text: str, as_of: date | None, estimated: bool) -> Age | None:
    for pattern in _AGE_RES:
        m = pattern.fullmatch(text)
        if m:
            return _age(field, value, int(m.group("n")), m.groupdict().get("unit") or "years", as_of, estimated)
    return None


def _age(field: str, value: str, n: int, unit: str, as_of: date | None, estimated: bool) -> Age:
    if as_of is None:
        raise NormaliseError(field, value, "is an age, and no record date (as_of) was given to count it from")
    years = n // 12 if unit.startswith(("เดือน", "mo")) else n
    if years > MAX_AGE:
        raise NormaliseError(field, value, f"age {years} years is not plausible (at most {MAX_AGE})")
    return Age(years, as_of, estimated)


def _match_date(field: str, value: str, text: str, era: Era | None, short_era: Era | None = None,
                latest: int | None = None) -> tuple[date, Precision] | None:
    zeros = _zero_placeholder(field, value, text, era)
    if zeros is not None:
        return zeros
    full = match_full_date(field, value, text, era, short_era, latest)
    if full is not None:
        day, _, rest = full
        if rest:
            raise NormaliseError(field, value, f"unexpected text after the date: {rest!r}")
        return day, Precision.DAY
    for pattern in _MONTH_YEAR_RES:
        m = pattern.fullmatch(text)
        if m:
            groups = m.groupdict()
            month = month_number(groups["mon"]) if groups.get("mon") else int(groups["m"])
            thai = bool(groups.get("mon")) and not groups["mon"][0].isascii()
            year, used = resolve_year(field, value, groups["y"], era, thai_month=thai, short_era=short_era,
                                      latest=latest)
            return make_date(field, value, year, month, 1, used), Precision.MONTH
    m = _YEAR_RE.fullmatch(text)
    if m:
        year, _ = resolve_year(field, value, m.group("y"), era)
        return date(year, 1, 1), Precision.YEAR
    return None


def _zero_placeholder(field: str, value: str, text: str, era: Era | None) -> tuple[date, Precision] | None:
    """`00/00/2530` (year known) and `00/08/2530` (month known), as Thai civil records write them."""
    m = _ZERO_DMY.fullmatch(text) or _ZERO_YMD.fullmatch(text)
    if not m or int(m.group("d")) != 0:
        return None
    year, used = resolve_year(field, value, m.group("y"), era)
    month = int(m.group("m"))
    if month == 0:
        return date(year, 1, 1), Precision.YEAR
    return make_date(field, value, year, month, 1, used), Precision.MONTH
