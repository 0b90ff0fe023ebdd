"""Age at exploitation, to the day, from what agencies record: a date of birth of some precision,
or an age in completed years at an event.

Every piece of evidence becomes a range of possible dates of birth `[earliest, latest]`:

- precision `Day`: that day; `Month`: the month of the date; `Year`: 1 January to 31 December;
  `Estimated`: one year either side of the date (``ESTIMATE_SPREAD_YEARS``); `Unknown`: no evidence;
- `age_years` = a at an event on day T (Bangkok date): born after T - (a + 1) years, on or before
  T - a years;
- both in one record: their intersection when they overlap, else their union (the record
  contradicts itself, keep every possibility).

A person is **possibly a minor** on a day when the latest possible date of birth makes them under 18
that day, and **surely a minor** when even the earliest does. The hub protects on doubt (the
presumption of minority of child-protection practice): `is_minor` is True when possibly a minor.

Days are Bangkok days (UTC+7, no daylight saving): an event at 20:00 UTC is on the next day in
Thailand. An 18th birthday of someone born on 29 February is 1 March in a common year (the later
reading, which keeps the protection of a minor one day longer).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

__all__ = ["BANGKOK", "ADULT_AGE", "ESTIMATE_SPREAD_YEARS", "local_date", "add_years", "dob_range",
           "widen", "is_minor_on", "surely_minor_on"]

BANGKOK = timezone(timedelta(hours=7), "ICT")
ADULT_AGE = 18
ESTIMATE_SPREAD_YEARS = 1

DobRange = tuple[date, date]


def local_date(at: datetime) -> date:
    """The Thai calendar day of an aware instant."""
    return at.astimezone(BANGKOK).date()


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _precision_range(dob: date, precision: str) -> DobRange | None:
    if precision == "Day":
        return dob, dob
    if precision == "Month":
        last = calendar.monthrange(dob.year, dob.month)[1]
        return dob.replace(day=1), dob.replace(day=last)
    if precision == "Year":
        return date(dob.year, 1, 1), date(dob.year, 12, 31)
    if precision == "Estimated":
        return add_years(dob, -ESTIMATE_SPREAD_YEARS), add_years(dob, ESTIMATE_SPREAD_YEARS)
    return None


def _age_range(age_years: int, at: datetime) -> DobRange | None:
    if age_years < 0 or age_years > 130:
        return None
    day = local_date(at)
    return add_years(day, -(age_years + 1)) + timedelta(days=1), add_years(day, -age_years)


def widen(a: DobRange | None, b: DobRange | None) -> DobRange | None:
    """The union hull of two ranges (evidence from different records: keep every possibility)."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1])


def dob_range(date_of_birth: date | None, precision: str | None, age_years: int | None,
              at: datetime) -> DobRange | None:
    """Possible dates of birth from one person record of an event at `at`; None when unknown."""
    by_date = _precision_range(date_of_birth, precision or "Unknown") if date_of_birth else None
    by_age = _age_range(age_years, at) if age_years is not None else None
    if by_date and by_age:
        low, high = max(by_date[0], by_age[0]), min(by_date[1], by_age[1])
        return (low, high) if low <= high else widen(by_date, by_age)
    return by_date or by_age


def is_minor_on(dob: DobRange | None, day: date) -> bool | None:
    """True when possibly under 18 on `day`, False when surely 18 or over, None when unknown."""
    if dob is None:
        return None
    return day < add_years(dob[1], ADULT_AGE)


def surely_minor_on(dob: DobRange | None, day: date) -> bool:
    """True only when under 18 on `day` whatever the true date of birth in the range."""
    return dob is not None and day < add_years(dob[0], ADULT_AGE)
