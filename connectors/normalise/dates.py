"""Dates and datetimes as Thai agencies write them, to `date` and UTC-aware `datetime`.

Accepted (Thai digits anywhere, an era marker พ.ศ./ค.ศ./B.E./A.D. anywhere):
- `dd/mm/yyyy`, `d-m-yyyy`, `dd.mm.yyyy` (always day first: Thai practice, never US order);
- ISO `yyyy-mm-dd` (also with a B.E. year: `2561-08-02` is common in Thai databases), `yyyymmdd`;
- month names: `2 ส.ค. 2561`, `2 สิงหาคม พ.ศ. 2561`, `2ส.ค.61`, `2 Aug 2018`, `August 2, 2018`,
  `02-AUG-2018`, optionally after `วันที่` or a weekday;
- for datetimes, a time after the date: `14:30`, `14.30 น.`, `14:30:05`, `2:30 pm`, ISO `T14:30:00Z`,
  with an optional offset (`+07:00`, `Z`, `UTC`). Without an offset the time is local to `tz`,
  Asia/Bangkok by default, and the result is converted to UTC.

The era of a four-digit year is decided by range unless the text marks it or `era` is passed
(see `_calendar.resolve_year`); two-digit years are read only when the era is B.E. (`short_era`:
the era a source writes two-digit years in, e.g. an office's Excel `02/08/61`).
Why so strict elsewhere: a wrong date silently shifts a legal clock (s.29 custody, NRM 15 days)
or a person's age across 18, so anything ambiguous is refused with the reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from connectors.normalise._calendar import (ERA_RE, MAX_CE_YEAR, MIN_CE_YEAR, MONTH_RE, Era, era_of_marker, make_date,
                                            month_number, resolve_year)
from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError

__all__ = ["BANGKOK", "parse_date", "parse_datetime", "prepare_date_text", "match_full_date"]

# Thailand has kept UTC+07:00 without daylight saving since 1920: a fixed offset is exact.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

_WEEKDAYS = (r"(?:วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)(?:ที่)?|วันที่|ที่"
             r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
             r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)(?![a-z])\.?,?)")
_LEAD_RE = re.compile(r"^(?:" + _WEEKDAYS + r"\s?)+")

_END = r"(?![0-9])"
_DATE_RES = [
    re.compile(r"(?P<y>[0-9]{4})\s?[-/.]\s?(?P<m>[0-9]{1,2})\s?[-/.]\s?(?P<d>[0-9]{1,2})" + _END),
    re.compile(r"(?P<d>[0-9]{1,2})\s?[-/.]\s?(?P<m>[0-9]{1,2})\s?[-/.]\s?(?P<y>[0-9]{4}|[0-9]{2})" + _END),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})" + _END),
    re.compile(r"(?P<d>[0-9]{1,2})\s?[-/.]?\s?" + MONTH_RE + r"\s?[-/.,]?\s?(?P<y>[0-9]{4}|[0-9]{2})" + _END),
    re.compile(MONTH_RE + r"\s?(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?\s?,?\s?(?P<y>[0-9]{4})" + _END),
]

_TIME_RE = re.compile(
    r"(?:t|เวลา|at|,)?\s?(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2})(?:[:.](?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,6}))?)?)?"
    r"\s?(?P<suffix>น\.?|นาฬิกา|hrs?\.?|h)?\s?(?P<ampm>[ap]\.?\s?m\.?)?"
    r"\s?(?P<tz>z|(?:(?:utc|gmt)\s?)?[+-][0-9]{1,2}(?::?[0-9]{2})?|utc|gmt)?"
)


def prepare_date_text(value: object, field: str) -> tuple[str, Era | None]:
    """Cleaned, lower-cased text with era markers and weekday words removed, and the marked era."""
    text = clean(value, field).lower()
    eras = {era_of_marker(m) for m in ERA_RE.finditer(text)}
    if len(eras) > 1:
        raise NormaliseError(field, value, "is marked both B.E. and C.E.")
    text = " ".join(ERA_RE.sub(" ", text).split())
    text = _LEAD_RE.sub("", text).strip()
    return text, (eras.pop() if eras else None)


def match_full_date(field: str, value: str, text: str, era: Era | None,
                    short_era: Era | None = None, latest: int | None = None) -> tuple[date, Era, str] | None:
    """The day-precise date at the start of `text`, its era, and the rest; None if none is there."""
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = month_number(groups["mon"]) if groups.get("mon") else int(groups["m"])
        thai_month = bool(groups.get("mon")) and not groups["mon"][0].isascii()
        year, used = resolve_year(field, value, groups["y"], era, thai_month=thai_month, short_era=short_era,
                                  latest=latest)
        return make_date(field, value, year, month, int(groups["d"]), used), used, text[m.end():].strip()
    return None


def parse_date(value: str, *, era: Era | None = None, field: str = "date", short_era: Era | None = None) -> date:
    """The calendar date written in `value` (a trailing time of day is allowed and ignored).

    >>> parse_date("2 ส.ค. 2561")
    datetime.date(2018, 8, 2)
    """
    text, marked = prepare_date_text(value, field)
    found = match_full_date(field, value, text, marked or era, short_era)
    if found is None:
        raise NormaliseError(field, value, _EXPECTED_DATE)
    day, _, rest = found
    if rest and _parse_time(field, value, rest) is None:
        raise NormaliseError(field, value, f"unexpected text after the date: {rest!r}")
    return day


def parse_datetime(value: str, *, era: Era | None = None, tz: tzinfo = BANGKOK, field: str = "datetime",
                   short_era: Era | None = None) -> datetime:
    """The instant written in `value`, as a UTC-aware datetime.

    A written offset wins; otherwise the time is read as local time in `tz` (Asia/Bangkok).

    >>> parse_datetime("2 ส.ค. 2561 14.30 น.").isoformat()
    '2018-08-02T07:30:00+00:00'
    """
    if era is None and type(value) is str:
        iso = _iso_datetime(value, tz)
        if iso is not None:
            return iso
    text, marked = prepare_date_text(value, field)
    found = match_full_date(field, value, text, marked or era, short_era)
    if found is None:
        raise NormaliseError(field, value, _EXPECTED_DATE + " followed by a time such as 14:30")
    day, _, rest = found
    if not rest:
        raise NormaliseError(field, value, "has no time of day (expected e.g. '02/08/2561 14:30' or '14.30 น.')")
    time = _parse_time(field, value, rest)
    if time is None:
        raise NormaliseError(field, value, f"cannot read {rest!r} as a time of day (expected e.g. 14:30, 14.30 น., 2:30 pm)")
    (hour, minute, second, micro), written_tz = time
    local = datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=written_tz or tz)
    return local.astimezone(timezone.utc)


_EXPECTED_DATE = ("expected a date such as 02/08/2561, 2018-08-02, 2 ส.ค. 2561 or 2 August 2018 "
                  "(day first; B.E. or C.E. years)")


# What SQL and JSON exports write most (`isoformat()`): read directly when it is a plain C.E. date-time.
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?"
                  r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?")


def _iso_datetime(value: str, tz: tzinfo) -> datetime | None:
    """The same instant the general parser reads from an ISO 8601 date-time with a C.E. year and a valid
    date, time and offset; None for anything else (the general parser then decides, or says what is wrong)."""
    m = _ISO.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = m.groups()
    if not MIN_CE_YEAR <= int(year) <= MAX_CE_YEAR:
        return None
    written: tzinfo | None = timezone.utc if zulu else None
    if sign:
        hours, minutes = int(off_h), int(off_m)
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        written = timezone(-delta if sign == "-" else delta)
    try:
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         int((fraction or "0").ljust(6, "0")), tzinfo=written or tz)
    except ValueError:  # no such date or time: the general parser names the problem
        return None
    return local.astimezone(timezone.utc)


def _parse_time(field: str, value: str, rest: str) -> tuple[tuple[int, int, int, int], tzinfo | None] | None:
    m = _TIME_RE.fullmatch(rest)
    if not m:
        return None
    g = m.groupdict()
    if g["mi"] is None and not (g["suffix"] or g["ampm"]):
        return None  # a bare number after a date is not a time
    hour, minute, second = int(g["h"]), int(g["mi"] or 0), int(g["s"] or 0)
    micro = int((g["f"] or "0").ljust(6, "0"))
    if g["ampm"]:
        if not 1 <= hour <= 12:
            raise NormaliseError(field, value, f"hour {hour} does not exist on a 12-hour clock")
        hour = hour % 12 + (12 if g["ampm"].startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise NormaliseError(field, value, f"time {rest!r} does not exist (expected 00:00 to 23:59:59)")
    return (hour, minute, second, micro), _offset(field, value, g["tz"])


def _offset(field: str, value: str, written: str | None) -> tzinfo | None:
    if written is None:
        return None
    if written in ("z", "utc", "gmt"):
        return timezone.utc
    m = re.fullmatch(r"(?:utc|gmt)?\s?([+-])([0-9]{1,2}):?([0-9]{2})?", written)
    assert m is not None  # guaranteed by _TIME_RE
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise NormaliseError(field, value, f"offset {written!r} does not exist (expected -12:00 to +14:00)")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)
