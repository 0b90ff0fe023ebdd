"""Values as events carry them: clean bounded text, lookup keys, UTC millisecond moments."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone

from connectors.normalise import BANGKOK, NormaliseError, parse_date, parse_datetime, thai_digits_to_ascii

__all__ = ["ID_LENGTH", "LABEL_LENGTH", "TEXT_LENGTH", "clean_text", "parse_day", "parse_moment", "to_millis",
           "vocab_key"]

LABEL_LENGTH, ID_LENGTH, TEXT_LENGTH = 200, 100, 4000


def vocab_key(text: str) -> str:
    """Lookup form of a label: NFC, case-folded, without spaces, '_', '-', '.' ("Debt bondage" = "DebtBondage")."""
    folded = unicodedata.normalize("NFC", thai_digits_to_ascii(text)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-.")


def clean_text(value: object, field: str, max_length: int = LABEL_LENGTH, *, multiline: bool = False) -> str:
    """Text as an event may carry it: NFC, no control, format or private-use characters, bounded.

    Integers are accepted as their digits (JSON and SQL ids). Whitespace runs become one space
    (line breaks are kept in `multiline` free text).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise NormaliseError(field, value, f"expected text, got {type(value).__name__}")
    text = str(value)
    if len(text) > max_length:
        raise NormaliseError(field, value, f"is {len(text)} characters long; at most {max_length} are accepted")
    if "\ufffd" in text:
        raise NormaliseError(field, value, "contains U+FFFD: the source was decoded with the wrong encoding "
                                           "(TIS-620 / Windows-874 read as UTF-8?)")
    kept = []
    for ch in unicodedata.normalize("NFC", text):
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
    joined = "".join(kept)
    lines = [" ".join(line.split()) for line in joined.split("\n")] if multiline else [" ".join(joined.split())]
    out = "\n".join(line for line in lines if line)
    if not out:
        raise NormaliseError(field, value, "is empty")
    return out


def to_millis(moment: datetime) -> datetime:
    """UTC, truncated to the millisecond the Avro timestamp keeps (so events round-trip exactly)."""
    moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_moment(value: object, *, field: str) -> datetime:
    """A date-time (a bare date is 00:00 Bangkok time that day), as UTC milliseconds."""
    if isinstance(value, datetime):
        return to_millis(value if value.tzinfo else value.replace(tzinfo=BANGKOK))
    if isinstance(value, date):
        return to_millis(datetime(value.year, value.month, value.day, tzinfo=BANGKOK))
    try:
        return to_millis(parse_datetime(value, field=field))  # type: ignore[arg-type]
    except NormaliseError:
        day = parse_date(value, field=field)  # type: ignore[arg-type]
        return to_millis(datetime(day.year, day.month, day.day, tzinfo=BANGKOK))


def parse_day(value: object, *, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(value, field=field)  # type: ignore[arg-type]
