"""Police records (THAICRIMES, TICAC-CMS): JSON objects posted to the police HTTP intake."""

from __future__ import annotations

import random
from typing import Any

from connectors.normalise import province as province_row
from simulator import places
from simulator.render import EVENT_TYPES, Ink, Rendered, text
from simulator.render.people import person_object
from simulator.story import Fact, hours

__all__ = ["province_text", "render"]

_FAMILY = {"rescue": "RSC", "custody_started": "CUS", "custody_extended": "CUS", "case_opened": "CASE",
           "suspect_identified": "SUS", "ticac_tip": "TIP", "custody_ended": "CEN"}
_ENDED = {"released": ("released", "ปล่อยตัว"), "handed_to_shelter": ("handed_to_shelter", "ส่งสถานคุ้มครอง"),
          "handed_to_immigration": ("handed_to_immigration", "ส่ง ตม.")}
_ROLES = {"rescued": ("rescued", "rescued", "ผู้ถูกช่วยเหลือ"), "suspect": ("suspect", "ผู้ต้องหา", "ผู้ต้องสงสัย"),
          "held": ("held", "held", "ผู้ถูกควบคุมตัว"), "victim": ("victim", "victim", "ผู้เสียหาย")}
_EXPLOITATION = {"sexual": ("sexual", "แสวงประโยชน์ทางเพศ", "ค้าประเวณี"), "forced_labour": ("forced_labour", "บังคับใช้แรงงาน"),
                 "begging": ("begging", "ขอทาน")}
_SUMMARIES = ("Account offering sexual images of a Thai-speaking minor for sale.",
              "Report of a livestream showing a child, account registered in Thailand.",
              "Chat logs suggest grooming of a teenager by an adult in Thailand.")


def province_text(code: str, rng: random.Random) -> str:
    row = province_row(code)
    return rng.choice((row.thai, row.thai, row.english, code, code[3:]))


def _exploitation(kinds, rng: random.Random) -> list[str]:
    return [rng.choice(_EXPLOITATION.get(k, (k,))) for k in kinds]


def _org(fact_org, ink: Ink, rng: random.Random) -> dict[str, Any] | str:
    org = ink.org(fact_org)
    if org.kind == "Vessel":
        return {"name": org.name, "vessel_registration": org.vessel_registration, "licence_no": org.licence}
    if org.registration is None and rng.random() < 0.3:
        return org.name
    out: dict[str, Any] = {"name": org.name, "province": places.thai_name(org.province)}
    if org.registration and rng.random() < 0.8:
        out["registration_no"] = org.registration
    return out


def render(fact: Fact, ink: Ink) -> Rendered:
    rng = ink.rng(fact)
    t = text.local(fact.at)
    year, code = text.be(t.year), fact.province[3:]
    family = _FAMILY[fact.kind]
    record_id = ink.record_id(fact, lambda: f"{family}-{year}-{ink.number('police:' + family):06d}")
    version = ink.version(fact)
    tip = fact.kind == "ticac_tip"
    unit = "TICAC" if tip else places.police_unit(fact.province, fact.data.get("atpd", False))
    native: dict[str, Any] = {"record_type": fact.kind, "record_id": record_id}
    if fact.key or rng.random() < 0.85:
        native["version"] = version
    native["occurred"] = text.moment(fact.at, rng.choice(("iso", "iso", "be", "thai_month", "thai_digits")))
    if rng.random() < 0.6:
        native["recorded"] = text.moment(fact.at + hours(rng.uniform(0.2, 6)), "iso")
    native["province"] = province_text(fact.province, rng)
    native["unit"] = unit
    case_no = ink.case_ref(fact.case, "police",
                           lambda: f"ปคม.{int(code) % 4 + 1}/{year}/{ink.number('police:case'):04d}")
    if case_no:
        native["case_no"] = case_no
    persons, refs = [], []
    for index, (pid, role) in enumerate(fact.persons, 1):
        person = ink.person(pid)
        same = (fact.key, pid) if fact.key else None   # a custody record names its person the same way each time
        papers = ink.papers(fact)
        written = ink.remember(same, lambda: person_object(person, t.date(), rng, papers=papers)) if same else \
            person_object(person, t.date(), rng, papers=papers)
        persons.append({"role": rng.choice(_ROLES[role]), **written})
        refs.append((f"p{index}", pid, role))
    if persons:
        native["persons"] = persons
    orgs = []
    for slot in ("employer", "vessel", "premises"):   # the mapping numbers organisations in this order
        for oid, fact_slot in fact.orgs:
            if fact_slot == slot:
                native[slot] = _org(oid, ink, rng)
                orgs.append((f"o{len(orgs) + 1}", oid))
    _details(fact, native, ink, rng, year)
    system = "TICAC-CMS" if tip else "THAICRIMES"
    return Rendered(native, "police-http", "police", system, record_id, EVENT_TYPES[fact.kind], refs, orgs)


def _details(fact: Fact, native: dict[str, Any], ink: Ink, rng: random.Random, year: int) -> None:
    data, kind = fact.data, fact.kind
    if kind == "rescue":
        native["exploitation"] = _exploitation(data.get("exploitation", ()), rng)
        native["partner_agencies"] = rng.sample(["พม.", "ตม.", "social", "immigration", "labour", "กสร."], 2)
    elif kind == "custody_started":
        native["place_of_custody"] = native["unit"]
    elif kind == "custody_ended":
        native["ended_how"] = rng.choice(_ENDED[data["how"]])
        if data["how"] == "handed_to_shelter":
            native["handed_to"] = f"บ้านพักเด็กและครอบครัวจังหวัด{places.thai_name(fact.province)}"
        elif data["how"] == "handed_to_immigration":
            native["handed_to"] = f"ตม.จว.{places.thai_name(fact.province)}"
    elif kind == "custody_extended":
        native["extended_until"] = text.moment(data["until"], "iso")
        native["court"] = f"ศาลจังหวัด{places.thai_name(fact.province)}"
        native["court_order_no"] = f"ฝ.{ink.number('police:court')}/{year}"
    elif kind == "case_opened":
        native["station"] = places.police_unit(fact.province, False)
        native["offences"] = ["พ.ร.บ.ค้ามนุษย์ ม.6", "ATIPA s.6/1"][: rng.randint(1, 2)]
        native["exploitation"] = ";".join(_exploitation(data.get("exploitation", ()), rng))
        native.setdefault("case_no", ink.case_ref(f"{fact.seq}", "police", lambda: f"ปคม./{year}/{fact.seq:05d}"))
    elif kind == "suspect_identified":
        native["suspect_roles"] = rng.sample(["recruiter", "นายหน้า", "exploiter", "owner", "transporter"], 2)
        native["arrested"] = bool(data.get("arrested", rng.random() < 0.5))
        if native["arrested"]:
            native["warrant_no"] = f"จ.{ink.number('police:warrant')}/{year}"
    elif kind == "ticac_tip":
        native["tip_source"] = rng.choice(("ncmec", "interpol", "foreign_police", "platform"))
        native["tip_reference"] = f"{ink.prefix}CT-{ink.number('police:tipref') * 7919 % 10 ** 9:09d}"
        native["platform"] = rng.choice(("Telegram", "Facebook", "X", "TikTok"))
        native["summary"] = rng.choice(_SUMMARIES)
        native["exploitation"] = ["csam"]
