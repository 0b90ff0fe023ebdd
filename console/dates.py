"""Dates as operators read them: Thai with Buddhist Era years (2 ส.ค. 2561), English otherwise.

Pure: every function takes the instant and, for countdowns, "now". Times are shown in Indochina
Time (UTC+7, no daylight saving in Thailand), which is where every operator of the hub works;
the API keeps ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

__all__ = ["ICT", "BE_OFFSET", "format_date", "format_datetime", "format_countdown", "to_ict", "LANGS", "day_bound"]

ICT = timezone(timedelta(hours=7), "ICT")
BE_OFFSET = 543
LANGS = ("th", "en")

_TH_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def to_ict(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: the console shows aware instants only")
    return at.astimezone(ICT)


def format_date(day: date | datetime, lang: str) -> str:
    """``2 ส.ค. 2561`` in Thai (B.E. = C.E. + 543), ``2 Aug 2018`` in English; an instant is
    first brought to Thai time, so the day is the one the operator lives in."""
    if isinstance(day, datetime):
        day = to_ict(day).date()
    if lang == "th":
        return f"{day.day} {_TH_MONTHS[day.month - 1]} {day.year + BE_OFFSET}"
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def format_datetime(at: datetime, lang: str) -> str:
    """``2 ส.ค. 2561 14:05`` / ``2 Aug 2018 14:05`` (Thai time)."""
    local = to_ict(at)
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def format_countdown(due_at: datetime | None, now: datetime, lang: str) -> str:
    """Time left to a deadline (``3 h 20 min``), or how late it is (``overdue 40 min``)."""
    if due_at is None:
        return "—"
    seconds = int((due_at - now).total_seconds())
    late, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    units = ("วัน", "ชม.", "นาที") if lang == "th" else ("d", "h", "min")
    parts = [f"{n} {u}" for n, u in zip((days, hours, minutes), units) if n][:2] or [f"0 {units[2]}"]
    text = " ".join(parts)
    if late:
        return f"เลยกำหนด {text}" if lang == "th" else f"overdue {text}"
    return text


def day_bound(text: str | None, *, end: bool = False) -> datetime | None:
    """A search form's day (``YYYY-MM-DD``, Thai time) as an aware UTC instant: its start, or with
    ``end`` the start of the next day (so "until 31 March" includes the 31st). None for no or a bad value."""
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    at = datetime(day.year, day.month, day.day, tzinfo=ICT) + (timedelta(days=1) if end else timedelta(0))
    return at.astimezone(timezone.utc)
