"""Seeded synthetic data for tests and benchmarks (no real person is in it).

- `febrl_like(...)`: rows shaped like FEBRL (given_name, surname, date_of_birth YYYYMMDD,
  soc_sec_id, street_number, address_1, suburb, postcode, state) with duplicates corrupted the
  FEBRL way (typos, swapped names, missing values, day/month swaps, transposed digits).
- `agency_persons(...)`: persons in the event shape (`sanpalang.common.Person`), repeated across
  agencies the way DOMAIN.md describes them: Thai script or ad-hoc romanisations (Somchai /
  Somchay), given and family swapped, Burmese names without a family name, a year or an age
  instead of a date, identifiers missing more often than not for migrants.
Both yield `(truth, row)`; `truth` is the generated person's number.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from connectors.normalise import thai_id_check_digit
from streams.events import EventPerson

__all__ = ["febrl_like", "agency_persons"]

_ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr", "sh"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "ie"]
_CODAS = ["", "", "n", "r", "l", "s", "th", "ck", "m", "tt", "nd"]
_STREETS = ["street", "road", "avenue", "crescent", "place", "circuit", "close"]
_STATES = ["nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text + rng.choice(_LETTERS)
    i = rng.randrange(len(text))
    op = rng.randrange(4)
    if op == 0:
        return text[:i] + rng.choice(_LETTERS) + text[i + 1:]
    if op == 1:
        return text[:i] + text[i + 1:]
    if op == 2:
        return text[:i] + rng.choice(_LETTERS) + text[i:]
    j = min(i + 1, len(text) - 1)
    chars = list(text)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def _digit_typo(rng: random.Random, digits: str) -> str:
    positions = [i for i, c in enumerate(digits) if c.isdigit()]
    if not positions:
        return digits
    i = rng.choice(positions)
    if rng.random() < 0.5 and i + 1 < len(digits):
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    return digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1:]


def febrl_like(persons: int = 1000, duplicates: int = 1000, *, seed: int = 0) -> Iterator[tuple[int, dict[str, str]]]:
    """`persons` originals then `duplicates` corrupted copies of random originals."""
    rng = random.Random(seed)
    given_pool = [_word(rng, rng.choice((1, 2, 2, 3))) for _ in range(max(50, persons // 8))]
    family_pool = [_word(rng, rng.choice((1, 2, 2, 3))) for _ in range(max(80, persons // 4))]
    street_pool = [_word(rng, 2) for _ in range(max(50, persons // 5))]
    originals = []
    for number in range(persons):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 70))
        row = {
            "given_name": rng.choice(given_pool), "surname": rng.choice(family_pool),
            "date_of_birth": born.strftime("%Y%m%d"), "soc_sec_id": f"{rng.randrange(10**6, 10**7)}",
            "street_number": str(rng.randrange(1, 200)),
            "address_1": f"{rng.choice(street_pool)} {rng.choice(_STREETS)}",
            "suburb": rng.choice(street_pool), "postcode": str(rng.randrange(2000, 2000 + max(100, persons // 4))),
            "state": rng.choice(_STATES),
        }
        originals.append(row)
        yield number, dict(row)
    for _ in range(duplicates):
        number = rng.randrange(persons)
        row = dict(originals[number])
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            field = rng.choice(list(row))
            if rng.random() < 0.1:
                row[field] = ""
            elif field in ("given_name", "surname", "address_1", "suburb"):
                row[field] = _typo(rng, row[field])
            elif field == "date_of_birth" and rng.random() < 0.3:
                v = row[field]
                row[field] = v[:4] + v[6:8] + v[4:6]
            elif field in ("date_of_birth", "soc_sec_id", "postcode", "street_number"):
                row[field] = _digit_typo(rng, row[field])
            else:
                row[field] = rng.choice(_STATES)
        if rng.random() < 0.05:
            row["given_name"], row["surname"] = row["surname"], row["given_name"]
        yield number, row


# Thai names with their RTGS and ad-hoc Latin spellings, Burmese and Khmer romanised names.
_THAI = [
    ("สมชาย", ["Somchai", "Somchay"]), ("สมศักดิ์", ["Somsak", "Somsuk"]), ("วิชัย", ["Wichai", "Vichai"]),
    ("ประเสริฐ", ["Prasoet", "Prasert"]), ("สุเทพ", ["Suthep", "Sutep"]), ("มาลี", ["Mali", "Malee"]),
    ("บุญมี", ["Bunmi", "Boonmee"]), ("พงษ์ศักดิ์", ["Phongsak", "Pongsak"]), ("จันทร์", ["Chan", "Jan"]),
    ("ทองดี", ["Thongdi", "Tongdee"]), ("ใจดี", ["Chaidi", "Jaidee"]), ("ศรีสุข", ["Sisuk", "Srisuk"]),
    ("แก้วมณี", ["Kaeomani", "Kaewmanee"]), ("สุขใจ", ["Sukchai", "Sukjai"]), ("รักษ์ไทย", ["Rakthai", "Rakthai"]),
    ("อรุณ", ["Arun", "Aroon"]), ("นภา", ["Napha", "Napa"]), ("วันดี", ["Wandi", "Wandee"]),
]
_BURMESE = ["Aung", "Kyaw", "Thida", "Hla", "Moe", "Zaw", "Win", "Myint", "Aye", "Khaing", "Htun", "Nyein",
            "Su", "Mya", "Thant", "Tin", "Naing", "Phyo", "Ei", "Khin", "Soe", "Lwin", "Oo", "San", "Wai", "Yadanar",
            "Thura", "Nandar", "Ko", "Min", "Htet", "Paing", "Zin", "Mar", "Hnin", "Wutyi", "Yamin", "Lin", "Htoo",
            "Pyae", "Sone", "Ohn", "Maung", "Myo", "Thet", "Khine", "Nwe", "Shwe", "Sandar", "Ye", "Yan", "Kaung",
            "Sithu", "Hein", "Htay", "Chit", "Pyone", "Swe", "Thiri", "Wint", "Ngwe", "Tun", "Lay", "May", "Nu", "Bo"]
_KHMER = ["Sok", "Chan", "Srey", "Dara", "Vannak", "Sophea", "Pisey", "Rith", "Vuthy", "Kosal", "Bopha", "Chenda",
          "Sokha", "Vichet", "Sreymom", "Piseth", "Ratha", "Chhay", "Sothea", "Kanha", "Leakhena", "Nary", "Mony",
          "Phalla", "Samnang", "Sovann", "Thida", "Veasna", "Rotha", "Kimsan", "Sina", "Makara", "Bunthoeun"]
# Romanised Thai syllables, spelt with ph/th/kh/ch and long vowels so that variants can drop them.
_THAI_SYLLABLES = ["som", "chai", "sak", "wit", "phong", "suk", "si", "nok", "kaeo", "thong", "di", "ma", "ni",
                   "rat", "chan", "phon", "nat", "thi", "ya", "wan", "ka", "phat", "sa", "rin", "thep", "bun",
                   "mi", "prae", "run", "khun", "phim", "chit", "rak", "sap", "pha", "ying", "thip", "kan", "lak",
                   "sin", "wong", "kham", "saeng", "duang", "chon", "phai", "ngam", "sut", "tham", "ratsami"]
_VARIANTS = (("ph", "p"), ("th", "t"), ("kh", "k"), ("ch", "j"), ("oo", "u"), ("ee", "i"))


def _thai_latin(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_THAI_SYLLABLES) for _ in range(syllables)).capitalize()


def _variant(rng: random.Random, name: str) -> str:
    """Another ad-hoc spelling that `name_key` folds back (Phongsak / Pongsak, Somchai / Somchay)."""
    out = name.lower()
    for long_, short in _VARIANTS:
        if long_ in out and rng.random() < 0.5:
            out = out.replace(long_, short)
    if out.endswith("ai") and rng.random() < 0.3:
        out = out[:-1] + "y"
    if out.endswith("i") and rng.random() < 0.3:
        out += "e"
    return " ".join(w.capitalize() for w in out.split())


def _thai_id(rng: random.Random, first: str) -> str:
    body = first + "".join(str(rng.randrange(10)) for _ in range(11))
    return body + str(thai_id_check_digit(body))


def agency_persons(persons: int = 1000, records: int = 2000, *, seed: int = 0,
                   first_date: date = date(2024, 1, 1)) -> Iterator[tuple[int, EventPerson, date]]:
    """`records` event persons drawn from `persons` people: `(truth, person, occurred_on)`.

    Each person appears once before any repeat, then repeats pick people at random.
    """
    rng = random.Random(seed)
    people = []
    for number in range(persons):
        nationality = rng.choices(["THA", "MMR", "KHM", "LAO"], weights=(5, 3, 1, 1))[0]
        if nationality in ("THA", "LAO") and rng.random() < 0.1:
            given, family = rng.choice(_THAI), rng.choice(_THAI)
            names = {"thai": f"{given[0]} {family[0]}", "latin": [f"{g} {f}" for g in given[1] for f in family[1]]}
        elif nationality in ("THA", "LAO"):
            latin = f"{_thai_latin(rng, rng.choice((1, 2, 2)))} {_thai_latin(rng, rng.choice((2, 3, 3)))}"
            names = {"thai": None, "latin": [latin] + [_variant(rng, latin) for _ in range(2)]}
        elif nationality == "MMR":
            words = [rng.choice(_BURMESE) for _ in range(rng.choice((2, 2, 3)))]
            names = {"thai": None, "latin": [" ".join(words)]}
        else:
            names = {"thai": None, "latin": [f"{rng.choice(_KHMER)} {rng.choice(_KHMER)}"]}
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        ids = {}
        if nationality == "THA" or rng.random() < 0.4:
            ids["ThaiId" if nationality == "THA" else "PinkCard"] = _thai_id(rng, "1" if nationality == "THA" else "0")
        if nationality != "THA" and rng.random() < 0.3:
            ids["Passport"] = f"{nationality[0]}{rng.randrange(10**6, 10**7)}"
        if rng.random() < 0.4:
            ids["Phone"] = f"+668{rng.randrange(10**7, 10**8)}"
        people.append((nationality, names, born, rng.choice(("Female", "Male")), ids))
    order = list(range(persons)) + [rng.randrange(persons) for _ in range(max(0, records - persons))]
    for step, number in enumerate(order[:records]):
        occurred = first_date + timedelta(days=step * 365 // max(records, 1))
        yield number, EventPerson.of(_observe(rng, people[number], occurred)), occurred


def _observe(rng: random.Random, person: tuple, occurred: date) -> dict[str, Any]:
    nationality, names, born, sex, ids = person
    shown = []
    if names["thai"] and rng.random() < 0.5:
        shown.append({"full": names["thai"], "script": "Thai"})
    if not shown or rng.random() < 0.6:
        latin = rng.choice(names["latin"])
        words = latin.split()
        if len(words) > 1 and rng.random() < 0.15:
            words = words[1:] + words[:1]
        if nationality == "MMR" and len(words) > 2 and rng.random() < 0.2:
            words = words[:-1]
        latin = " ".join(words)
        if rng.random() < 0.1:
            latin = _typo(rng, latin)
        shown.append({"full": latin, "script": "Latin"})
    person: dict[str, Any] = {"person_ref": "p1", "role": "PotentialVictim", "names": shown,
                              "date_of_birth": None, "dob_precision": "Unknown", "age_years": None,
                              "sex": sex if rng.random() < 0.95 else "Unknown", "nationality": nationality,
                              "identifiers": []}
    roll = rng.random()
    if roll < 0.5:
        person["date_of_birth"], person["dob_precision"] = born, "Day"
    elif roll < 0.7:
        person["date_of_birth"], person["dob_precision"] = date(born.year, 1, 1), "Year"
    elif roll < 0.9:
        age = occurred.year - born.year - ((occurred.month, occurred.day) < (born.month, born.day))
        person["age_years"] = age
    for kind, value in ids.items():
        if rng.random() < (0.8 if kind == "ThaiId" else 0.5):
            if rng.random() < 0.03:
                value = _digit_typo(rng, value)
            person["identifiers"].append({"kind": kind, "value": value, "issuing_country": None})
    return person
