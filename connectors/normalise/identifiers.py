"""Person identifiers: Thai national ID, pink card / migrant IDs, passports and other documents.

Identifiers are what links one person across agencies, so a wrong one is worse than none: a
13-digit number is accepted only when its check digit holds, and a document number is only
tidied, never guessed at (O and 0, I and 1 are left as written: only the issuing country's
format could settle them). The mod-11 check is weaker than it looks: the third digit has
weight 11 and remainders 0 and 10 share check digit 1, so it catches about 91% of single-digit
typos and 98% of swapped neighbours (measured over random IDs), not all of them.

The 13-digit number is the same structure for Thai citizens (first digit 1-5, 8) and for people
registered without Thai nationality, so one check serves both and `id13_kind` names the kind by
the leading digits (DOPA's numbering): `00` a registered migrant worker (the pink card of Myanmar,
Lao and Cambodian workers), any other `0`, `6` or `7` a non-Thai resident (stateless and
highland people, persons who entered irregularly, their children born in Thailand); no number
starts with 9. Telling the two non-Thai kinds apart matters: a stateless highlander is not a
migrant worker, and the screening questions differ.

Excel turns a number column into numbers and a pink card `0012345678905` into `12345678905`:
`normalise_id13` pads a bare run of 11 or 12 digits back to 13 with zeros and only then checks
it (the check digit still guards it: a Thai citizen number never starts with 0, so a padded
number can only be a non-Thai one, and a mistyped one fails the check as before).
"""

from __future__ import annotations

import re

from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError

__all__ = [
    "thai_id_check_digit", "normalise_thai_id", "normalise_migrant_id", "normalise_id13", "id13_kind",
    "normalise_passport", "normalise_document_number", "normalise_travel_document",
]

# Separators agencies put in IDs: 1-2345-67890-12-3, 1 2345 67890 12 3, 1.2345.67890.12.3
_SEPARATORS = re.compile(r"[\s\-./_]")


def thai_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai 13-digit ID: (11 - sum(digit_i * (13 - i)) mod 11) mod 10."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def normalise_thai_id(value: str, *, field: str = "thai_id") -> str:
    """Thirteen digits with a valid check digit, separators and Thai digits removed."""
    digits = _SEPARATORS.sub("", clean(value, field))
    if not digits.isascii() or not digits.isdigit():
        raise NormaliseError(field, value, "expected 13 digits (separators '-', ' ' and '.' allowed)")
    if len(digits) != 13:
        raise NormaliseError(field, value, f"has {len(digits)} digits; a Thai ID has 13")
    expected = thai_id_check_digit(digits[:12])
    if int(digits[12]) != expected:
        raise NormaliseError(
            field, value,
            f"check digit is {digits[12]} but the first 12 digits give {expected}: a digit is mistyped",
        )
    return digits


def normalise_migrant_id(value: str, *, field: str = "migrant_id") -> str:
    """A pink card / migrant worker 13-digit ID (usually starting 0, 6 or 7), check digit verified."""
    return normalise_thai_id(value, field=field)


_EXCEL_DIGITS = re.compile(r"[0-9]{11,12}")


def normalise_id13(value: str | int, *, field: str = "id13") -> str:
    """Any 13-digit population number, Thai or not: the leading zeros Excel dropped restored,
    then the check digit and the leading digit verified (`id13_kind` names its kind)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    bare = clean(text, field) if isinstance(text, str) else text
    if isinstance(bare, str) and _EXCEL_DIGITS.fullmatch(bare):
        text = bare.zfill(13)   # a number column ate the zeros: 0012345678905 -> 12345678905
    digits = normalise_thai_id(text, field=field)
    if digits[0] == "9":
        raise NormaliseError(field, value, "starts with 9; no Thai population number does")
    return digits


def id13_kind(digits: str) -> str:
    """The identifier kind of a checked 13-digit number, by its leading digits (DOPA numbering)."""
    if digits.startswith("00"):
        return "PinkCard"
    return "NonThaiId" if digits[0] in "067" else "ThaiId"


def normalise_document_number(value: str, *, field: str = "document_number", min_length: int = 5,
                              max_length: int = 20) -> str:
    """A document number (work permit, border pass, certificate of identity...): upper-case
    letters and digits with spaces, hyphens, dots and slashes removed."""
    text = _SEPARATORS.sub("", clean(value, field)).upper()
    if not text.isascii() or not text.isalnum():
        bad = next((c for c in text if not (c.isascii() and c.isalnum())), "")
        raise NormaliseError(field, value, f"contains {bad!r}; expected Latin letters and digits only")
    if not min_length <= len(text) <= max_length:
        raise NormaliseError(field, value, f"has {len(text)} letters and digits; expected {min_length} to {max_length}")
    return text


def normalise_travel_document(value: str, *, field: str = "document", what: str = "a passport") -> str:
    """A travel or seafarer's document number (passport, seabook, certificate of identity): 5 to
    15 letters and digits with at least one digit; only tidied, never guessed at."""
    text = normalise_document_number(value, field=field, min_length=5, max_length=15)
    if not any(c.isdigit() for c in text):
        raise NormaliseError(field, value, f"has no digit; {what} number has letters and digits")
    return text


def normalise_passport(value: str, *, field: str = "passport") -> str:
    """A passport number: upper case, no spaces; 5 to 15 letters and digits, at least one digit.

    Passport numbers of the region look like AA1234567 (Thailand), MA123456 (Myanmar),
    N1234567 (Cambodia), P1234567 (Laos), C1234567 (Viet Nam).
    """
    text = normalise_document_number(value, field=field, min_length=5, max_length=15)
    if not any(c.isdigit() for c in text):
        raise NormaliseError(field, value, "has no digit; a passport number has letters and digits")
    return text
