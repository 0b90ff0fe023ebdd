"""The simulated world: true persons and organisations, before any agency writes them down.

A `Person` is who someone really is (one true id, one name, one date of birth, the documents they
hold); what each agency writes about them is decided per record by `render.py`. An `Organisation`
is an employer (DBD registration number), a fishing vessel (registration, licence, VMS tracker,
owner) or premises (a karaoke bar, a shophouse). `World` hands out ids and keeps them all.

Pure: every choice comes from the `random.Random` passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from connectors.normalise import thai_id_check_digit
from simulator.names import TrueName, make_name

__all__ = ["Organisation", "Person", "World", "id13"]

_DOC_PREFIX = {"MMR": ("MA", "MB", "MC", "MD"), "KHM": ("N",), "LAO": ("P",)}
_COMPANY_A = ("ทะเลทอง", "สมบูรณ์", "มหาชัย", "สาคร", "รุ่งเรือง", "เจริญผล", "ศรีสมุทร", "อ่าวไทย", "นครชัย",
              "พัฒนากิจ", "ทองคำ", "ชัยมงคล", "สยามรุ่ง", "บางหญ้าแพรก", "อันดามัน", "ดาวทอง")
_COMPANY_B = {"1020": ("แปรรูป", "ฟู้ดส์", "ซีฟู้ด", "ห้องเย็น"), "0311": ("ประมง", "การประมง"),
              "4100": ("ก่อสร้าง", "คอนสตรัคชั่น"), "1410": ("การ์เมนท์", "สิ่งทอ"), "0112": ("การเกษตร", "ฟาร์ม"),
              "9609": ("เอ็นเตอร์เทนเมนท์", "บันเทิง")}
_PREMISES = ("ร้านคาราโอเกะ", "ร้านอาหารและคาราโอเกะ", "สถานบริการ", "ร้านนวด", "บ้านเช่า", "ผับ")
_PREMISES_NAMES = ("ดาวเหนือ", "ฟ้าใส", "ริมโขง", "ใจดี", "มิตรภาพ", "สายลม", "บ้านสวน", "ดอกแก้ว", "ชายแดน", "ทองสุข")
_VESSEL_WORDS = ("สมบูรณ์นาวา", "โชคอำนวย", "ทองทะเล", "รุ่งนภา", "เจริญสมุทร", "ศรีอันดามัน", "ลาภทวี")


@dataclass
class Person:
    """A true person. `birth` is the real date of birth; agencies rarely write it in full."""

    pid: str
    name: TrueName
    sex: str                      # M / F
    nationality: str              # THA, MMR, KHM, LAO
    birth: date
    thai_id: str | None = None    # citizens: ThaiId; registered migrants: a pink card (00...); some a
                                  # non-Thai ID (0 not 00, 6, 7: `papers.py`); the kind is in the digits
    passport: str | None = None
    border_pass: str | None = None
    phone: str | None = None
    seabook: str | None = None    # a fishing crew's seafarer's book (`papers.py`)
    ci: str | None = None         # a certificate of identity, held instead of a passport (`papers.py`)
    kind: str = "background"      # victim, suspect, caller, worker, crew, traveller, background

    def age_on(self, day: date) -> int:
        years = day.year - self.birth.year
        return years - ((day.month, day.day) < (self.birth.month, self.birth.day))

    @property
    def migrant(self) -> bool:
        return self.nationality != "THA"


@dataclass
class Organisation:
    """An employer, vessel or premises. Vessels carry their owner (an employer) and voyage counter."""

    oid: str
    kind: str                     # Employer, Vessel, Premises
    name: str
    province: str
    registration: str | None = None      # DBD juristic person number (employers, some premises)
    isic: str | None = None
    vessel_registration: str | None = None
    licence: str | None = None
    vms: str | None = None
    owner: str | None = None             # oid of the owning employer (vessels)
    voyages: int = 0


def id13(rng: random.Random, first: str) -> str:
    """A 13-digit population number starting `first`, with its check digit."""
    body = first + "".join(str(rng.randrange(10)) for _ in range(12 - len(first)))
    return body + str(thai_id_check_digit(body))


@dataclass
class World:
    """Every true person and organisation of one feed; ids are handed out in creation order."""

    rng: random.Random
    persons: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)

    def person(self, nationality: str, sex: str | None, *, age: tuple[int, int], on: date, kind: str,
               registered: float = 0.5, passport: float = 0.35, border_pass: float = 0.2,
               phone: float = 0.4) -> Person:
        """A new person whose age on `on` is within `age` (inclusive), with documents drawn by chance."""
        rng = self.rng
        sex = sex or rng.choice("MF")
        years = rng.randint(*age)
        birth = on - timedelta(days=365 * years + rng.randrange(30, 330))
        person = Person(f"P{len(self.persons) + 1:05d}", make_name(rng, nationality, sex), sex, nationality, birth,
                        kind=kind)
        while person.age_on(on) != years:  # leap days: nudge until the age is the one drawn
            person.birth += timedelta(days=1 if person.age_on(on) > years else -1)
        if nationality == "THA":
            person.thai_id = id13(rng, rng.choice("13458"))
            person.passport = f"A{rng.randrange(10 ** 6, 10 ** 7)}" if rng.random() < passport / 2 else None
        else:
            person.thai_id = id13(rng, "00") if rng.random() < registered else None
            if rng.random() < passport:
                person.passport = f"{rng.choice(_DOC_PREFIX[nationality])}{rng.randrange(10 ** 6, 10 ** 7)}"
            if rng.random() < border_pass:
                person.border_pass = f"TC-{rng.randrange(10 ** 6, 10 ** 7)}"
        if rng.random() < phone:
            person.phone = "0" + rng.choice("689") + "".join(str(rng.randrange(10)) for _ in range(8))
        self.persons[person.pid] = person
        return person

    def employer(self, province: str, isic: str | None = None) -> Organisation:
        rng = self.rng
        isic = isic or rng.choice(tuple(_COMPANY_B))
        form = rng.choice(("บริษัท {} จำกัด", "บริษัท {} จำกัด", "ห้างหุ้นส่วนจำกัด {}"))
        name = form.format(rng.choice(_COMPANY_A) + rng.choice(_COMPANY_B[isic]))
        code = province.removeprefix("TH-")
        registration = f"0{code}55{rng.randrange(10 ** 7, 10 ** 8)}"[:13]
        return self._add("E", Organisation("", "Employer", name, province, registration=registration, isic=isic))

    def premises(self, province: str) -> Organisation:
        rng = self.rng
        name = f"{rng.choice(_PREMISES)} {rng.choice(_PREMISES_NAMES)}{rng.choice(('', ' 2', ' 99', ' นครา'))}"
        code = province.removeprefix("TH-")
        registration = f"0{code}55{rng.randrange(10 ** 7, 10 ** 8)}"[:13] if rng.random() < 0.4 else None
        return self._add("H", Organisation("", "Premises", name.strip(), province, registration=registration))

    def vessel(self, province: str) -> Organisation:
        rng = self.rng
        owner = self.employer(province, "0311")
        code = province.removeprefix("TH-")
        reg = f"{rng.randrange(10 ** 8, 10 ** 9)}"
        return self._add("V", Organisation(
            "", "Vessel", f"{rng.choice(('ช.', 'ส.', 'ร.'))}{rng.choice(_VESSEL_WORDS)} {rng.randint(1, 39)}", province,
            vessel_registration=reg, licence=f"FL-{code}-{rng.randrange(1000, 9999)}-{rng.choice((2567, 2568))}",
            vms=f"VMS-TH-{rng.randrange(10 ** 6, 10 ** 7)}", owner=owner.oid))

    def _add(self, letter: str, org: Organisation) -> Organisation:
        org.oid = f"{letter}{len(self.organisations) + 1:04d}"
        self.organisations[org.oid] = org
        return org
