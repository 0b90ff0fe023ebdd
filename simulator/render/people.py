"""A person as each agency writes them: the English-key object (police, case management, hotline),
the Thai columns (labour exports, shelters), a crew-list entry, and the immigration columns.
The papers of `papers.py` (seabooks, CIs) and Excel's lost zeros are drawn from the record's
`papers` stream (`Ink.papers`), so the other fields come out as they did before persons held them."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from simulator.model import Person
from simulator.names import latin_spelling
from simulator.render import text

__all__ = ["crew_entry", "excel_number", "immigration_columns", "person_object", "thai_columns"]


def person_object(person: Person, on: date, rng: random.Random, *, thai: float | None = None,
                  partial: bool = False, named: bool = True, papers: random.Random | None = None) -> dict[str, Any]:
    """`name`, `name_latin`, `dob` / `age`, `sex`, `nationality`, `thai_id` / `pink_card`, `passport`,
    `seabook`, `certificate_of_identity`, `phone` as the police and MSDHS case management write them;
    fields they do not know are absent. The papers of `papers.py` are drawn from `papers` (the
    record's own stream for them), the rest from `rng`.
    `partial`: what a hotline caller knows (a name, an approximate age); `named`: the whole name, or
    (False) only its first word, as a caller who knows a first name or nickname gives it."""
    share = thai if thai is not None else (0.75 if not person.migrant else 0.4)
    spelt = text.person_name(person, rng, thai=share, title=0.0 if partial else 0.4)
    out: dict[str, Any] = {"name": spelt.first.split()[0] if not named and spelt.first else spelt.full}
    if not partial and spelt.full[:1] > "\u0e00" and rng.random() < 0.4:
        out["name_latin"] = latin_spelling(person.name, rng).full
    if partial:
        if rng.random() < 0.8:
            out["age"] = text.age_text(person.age_on(on), rng, "ce")
    else:
        dob, age = text.birth(person, on, rng, "ce")
        out.update({k: v for k, v in (("dob", dob), ("age", age)) if v})
    if rng.random() < 0.9:
        out["sex"] = text.sex(person, rng, "latin")
    if rng.random() < 0.9:
        out["nationality"] = text.nationality(person, rng, "latin")
    if partial:
        return out
    if person.thai_id and rng.random() < (0.8 if not person.migrant else 0.35):
        out["pink_card" if person.migrant else "thai_id"] = text.id13(person.thai_id, rng)
    if person.passport and rng.random() < 0.35:
        out["passport"] = person.passport if rng.random() < 0.7 else f"{person.passport[:1]} {person.passport[1:]}"
        if person.migrant and rng.random() < 0.5:
            out["passport_country"] = text.nationality(person, rng, "code")
    out.update(_documents(person, papers, {"seabook": "seabook", "ci": "certificate_of_identity"}))
    if person.phone and rng.random() < 0.4:
        out["phone"] = text.phone(person.phone, rng)
    return out


def _documents(person: Person, papers: random.Random | None, keys: dict[str, str]) -> dict[str, str]:
    """The seabook and CI a record writes (half the time each, where the person holds one)."""
    papers = papers or random.Random(f"papers:{person.pid}")
    chances = {paper: papers.random() for paper in keys}     # always drawn: one paper never moves another
    return {key: getattr(person, paper) for paper, key in keys.items()
            if getattr(person, paper) and chances[paper] < 0.5}


def excel_number(value: str) -> str:
    """A 13-digit number as an Excel number column keeps it: the leading zeros gone (a pink card
    0012345678905 becomes 12345678905). Only numbers left with 11 or 12 digits are written so: the
    mapping pads those back (NATIVE.md), and a shorter one is lost in the export anyway."""
    bare = value.lstrip("0")
    return bare if len(bare) in (11, 12) else value


def thai_columns(person: Person, on: date, rng: random.Random, *, papers: random.Random | None = None,
                 documents: bool = False, excel: bool = False) -> dict[str, str]:
    """The person columns of labour exports and shelter records (B.E. dates, Thai labels).
    `documents`: the seabook and CI columns too (the shelters' exports have them, the labour
    exports' fixed columns do not); `excel`: an export whose number column ate leading zeros."""
    spelt = text.person_name(person, rng, thai=0.8 if person.migrant else 0.95, title=0.5)
    dob, age = text.birth(person, on, rng, "be")
    out = {"ชื่อ-สกุล": spelt.full, "ชื่อภาษาอังกฤษ": "", "สัญชาติ": text.nationality(person, rng, "thai"),
           "วันเกิด": dob or "", "อายุ": age or "", "เพศ": text.sex(person, rng, "thai"), "เลขประจำตัว": "",
           "หนังสือเดินทาง": "", "โทรศัพท์": ""}
    if spelt.full[:1] > "\u0e00" and rng.random() < 0.4:
        out["ชื่อภาษาอังกฤษ"] = latin_spelling(person.name, rng).full
    if person.thai_id and rng.random() < (0.8 if not person.migrant else 0.45):
        out["เลขประจำตัว"] = text.id13(person.thai_id, rng)
        if excel:
            out["เลขประจำตัว"] = excel_number(person.thai_id)
    if person.passport and rng.random() < 0.3:
        out["หนังสือเดินทาง"] = person.passport
    if documents:
        out.update(_documents(person, papers, {"seabook": "หนังสือคนประจำเรือ", "ci": "เอกสารรับรองบุคคล"}))
    if person.phone and rng.random() < 0.4:
        out["โทรศัพท์"] = text.phone(person.phone, rng)
    return out


_SEABOOK_WORDS = ("หนังสือคนประจำเรือ", "หนังสือคนประจำเรือ", "seabook", "SB")
_CI_WORDS = ("เอกสารรับรองบุคคล", "CI")


def crew_entry(person: Person, rng: random.Random, *, papers: random.Random | None = None,
               excel: bool = False) -> str:
    """`ชื่อ|สัญชาติ|เลขเอกสาร|ปีเกิด|ประเภทเอกสาร`: the document is the seabook (named in the last
    part) for most crew who hold one, else the pink card or Thai ID (as Excel keeps it when
    `excel`), else the passport, else a CI (named)."""
    papers = papers or random.Random(f"papers:{person.pid}")
    spelt = text.person_name(person, rng, thai=0.7, title=0.0)
    writes_seabook, word = papers.random() < 0.8, papers.randrange(12)
    kind = ""
    if person.seabook and writes_seabook:
        document, kind = person.seabook, _SEABOOK_WORDS[word % len(_SEABOOK_WORDS)]
    elif person.thai_id:
        document = excel_number(person.thai_id) if excel else person.thai_id
    elif person.passport or not person.ci:
        document = person.passport or ""
    else:
        document, kind = person.ci, _CI_WORDS[word % len(_CI_WORDS)]
    year = str(text.be(person.birth.year)) if rng.random() < 0.6 else ""
    return "|".join((spelt.full, text.nationality(person, rng, "thai"), document, year, kind)).rstrip("|")


def immigration_columns(person: Person, on: date, rng: random.Random, *, document: str | None) -> dict[str, Any]:
    """first_name, last_name (Latin, upper case; the passport spelling when the document is a
    passport), name_th, nationality, birth_date, sex, doc_type, doc_no, doc_country."""
    official = document == "PASSPORT"
    spelt = text.person_name(person, rng, thai=0.0, title=0.0, upper=True, official=official)
    if official:
        spelt = type(spelt)(spelt.full.upper(), spelt.first.upper(), spelt.last.upper() if spelt.last else None)
    dob, _ = text.birth(person, on, rng, "iso")
    numbers = {"PASSPORT": person.passport, "BORDER_PASS": person.border_pass, "PINK_CARD": person.thai_id,
               "NON_THAI_ID": person.thai_id, "ID_CARD": person.thai_id, "CI": person.ci, "SEABOOK": person.seabook}
    out: dict[str, Any] = {
        "first_name": spelt.first, "last_name": spelt.last,
        "name_th": text.thai_spelling_plain(person, rng) if rng.random() < (0.6 if not person.migrant else 0.15)
        else None,
        "nationality": text.nationality(person, rng, "code"), "birth_date": dob, "sex": person.sex,
        "doc_type": document, "doc_no": numbers.get(document or "") if document else None,
        "doc_country": None,
    }
    if document in ("PASSPORT", "BORDER_PASS"):
        out["doc_country"] = text.nationality(person, rng, "alpha")
    return out
