"""Values as events carry them: clean bounded text, lookup keys, UTC millisecond moments."""

from __future__ import annotations

import functools
import unicodedata
from datetime import date, datetime, timezone

from connectors.normalise import BANGKOK, Era, NormaliseError, parse_date, parse_datetime, thai_digits_to_ascii
from connectors.normalise._text import fast_translation

__all__ = ["ID_LENGTH", "LABEL_LENGTH", "TEXT_LENGTH", "clean_text", "parse_day", "parse_day_be", "parse_moment",
           "parse_moment_be", "to_millis",
           "vocab_key"]

LABEL_LENGTH, ID_LENGTH, TEXT_LENGTH = 200, 100, 4000
_PUNCTUATION = str.maketrans("", "", "_-.")


@functools.lru_cache(maxsize=8192, typed=True)
def vocab_key(text: str) -> str:
    """Lookup form of a label: NFC, case-folded, without spaces, '_', '-', '.' ("Debt bondage" = "DebtBondage")."""
    folded = unicodedata.normalize("NFC", thai_digits_to_ascii(text)).casefold()
    return "".join(folded.split()).translate(_PUNCTUATION)  # split(): the characters str.isspace() names


def clean_text(value: object, field: str, max_length: int = LABEL_LENGTH, *, multiline: bool = False) -> str:
    """Text as an event may carry it: NFC, no control, format or private-use characters, bounded.

    Integers are accepted as their digits (JSON and SQL ids). Whitespace runs become one space
    (line breaks are kept in `multiline` free text).
    """
    if type(value) is int:   # a row id, a version: its digits (and sign) are already clean
        text = str(value)
        if len(text) <= max_length:
            return text
    # not free text: labels, units, places come back; so do whole numbers (versions, counts)
    if (type(value) is str and len(value) <= LABEL_LENGTH) or type(value) is int:
        try:
            return _clean_repeated(value, max_length, multiline)
        except Exception:  # noqa: BLE001 - made again below, uncached, to raise naming the field
            pass
    return _clean_text(value, field, max_length, multiline)


@functools.lru_cache(maxsize=16384, typed=True)
def _clean_repeated(value: str | int, max_length: int, multiline: bool) -> str:
    return _clean_text(value, "", max_length, multiline)  # a result never depends on the field's name


def _clean_text(value: object, field: str, max_length: int, multiline: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise NormaliseError(field, value, f"expected text, got {type(value).__name__}")
    text = str(value)
    if len(text) > max_length:
        raise NormaliseError(field, value, f"is {len(text)} characters long; at most {max_length} are accepted")
    if "\ufffd" in text:
        raise NormaliseError(field, value, "contains U+FFFD: the source was decoded with the wrong encoding "
                                           "(TIS-620 / Windows-874 read as UTF-8?)")
    text = unicodedata.normalize("NFC", text)
    plain, table = _fast(multiline)
    joined = text.translate(table) if plain.fullmatch(text) else _kept(text, field, value, multiline)
    lines = [" ".join(line.split()) for line in joined.split("\n")] if multiline else [" ".join(joined.split())]
    out = "\n".join(line for line in lines if line)
    if not out:
        raise NormaliseError(field, value, "is empty")
    return out


def _kept(text: str, field: str, value: object, multiline: bool) -> str:
    """The character rules of `clean_text`, one character at a time (the reference of the fast path)."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\r\u2028\u2029" and multiline:
            kept.append("\n")
        elif ch.isspace():
            kept.append(" ")
        elif category == "Cf":
            continue
        elif category in ("Cc", "Cs", "Co", "Cn"):
            raise NormaliseError(field, value, f"contains the control or unassigned character U+{ord(ch):04X}")
        else:
            kept.append(ch)
    return "".join(kept)


@functools.cache
def _fast(multiline: bool):  # noqa: ANN202 - (pattern, translate table)
    return fast_translation(lambda ch: _kept(ch, "", ch, multiline))


def to_millis(moment: datetime) -> datetime:
    """UTC, truncated to the millisecond the Avro timestamp keeps (so events round-trip exactly)."""
    moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_moment(value: object, *, field: str) -> datetime:
    """A date-time (a bare date is 00:00 Bangkok time that day), as UTC milliseconds."""
    return _moment(value, field, None)


def parse_moment_be(value: object, *, field: str) -> datetime:
    """`parse_moment` for a source that writes two-digit B.E. years (`02/08/61 14:30`)."""
    return _moment(value, field, Era.BE)


def _moment(value: object, field: str, short_era: Era | None) -> datetime:
    if isinstance(value, datetime):
        return to_millis(value if value.tzinfo else value.replace(tzinfo=BANGKOK))
    if isinstance(value, date):
        return to_millis(datetime(value.year, value.month, value.day, tzinfo=BANGKOK))
    try:
        return to_millis(parse_datetime(value, field=field, short_era=short_era))  # type: ignore[arg-type]
    except NormaliseError:
        day = parse_date(value, field=field, short_era=short_era)  # type: ignore[arg-type]
        return to_millis(datetime(day.year, day.month, day.day, tzinfo=BANGKOK))


def parse_day(value: object, *, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(value, field=field)  # type: ignore[arg-type]


def parse_day_be(value: object, *, field: str) -> date:
    """`parse_day` for a source that writes two-digit B.E. years (`02/08/61`)."""
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return parse_date(value, field=field, short_era=Era.BE)  # type: ignore[arg-type]
