"""Nationality as written (Thai name, English name or demonym, ISO code) to ISO 3166-1 alpha-3.

Tables (see data/README.md): `countries.csv` has every ISO 3166-1 country (alpha-2, alpha-3,
English names); `nationality_aliases.csv` adds what agencies write instead: Thai names (พม่า,
เมียนมา, กัมพูชา, ลาว...), demonyms (Burmese, Khmer, Laotian...), old codes (BUR for Burma).
Lookups ignore case, spaces, punctuation and the words สัญชาติ/ชาว/ประเทศ/คน and
"national(ity)"/"citizen", so "สัญชาติพม่า", "ชาวกัมพูชา" and "Myanmar national" all resolve.

Stateless persons (common among hill-tribe and Rohingya victims) have no ISO country: they are
given `XXA`, the ICAO 9303 code for stateless persons used on travel documents. Ethnic groups
(กะเหรี่ยง Karen, ไทใหญ่ Shan, มอญ Mon, Rohingya) are not nationalities and are refused rather
than guessed: a Karen person may be Thai, Myanmar or stateless.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from connectors.normalise._data import read_table
from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError

__all__ = ["STATELESS", "normalise_nationality", "alpha2_of", "country_name"]

STATELESS = "XXA"

# Ethnic groups written in a nationality field: refused with their own reason.
_ETHNIC_GROUPS = frozenset({
    "กะเหรี่ยง", "karen", "kayin", "ไทใหญ่", "ไตใหญ่", "shan", "มอญ", "mon", "โรฮิงญา", "rohingya",
    "ม้ง", "hmong", "อาข่า", "akha", "ลาหู่", "lahu", "ลีซอ", "lisu", "เมี่ยน", "mien", "yao",
    "ไทลื้อ", "tai lue", "คะฉิ่น", "kachin", "ว้า", "wa",
})
_THAI_WORDS = re.compile(r"^(?:สัญชาติ|ชาว|ประเทศ|คน)+")
_ENGLISH_WORDS = re.compile(r"\s(?:nationals?|nationality|citizens?|citizenship)$")


def normalise_nationality(value: str, *, field: str = "nationality") -> str:
    """The ISO 3166-1 alpha-3 code (or XXA, stateless) of a nationality as written."""
    text = clean(value, field)
    tables = _tables()
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = tables.codes.get(text.upper())
        if code:
            return code
    code = tables.names.get(_key(text))
    if code is None and _key(text) in _ETHNIC_KEYS:
        raise NormaliseError(
            field, value,
            "is an ethnic group, not a nationality (its members may be Thai, from a neighbouring "
            "country or stateless): record the nationality, or ไร้สัญชาติ / stateless",
        )
    if code is None:
        raise NormaliseError(
            field, value,
            "is not a known country name, nationality or ISO code "
            "(expected e.g. พม่า, Myanmar, Burmese, MM or MMR)",
        )
    return code


def alpha2_of(alpha3: str) -> str | None:
    """The ISO alpha-2 code of an alpha-3 code (None for XXA or an unknown code)."""
    return _tables().alpha2.get(alpha3.upper()) if isinstance(alpha3, str) else None


def country_name(alpha3: str) -> str | None:
    """The English short name of an alpha-3 code, for display ("Stateless" for XXA)."""
    if alpha3 == STATELESS:
        return "Stateless"
    return _tables().english.get(alpha3.upper()) if isinstance(alpha3, str) else None


def _key(text: str) -> str:
    """Lower case, no accents, letters and Thai marks only, minus nationality words."""
    text = _ENGLISH_WORDS.sub("", text.lower().strip())
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        c for c in decomposed
        if unicodedata.category(c)[0] == "L" or (unicodedata.category(c)[0] == "M" and not c.isascii() and "\u0e00" <= c <= "\u0e7f")
    )
    return _THAI_WORDS.sub("", kept)


_ETHNIC_KEYS = frozenset(_key(name) for name in _ETHNIC_GROUPS)


class _Tables:
    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.alpha2: dict[str, str] = {}
        self.english: dict[str, str] = {}
        for row in read_table("countries.csv"):
            a2, a3 = row["alpha2"], row["alpha3"]
            self.codes[a2] = self.codes[a3] = a3
            self.alpha2[a3] = a2
            self.english[a3] = row["common_name"] or row["name"]
            for name in (row["name"], row["common_name"], row["official_name"]):
                if name:
                    self.names.setdefault(_key(name), a3)
        for row in read_table("nationality_aliases.csv"):
            alias, a3 = row["alias"], row["alpha3"]
            if alias.isascii() and alias.isalpha() and alias.isupper() and len(alias) in (2, 3):
                self.codes.setdefault(alias, a3)
            self.names[_key(alias)] = a3
        self.codes.setdefault(STATELESS, STATELESS)


@cache
def _tables() -> _Tables:
    return _Tables()
