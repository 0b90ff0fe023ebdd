"""Thai districts (amphoe; Bangkok's khet) as written, to their DOPA four-digit code (`6306` Mae Sot).

The gazetteer (`data/districts.csv`, 928 rows) holds each district's DOPA code, its province
(ISO 3166-2:TH, the code's first two digits), its Thai and its English (RTGS) name. Agencies
write a district as `แม่สอด`, `อ.แม่สอด`, `อำเภอแม่สอด`, `Mae Sot`, `Mae Sot District` or `6306`:
all are one district. Lookups ignore case, spaces, hyphens and dots, and the words อำเภอ / อ. /
เขต / กิ่งอำเภอ / Amphoe / Amphur / Khet / District.

A few names are shared by districts of several provinces (เฉลิมพระเกียรติ in five, Chom Thong in
two): the province the record names settles them, and without it the name is refused rather
than guessed. `เมือง` / `Mueang` alone is the capital district of the record's province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from connectors.normalise._data import read_table
from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError
from connectors.normalise.provinces import _key, province

__all__ = ["District", "districts", "district", "normalise_district"]


@dataclass(frozen=True)
class District:
    """One row of the gazetteer, for showing names in both languages."""

    code: str       # DOPA, e.g. "6306"
    province: str   # ISO 3166-2:TH, e.g. "TH-63"
    thai: str       # แม่สอด
    english: str    # Mae Sot


_PREFIX = re.compile(r"^(?:กิ่งอำเภอ|อำเภอ|อ\.|อ\s|เขต|king\samphoe\s|amphoe\s|amphur\s|amphur\.|khet\s)\s?")
_SUFFIX = re.compile(r"\s(?:district|amphoe|khet)$")
_CODE = re.compile(r"^[0-9]{4}$")
_CAPITAL = {"เมือง", "mueang", "muang", "meuang"}


def districts(province_code: str | None = None) -> tuple[District, ...]:
    """Every district (of one province), in code order."""
    rows = _table().rows
    return rows if province_code is None else tuple(d for d in rows if d.province == province_code)


def district(code: str) -> District:
    """The row for a DOPA district code such as "6306" (KeyError if there is none)."""
    return _table().by_code[code]


def normalise_district(value: str, *, province_code: str | None = None, field: str = "district") -> str:
    """The DOPA code of a district written by name (Thai or English) or code; `province_code`
    (ISO 3166-2:TH) settles names shared by several provinces and must agree with the district."""
    text = clean(value, field).lower()
    table = _table()
    if _CODE.match(text):
        found = [text] if text in table.by_code else []
        if not found:
            raise NormaliseError(field, value, "is not a DOPA district code (four digits: province, district)")
    else:
        bare = _SUFFIX.sub("", _PREFIX.sub("", text)).strip()
        key = _key(bare)
        if key in _CAPITAL and province_code:
            key = _key("เมือง" + province(province_code).thai)
        found = list(table.by_key.get(key, ()))
    if not found:
        raise NormaliseError(field, value, "is not a Thai district (expected a name such as แม่สอด or Mae Sot, "
                                           "or a DOPA code such as 6306)")
    if province_code:
        inside = [code for code in found if table.by_code[code].province == province_code]
        if not inside:
            where = ", ".join(sorted({province(table.by_code[c].province).english for c in found}))
            raise NormaliseError(field, value, f"is a district of {where}, not of {province(province_code).english}")
        found = inside
    if len(found) > 1:
        where = ", ".join(province(table.by_code[c].province).english for c in found)
        raise NormaliseError(field, value, f"names districts in {where}: the province is needed to tell which")
    return found[0]


class _Table:
    def __init__(self) -> None:
        self.rows = tuple(District(r["code"], r["province"], r["thai"], r["english"])
                          for r in read_table("districts.csv"))
        self.by_code = {d.code: d for d in self.rows}
        self.by_key: dict[str, tuple[str, ...]] = {}
        for d in self.rows:
            names = {d.thai, d.english, _PREFIX.sub("", d.thai), d.english.replace("Mueang ", "Muang ")}
            for key in {_key(name) for name in names}:
                self.by_key[key] = (*self.by_key.get(key, ()), d.code)


@cache
def _table() -> _Table:
    return _Table()
