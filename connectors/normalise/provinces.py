"""Thai provinces as written (Thai name, English name, code) to ISO 3166-2:TH (`TH-57`).

The table (`data/provinces.csv`, 77 rows: 76 provinces and Bangkok) holds the ISO code, the Thai
name, the English name (ISO 3166-2 / RTGS spelling, "Bangkok" for TH-10), the official two-letter
Thai abbreviation (ชร for เชียงราย) and known variants ("Chiangrai", "Korat", "Mahachai").
ISO 3166-2:TH numbers are the Department of Provincial Administration's province codes, so
"57" and "TH-57" both mean Chiang Rai.

Lookups ignore case, spaces, hyphens and dots and the words จังหวัด / จ. / Province / Changwat,
so "จ.เชียงราย", "Chiang-Rai province" and "CHIANGRAI" agree.

Pattaya (TH-S, a special administrative city, พัทยา) is mapped to TH-20 Chon Buri: the hub
routes work by province and Pattaya's cases belong to the Chon Buri provincial team (PSDHS
Chon Buri); TH-S is therefore never returned. "Mahachai" (the seat of Samut Sakhon, as the
province is widely called in labour and fishing reports) maps to TH-74.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from connectors.normalise._data import read_table
from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError

__all__ = ["Province", "provinces", "province", "normalise_province"]


@dataclass(frozen=True)
class Province:
    """One row of the table, for showing names in both languages."""

    code: str  # ISO 3166-2:TH, e.g. "TH-57"
    thai: str  # เชียงราย
    english: str  # Chiang Rai


_PREFIX = re.compile(r"^(?:จังหวัด|จ\.|จ\s|changwat\s|province\s?(?:of\s)?)\s?")
_SUFFIX = re.compile(r"\s(?:province|changwat)$")
_CODE = re.compile(r"^(?:th\s?[-_]?\s?([0-9]{2}|s)|([0-9]{2}))$")


def provinces() -> tuple[Province, ...]:
    """All 77 provinces in code order (TH-10 Bangkok first)."""
    return _table().rows


def province(code: str) -> Province:
    """The row for an ISO code such as "TH-57" (KeyError if there is none)."""
    return _table().by_code[code]


def normalise_province(value: str, *, field: str = "province") -> str:
    """The ISO 3166-2:TH code of a province written by name (Thai or English) or code."""
    text = clean(value, field).lower()
    table = _table()
    m = _CODE.match(text)
    if m:
        number = m.group(1) or m.group(2)
        code = "TH-20" if number == "s" else "TH-" + number
        if code in table.by_code:
            return code
        raise NormaliseError(field, value, f"{code} is not a Thai province code (expected TH-10 to TH-96)")
    bare = _SUFFIX.sub("", _PREFIX.sub("", text)).strip()
    code = table.by_key.get(_key(bare))
    if code is None:
        raise NormaliseError(
            field, value,
            "is not a Thai province (expected a name such as เชียงราย or Chiang Rai, or a code such as TH-57)",
        )
    return code


def _key(text: str) -> str:
    """Letters and Thai marks only, lower case, no accents: 'Chiang-Rai' -> 'chiangrai'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c)[0] == "L" or "\u0e00" <= c <= "\u0e7f")


class _Table:
    def __init__(self) -> None:
        rows = []
        self.by_key: dict[str, str] = {}
        for row in read_table("provinces.csv"):
            code = row["code"]
            rows.append(Province(code, row["thai"], row["english"]))
            names = [row["thai"], row["english"], row["thai_abbr"], *filter(None, row["aliases"].split("|"))]
            for name in names:
                key = _key(name)
                if self.by_key.setdefault(key, code) != code:
                    raise ValueError(f"provinces.csv: {name!r} names both {self.by_key[key]} and {code}")
        self.rows = tuple(sorted(rows, key=lambda p: p.code))
        self.by_code = {p.code: p for p in self.rows}


@cache
def _table() -> _Table:
    return _Table()
