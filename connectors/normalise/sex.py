"""Sex as recorded (ชาย/หญิง, ช/ญ, M/F, male/female...) to `Male`, `Female`, `Other` or `Unknown`.

Forms and exports record sex, not gender identity, in a handful of ways; the hub keeps the four
values the brief asked for. HTCDS 2.0's `prs_Gender` picklist is richer (Feminine, Masculine,
TransgenderFeminine, TransgenderMasculine, NonConforming, NonSpecifiedUnknown): `HTCDS_GENDER`
gives the closest value for each, and "Other" stays NonConforming because nothing finer is
known from these sources. A blank or "unknown" is a legitimate answer here, not an error: it
becomes `Unknown`. Thai child titles (ด.ช. boy, ด.ญ. girl) and adult titles (นาย, นาง, นางสาว)
are accepted because some exports put the title in the sex column.
"""

from __future__ import annotations

import re

from connectors.normalise._text import BLANKS, clean
from connectors.normalise.errors import NormaliseError

__all__ = ["MALE", "FEMALE", "OTHER", "UNKNOWN", "SEXES", "HTCDS_GENDER", "normalise_sex"]

MALE, FEMALE, OTHER, UNKNOWN = "Male", "Female", "Other", "Unknown"
SEXES = (MALE, FEMALE, OTHER, UNKNOWN)
HTCDS_GENDER = {MALE: "Masculine", FEMALE: "Feminine", OTHER: "NonConforming", UNKNOWN: "NonSpecifiedUnknown"}

_WORDS = {
    MALE: {"ชาย", "ช", "เพศชาย", "ผู้ชาย", "นาย", "ดช", "เด็กชาย", "m", "male", "man", "men", "boy", "masculine", "1"},
    FEMALE: {"หญิง", "ญ", "เพศหญิง", "ผู้หญิง", "นาง", "นางสาว", "นส", "ดญ", "เด็กหญิง",
             "f", "female", "woman", "women", "girl", "feminine", "2"},
    OTHER: {"อื่นๆ", "อื่น", "เพศทางเลือก", "o", "x", "other", "nonbinary", "intersex", "transgender", "nonconforming"},
    UNKNOWN: {"u", "unknown", "unk", "ไม่ทราบเพศ", "ไม่ระบุเพศ", "notspecified", "nonspecifiedunknown"} | set(BLANKS),
}
_LOOKUP = {word: sex for sex, words in _WORDS.items() for word in words}


def normalise_sex(value: str | None, *, field: str = "sex") -> str:
    """One of Male, Female, Other, Unknown. None and blanks give Unknown.

    The digits 1 and 2 are read as male and female (the Thai civil-registration and ISO/IEC 5218
    coding); 0 and 9 (ISO 5218 "not known" / "not applicable") give Unknown.
    """
    if value is None:
        return UNKNOWN
    if isinstance(value, str) and not value.strip():
        return UNKNOWN
    text = clean(value, field).lower()
    key = re.sub(r"[\s.\-_()/]", "", text)
    if key in ("0", "9"):
        return UNKNOWN
    sex = _LOOKUP.get(key) or _LOOKUP.get(text)
    if sex is None:
        raise NormaliseError(field, value, "expected ชาย/หญิง, ช/ญ, M/F, male/female, other or unknown")
    return sex
