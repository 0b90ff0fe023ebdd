"""Persons and organisations of an event, from native fields.

Person attributes are read leniently: one that cannot be read (a date of birth like 31/02/2530, a
Thai ID whose check digit fails, an ethnic group written as nationality) is left out and noted,
and the person and the event stay (see NATIVE.md, "dead letter or dropped?").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from connectors.mapping.fields import FieldReader, clean_text, pure
from connectors.normalise import (Age, PartialDate, is_blank, Script, id13_kind, name_from_parts,
                                  normalise_document_number, normalise_id13, normalise_travel_document,
                                  normalise_nationality, normalise_passport, normalise_phone, normalise_province,
                                  normalise_sex, normalise_thai_id, parse_age, parse_date_of_birth, parse_name,
                                  romanise_thai, thai_digits_to_ascii)

__all__ = ["PersonFields", "POLICE_PERSON", "THAI_PERSON", "build_person", "document", "ID13_KINDS", "id13_kind", "identifier",
           "organisation", "read_organisation"]

for _parse in (normalise_thai_id, normalise_id13, normalise_passport, normalise_document_number, normalise_sex):
    pure(_parse)   # their results depend on the value alone: FieldReader.read may keep them

_SCRIPTS = {Script.THAI: "Thai", Script.LATIN: "Latin", Script.MYANMAR: "Myanmar", Script.KHMER: "Khmer",
            Script.LAO: "Lao"}
_NO_NAME = {"ไม่ทราบชื่อ", "ไม่ทราบชื่อสกุล", "ไม่ทราบชื่อ-สกุล", "ไม่ระบุชื่อ", "ไม่ประสงค์ออกนาม", "anonymous",
            "unknown name", "no name", "ไม่ทราบ ชื่อ"}


@dataclass(frozen=True)
class PersonFields:
    """Which native fields hold a person's attributes (None: the shape has no such field)."""

    name: str | None = None          # one string, Thai or Latin, titles allowed
    latin: str | None = None         # a Latin spelling the agency holds
    given: str | None = None         # separate given / family columns
    family: str | None = None
    dob: str | None = None
    age: str | None = None
    sex: str | None = None
    nationality: str | None = None
    id13: tuple[tuple[str, str | None], ...] = ()   # (field, kind or None: decided by the first digit)
    passport: str | None = None
    passport_country: str | None = None
    phone: str | None = None
    documents: tuple[tuple[str, str], ...] = ()     # (field, kind): seabook, certificate of identity


POLICE_PERSON = PersonFields(name="name", latin="name_latin", dob="dob", age="age", sex="sex",
                             nationality="nationality", id13=(("thai_id", None), ("pink_card", "PinkCard")),
                             passport="passport", passport_country="passport_country", phone="phone",
                             documents=(("seabook", "Seabook"), ("certificate_of_identity", "CertificateOfIdentity")))
THAI_PERSON = PersonFields(name="ชื่อ-สกุล", latin="ชื่อภาษาอังกฤษ", dob="วันเกิด", age="อายุ", sex="เพศ",
                           nationality="สัญชาติ", id13=(("เลขประจำตัว", None),), passport="หนังสือเดินทาง",
                           phone="โทรศัพท์", documents=(("หนังสือคนประจำเรือ", "Seabook"),
                                                       ("เอกสารรับรองบุคคล", "CertificateOfIdentity")))


ID13_KINDS = frozenset({"ThaiId", "PinkCard", "NonThaiId"})
_DOCUMENTS = {"Passport": "a passport", "Seabook": "a seabook", "CertificateOfIdentity": "a certificate of identity"}


def identifier(kind: str, value: str, issuing_country: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "value": value, "issuing_country": issuing_country}


def document(r: FieldReader, key: str, kind: str, issuing_country: str | None) -> dict[str, Any] | None:
    """The identifier in field `key`, tidied and checked for its kind; None (noted) when unreadable."""
    if kind in ID13_KINDS:   # the leading digits say which, whatever the field was called
        digits = r.read(key, normalise_id13, "13 digits", lenient=True)
        if digits is None:
            return None
        return identifier(id13_kind(digits), digits, "THA")
    parse = _travel_document(kind) if kind in _DOCUMENTS else normalise_document_number
    value = r.read(key, parse, "a document number", lenient=True)
    return identifier(kind, value, issuing_country) if value else None


@functools.cache
def _travel_document(kind: str) -> Callable[..., str]:
    """The pure parser of one travel-document kind (one per kind, so FieldReader may keep its results)."""
    what = _DOCUMENTS[kind]
    return pure(lambda value, field: normalise_travel_document(value, field=field, what=what))


def build_person(r: FieldReader, ref: str, role: str, spec: PersonFields, as_of: date | None, *,
                 official_latin: bool = False, identifiers: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """A `sanpalang.common.Person` from the fields `spec` names in `r`."""
    # A field the record does not hold reads as None: most shapes name more person fields than a
    # record fills, so absent ones are skipped here rather than read (a third of a police record's reads).
    fields = r.fields
    nationality = r.read(spec.nationality, normalise_nationality, "a nationality", lenient=True) \
        if spec.nationality and spec.nationality in fields else None
    dob, precision, age = _birth(r, spec, as_of)
    sex = "Unknown"
    if spec.sex and spec.sex in fields:
        sex = r.read(spec.sex, normalise_sex, "a sex", lenient=True) or "Unknown"
    ids: list[dict[str, Any]] = []
    for key, kind in spec.id13:
        if key in fields:
            ids.append(document(r, key, kind or "ThaiId", "THA"))
    if spec.passport and spec.passport in fields:
        country = r.country(spec.passport_country, lenient=True) \
            if spec.passport_country and spec.passport_country in fields else None
        ids.append(document(r, spec.passport, "Passport", country or nationality))
    for key, kind in spec.documents:
        if key in fields:
            ids.append(document(r, key, kind, nationality))
    if spec.phone and spec.phone in fields:
        phone = r.read(spec.phone, lambda v, field: normalise_phone(v, nationality=nationality, field=field),
                       "a phone number", lenient=True)
        ids.append(identifier("Phone", phone) if phone else None)
    unique: list[dict[str, Any]] = []
    for item in [*ids, *identifiers]:
        if item and all((u["kind"], u["value"]) != (item["kind"], item["value"]) for u in unique):
            unique.append(item)
    return {"person_ref": ref, "role": role, "names": _names(r, spec, nationality, official_latin),
            "date_of_birth": dob, "dob_precision": precision, "age_years": age, "sex": sex,
            "nationality": nationality, "identifiers": unique}


def _birth(r: FieldReader, spec: PersonFields, as_of: date | None) -> tuple[date | None, str, int | None]:
    dob, precision, age = None, "Unknown", None
    if spec.dob and spec.dob in r.fields:
        found = r.read(spec.dob, lambda v, field: parse_date_of_birth(_text(v), as_of=as_of, field=field,
                                                                       short_era=r.short_era),
                       "a date of birth, a year or an age", lenient=True)
        if isinstance(found, PartialDate):
            dob, precision = found.date, str(found.precision)
        elif isinstance(found, Age):
            age = found.years
    if spec.age and age is None and as_of is not None and spec.age in r.fields:
        found = r.read(spec.age, lambda v, field: parse_age(_text(v), as_of=as_of, field=field), "an age",
                       lenient=True)
        age = found.years if found else None
    return dob, precision, age


def _text(value: object) -> object:
    """JSON numbers (an age of 16, a year of 1990) read as their digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _names(r: FieldReader, spec: PersonFields, nationality: str | None, official_latin: bool) -> list[dict[str, Any]]:
    names: list[dict[str, Any]] = []
    if spec.given and spec.family and (r.given(spec.given) or r.given(spec.family)):
        # A single name may be in either column (many Myanmar names have no family name).
        given_key, family = (spec.given, r.get(spec.family)) if r.given(spec.given) else (spec.family, None)
        def parse(value: object, field: str) -> tuple[Any, str]:
            written = " ".join(str(part) for part in (value, family) if not is_blank(part))
            return name_from_parts(value, family, nationality=nationality, field=field), clean_text(written, field)
        parsed = r.read(given_key, parse, "a given name", lenient=True)
        if parsed:
            _add(names, parsed[0], parsed[1], official_latin, nationality)
    for key, official in ((spec.name, False), (spec.latin, official_latin)):
        if not key or not r.given(key) or _unknown(r.get(key)):
            continue
        parsed = r.read(key, lambda v, field: (parse_name(v, nationality=nationality, field=field),
                                               clean_text(v, field)), "a name", lenient=True)
        if parsed:
            _add(names, parsed[0], parsed[1], official, nationality)
    return names


def _unknown(value: object) -> bool:
    return isinstance(value, str) and _says_no_name(value)


@functools.lru_cache(maxsize=8192)   # asked of every name; names come back
def _says_no_name(value: str) -> bool:
    return " ".join(value.split()).casefold() in _NO_NAME


def _add(names: list[dict[str, Any]], parsed: Any, full: str, official: bool, nationality: str | None) -> None:
    script = _SCRIPTS.get(parsed.script, "Other")
    entry = {"given": parsed.given, "family": parsed.family, "full": full, "script": script,
             "is_official_romanisation": official and script == "Latin"}
    _merge(names, entry)
    if parsed.script is Script.THAI:
        # The hub's RTGS romanisation is a machine's (a table, a model, rules: issue 15), never an
        # official spelling: only a passport's, or an agency's Latin field, is.
        given = _romanised(parsed.given)
        family = _romanised(parsed.family) if parsed.family else None
        if given and (family or not parsed.family):
            _merge(names, {"given": given, "family": family, "full": f"{given} {family}" if family else given,
                           "script": "Latin", "is_official_romanisation": False})


# RTGS of a Thai given or family name: pure (pythainlp's royin, word by word), and names come back.
_romanised = functools.lru_cache(maxsize=16384)(romanise_thai)


def _merge(names: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Add a spelling once: the same full name in the same script is one spelling (official if either is)."""
    for known in names:
        if known["script"] == entry["script"] and known["full"].casefold() == entry["full"].casefold():
            known["is_official_romanisation"] |= entry["is_official_romanisation"]
            return
    names.append(entry)


_DBD = re.compile(r"[\s\-.]")


def organisation(ref: str, kind: str, name: str, *, registration: str | None = None,
                 vessel_registration: str | None = None, licence: str | None = None,
                 province: str | None = None) -> dict[str, Any]:
    return {"org_ref": ref, "kind": kind, "name": name, "registration_number": registration,
            "vessel_registration": vessel_registration, "licence": licence, "province": province}


def read_organisation(r: FieldReader, ref: str, kind: str, name: str, *, registration: str | None = None,
                      vessel_registration: str | None = None, licence: str | None = None,
                      province: str | None = None, required: bool = False) -> dict[str, Any] | None:
    """An organisation from the fields named (its name required when `required` or when any other
    of its fields is given); None when the record names none."""
    others = [k for k in (registration, vessel_registration, licence) if k and r.given(k)]
    label = r.label(name, required=required or bool(others))
    if label is None:
        return None
    reg = r.read(registration, _registration, "a registration number", lenient=True) if registration else None
    vessel = r.ident(vessel_registration) if vessel_registration else None
    lic = r.ident(licence) if licence else None
    prov = r.read(province, normalise_province, "a province", lenient=True) if province else None
    return organisation(ref, kind, label, registration=reg, vessel_registration=vessel, licence=lic, province=prov)


@pure
def _registration(value: object, *, field: str) -> str:
    """A juristic person number (13 digits, DBD) or another registration: tidied, not guessed at."""
    text = clean_text(value, field, 40)
    digits = _DBD.sub("", thai_digits_to_ascii(text))
    return digits if digits.isdigit() and len(digits) == 13 else normalise_document_number(text, field=field)

