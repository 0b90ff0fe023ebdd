"""Phone numbers to E.164 (`+66812345678`), using Google's libphonenumber rules (`phonenumbers`).

Numbers come as agencies type them: `081-234-5678`, `02 123 4567`, `+66 81 234 5678`,
`66812345678`, `0066...`, Thai digits. Migrants often keep a home number, so the person's
nationality (ISO alpha-3) is a hint for national-format numbers: a Myanmar `09 7912 34567` is
read as +95 when the hint is MMR. People in Thailand mostly use Thai SIMs, so when a number is
valid in both countries a mobile number wins, and the hinted country wins a tie: `0812345678` with hint
MMR is still +66 (it is a Thai mobile and only a Myanmar landline).
Short and service numbers (the 1300 hotline, 191) are not a person's number and are refused.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError
from connectors.normalise.nationality import alpha2_of

__all__ = ["normalise_phone"]

_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_ALLOWED = re.compile(r"[0-9+\-().\s/]+(?:\s?(?:ext\.?|x|ต่อ)\s?[0-9]{1,6})?")
# International call prefixes dialled from Thailand (001, 007, 008, 009) and the generic 00.
_THAI_IDD = re.compile(r"^00[1789]")


def normalise_phone(value: str, *, nationality: str | None = None, field: str = "phone") -> str:
    """The E.164 form of a phone number; `nationality` (alpha-3) hints at national formats."""
    text = clean(value, field)
    if not _ALLOWED.fullmatch(text.lower()):
        raise NormaliseError(field, value, "expected a phone number: digits, spaces, '-', '+', '(' and ')' only")
    text = re.split(r"\s?(?:ext\.?|x|ต่อ)\s?(?=[0-9])", text.lower())[0]  # an extension is not kept
    digits = re.sub(r"\D", "", text)
    if not 6 <= len(digits) <= 15:
        raise NormaliseError(field, value, f"has {len(digits)} digits; a phone number has 6 to 15 (short service numbers are not accepted)")
    for candidate in _candidates(text.strip(), digits, nationality):
        if candidate is not None:
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    where = "Thailand" + (f" or {nationality}" if nationality and _region(nationality) not in (None, "TH") else "")
    raise NormaliseError(
        field, value,
        f"is not a valid number in {where}; expected e.g. 081-234-5678, 02-123-4567 or +95 9 7912 3456",
    )


def _candidates(text: str, digits: str, nationality: str | None):
    """Readings of the number, most likely first; None for a reading that is not valid."""
    if text.startswith("+"):
        yield _parse("+" + digits, None)
        return
    if digits.startswith("00"):
        yield _parse("+" + digits[2:], None)
        if _THAI_IDD.match(digits):
            yield _parse("+" + digits[3:], None)
        return
    regions = [r for r in (_region(nationality), "TH") if r]
    national = [(r, n) for r in dict.fromkeys(regions) if (n := _parse(digits, r)) is not None]
    national.sort(key=lambda rn: phonenumbers.number_type(rn[1]) not in _MOBILE)  # stable: hint, TH
    yield from (n for _, n in national)
    if not digits.startswith("0"):
        yield _parse("+" + digits, None)  # country code typed without '+': 66812345678


def _parse(text: str, region: str | None):
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _region(nationality: str | None) -> str | None:
    if not nationality:
        return None
    return alpha2_of(nationality)
