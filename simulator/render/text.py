"""How agencies write times, dates of birth, sexes, nationalities, identifiers and names.

Each function takes the true value and a `random.Random`, and returns one of the forms NATIVE.md
lists for that agency: B.E. or C.E. years, Thai month names, Thai digits, a year or an age instead
of a date of birth, 13-digit numbers with or without dashes, names in Thai script or one of their
Latin spellings.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

from simulator.model import Person
from simulator.names import Spelling, latin_spelling, thai_spelling
from simulator.story import BANGKOK

__all__ = ["age_text", "be", "birth", "id13", "local", "moment", "nationality", "person_name", "phone", "sex",
           "thai_digits", "thai_spelling_plain"]

THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_NATIONALITY = {
    "english": {"THA": "Thai", "MMR": "Myanmar", "KHM": "Cambodia", "LAO": "Laos"},
    "demonym": {"THA": "Thai", "MMR": "Burmese", "KHM": "Cambodian", "LAO": "Lao"},
    "thai": {"THA": "ไทย", "MMR": "พม่า", "KHM": "กัมพูชา", "LAO": "ลาว"},
    "thai2": {"THA": "ไทย", "MMR": "เมียนมา", "KHM": "เขมร", "LAO": "ลาว"},
    "alpha2": {"THA": "TH", "MMR": "MM", "KHM": "KH", "LAO": "LA"},
    "alpha3": {"THA": "THA", "MMR": "MMR", "KHM": "KHM", "LAO": "LAO"},
}


def local(at: datetime) -> datetime:
    return at.astimezone(BANGKOK)


def be(year: int) -> int:
    return year + 543


def thai_digits(text: str) -> str:
    return text.translate(_THAI_DIGITS)


def moment(at: datetime, style: str) -> str:
    """One written form of an event time (Bangkok time unless the form carries an offset)."""
    t = local(at)
    if style == "iso":
        return t.isoformat(timespec="seconds")
    if style == "iso_z":
        return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "sql":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if style == "be":
        return f"{t:%d/%m}/{be(t.year)} {t:%H:%M}"
    if style == "be_date":
        return f"{t:%d/%m}/{be(t.year)}"
    if style == "thai_month":
        return f"{t.day} {THAI_MONTHS[t.month - 1]} {be(t.year)} {t:%H:%M}"
    if style == "thai_digits":
        return thai_digits(f"{t:%d/%m}/{be(t.year)} {t:%H.%M}") + " น."
    raise ValueError(style)


def birth(person: Person, on: date, rng: random.Random, era: str) -> tuple[str | None, str | None]:
    """(date of birth as written, age as written): one of them, or neither.

    `era` is "be" (labour, shelters: 00/00/2540, 2544, ประมาณ 2535), "ce" (police, case management:
    2008, 1990-05-17, 03/11/2522 too) or "iso" (immigration: 1990-05-17 or 1990)."""
    age = person.age_on(on)
    weights = (0.7, 0.15, 0.0, 0.0, 0.15) if not person.migrant else (0.15, 0.35, 0.15, 0.2, 0.15)
    form = rng.choices(("full", "year", "estimate", "age", "none"), weights)[0]
    if era == "iso" and form in ("estimate", "age"):
        form = "year"
    b = person.birth
    if form == "full":
        if era == "iso" or (era == "ce" and rng.random() < 0.5):
            return b.isoformat(), None
        return f"{b:%d/%m}/{be(b.year)}", None
    if form == "year":
        if era == "be":
            return rng.choice((f"00/00/{be(b.year)}", str(be(b.year)))), None
        return str(b.year if era == "iso" or rng.random() < 0.7 else be(b.year)), None
    if form == "estimate":
        error = 0 if age < 18 else rng.choice((-2, -1, 0, 1, 2))
        return f"ประมาณ {be(b.year + error)}", None
    if form == "age":
        return None, age_text(age, rng, era)
    return None, None


def age_text(age: int, rng: random.Random, era: str) -> str:
    if era == "be":
        return rng.choice((str(age), f"{age} ปี"))
    about = age if age < 18 else age + rng.choice((-1, 0, 0, 1))
    return rng.choice((str(age), f"อายุ {age} ปี", f"about {about}"))


def sex(person: Person, rng: random.Random, style: str) -> str:
    options = {"thai": (("ชาย", "หญิง"), ("ช", "ญ")), "latin": (("M", "F"), ("male", "female"), ("ชาย", "หญิง")),
               "code": (("M", "F"),)}[style]
    pair = rng.choice(options)
    return pair[0] if person.sex == "M" else pair[1]


def nationality(person: Person, rng: random.Random, style: str) -> str:
    forms = {"thai": ("thai", "thai", "thai2"), "latin": ("english", "demonym", "alpha2", "alpha3", "thai"),
             "code": ("alpha2", "alpha3", "english"), "alpha": ("alpha2", "alpha3")}[style]
    return _NATIONALITY[rng.choice(forms)][person.nationality]


def id13(value: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"
    return value


def phone(value: str, rng: random.Random) -> str:
    form = rng.randrange(3)
    if form == 0:
        return f"{value[:3]}-{value[3:6]}-{value[6:]}"
    if form == 1:
        return f"+66 {value[1:3]} {value[3:6]} {value[6:]}"
    return value


def thai_spelling_plain(person: Person, rng: random.Random) -> str:
    """The name in Thai script, without a title (as a name_th column holds it)."""
    return thai_spelling(person.name, rng, title=0.0).full


def person_name(person: Person, rng: random.Random, *, thai: float, title: float = 0.4,
                upper: bool = False, official: bool = False) -> Spelling:
    """A spelling of the person's name: Thai script with probability `thai`, else Latin."""
    if not official and rng.random() < thai:
        return thai_spelling(person.name, rng, title=title)
    spelt = latin_spelling(person.name, rng, official=official, title=title / 3)
    if upper:
        return Spelling(spelt.full.upper(), spelt.first.upper(), spelt.last.upper() if spelt.last else None)
    if not official and person.name.has_family and rng.random() < 0.1:   # JAIDEE, Somchai
        return Spelling(f"{spelt.last.upper()}, {spelt.first}", spelt.first, spelt.last)
    return spelt
