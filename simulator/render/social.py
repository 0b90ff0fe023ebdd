"""MSDHS records: shelter stays (Thai keys), case management (English keys), hotline 1300 reports.

Shelter and case-management records are exported as JSON Lines files (`shelter_*`, `mdt_*`,
`protection_*`, `repatriation_*`, `prevention_*`); hotline reports are posted to the social HTTP intake.
"""

from __future__ import annotations

import random
from typing import Any

from connectors.normalise import districts, province as province_row
from simulator import places
from simulator.render import EVENT_TYPES, Ink, Rendered, text
from simulator.render.people import person_object, thai_columns
from simulator.render.police import province_text
from simulator.story import Fact, hours

__all__ = ["FILE_KINDS", "render"]

FILE_KINDS = {"shelter_intake": "shelter_", "shelter_exit": "shelter_", "mdt_scheduled": "mdt_",
              "mdt_completed": "mdt_", "rights_informed": "protection_", "support_plan": "protection_",
              "consent": "protection_", "consent_withdrawn": "protection_",
              "repatriation_approved": "repatriation_", "repatriation_completed": "repatriation_",
              "prevention": "prevention_"}
_FAMILY = {"mdt_scheduled": "MDT", "mdt_completed": "MDT", "rights_informed": "RI", "support_plan": "SP",
           "consent": "CN", "consent_withdrawn": "CN", "repatriation_approved": "RP", "repatriation_completed": "RP"}
_EXIT = {"Reintegrated": ("คืนสู่สังคม", "กลับคืนสู่ครอบครัว"), "Repatriated": ("ส่งกลับประเทศต้นทาง",),
         "Transferred": ("ส่งต่อ", "ย้ายสถานคุ้มครอง"), "LeftVoluntarily": ("ขอออกเอง",), "Absconded": ("หลบหนี",)}
_OUTCOMES = {"actual": ("actual_victim", "เป็นผู้เสียหาย", "ActualVictimOfTrafficking"),
             "possible": ("possible_victim", "อาจเป็นผู้เสียหาย"), "not_victim": ("not_victim", "ไม่เป็นผู้เสียหาย")}
_LANGUAGE = {"MMR": ("พม่า", "mya", "my"), "KHM": ("เขมร", "khm"), "LAO": ("ลาว", "lao"), "THA": ("ไทย", "tha")}
_HOTLINE = ("ผู้แจ้งพบหญิงสาวถูกกักตัวไว้ในร้านคาราโอเกะ ออกไปไหนไม่ได้",
            "Caller says workers at a factory cannot leave and their documents were taken.",
            "ลูกจ้างแจ้งว่าถูกยึดบัตรและไม่ได้รับค่าจ้างหลายเดือน",
            "Neighbour reports children begging at a night market, adults collect the money.",
            "ญาติแจ้งว่าลูกเรือประมงติดต่อไม่ได้และถูกบังคับทำงาน")


def _case_no(fact: Fact, ink: Ink, year: int) -> str | None:
    abbr = province_row(fact.province).thai
    return ink.case_ref(fact.case, "social", lambda: f"พม.{abbr[:2]}.{year}/{ink.number('soc:case'):04d}")


def _case_file(fact: Fact, ink: Ink, record_id: str) -> dict[str, Any]:
    """What the MDT records for the case file (issue 13): who decided, when and where (district) the
    person was exploited; now and then a scam compound across the border (forced criminality). Its
    own random stream, so the record's other values stay what they were."""
    rng = random.Random(f"{ink.seed}:case-file:{record_id}")
    name = province_row(fact.province).thai
    out: dict[str, Any] = {"decided_by": rng.choice(("ทีมสหวิชาชีพ", "mdt", "พมจ.")),
                           "decided_by_name": f"MDT จังหวัด{name}",
                           "exploited_from": text.moment(fact.at - hours(24 * rng.randint(30, 240)), "be_date"),
                           "exploited_until": text.moment(fact.at - hours(24 * rng.randint(2, 20)), "be_date")}
    if rng.random() < 0.25:
        out.update({"exploitation": ["forced_criminality"] if rng.random() < 0.5 else ["แก๊งคอลเซ็นเตอร์"],
                    "exploitation_country": "Myanmar", "exploitation_place": "KK Park, Myawaddy"})
    else:
        where = rng.choice(districts(fact.province))
        out["exploitation_district"] = rng.choice((where.thai, f"อ.{where.thai}", where.english, where.code))
    return out


def render(fact: Fact, ink: Ink) -> Rendered:
    if fact.kind == "prevention":
        return _prevention(fact, ink)
    if fact.kind in ("shelter_intake", "shelter_exit"):
        return _shelter(fact, ink)
    if fact.kind == "hotline":
        return _hotline(fact, ink)
    rng = ink.rng(fact)
    t = text.local(fact.at)
    year, code = text.be(t.year), fact.province[3:]
    person = ink.person(fact.persons[0][0])
    family = _FAMILY[fact.kind]
    record_id = ink.record_id(fact, lambda: f"{family}-{code}-{year}-{ink.number('soc:' + family):04d}")
    native: dict[str, Any] = {"record_type": fact.kind, "record_id": record_id}
    if fact.key or rng.random() < 0.6:
        native["version"] = ink.version(fact)
    native["province"] = province_text(fact.province, rng)
    case_no = _case_no(fact, ink, year)
    if case_no:
        native["case_no"] = case_no
    native["occurred"] = text.moment(fact.at, rng.choice(("iso", "iso", "be")))
    native["updated_at"] = text.moment(fact.at + hours(rng.uniform(0.1, 3)), "iso")
    same = ("cms", fact.key, person.pid) if fact.key else None
    papers = ink.papers(fact)
    native["person"] = ink.remember(same, lambda: person_object(person, t.date(), rng, papers=papers)) if same \
        else person_object(person, t.date(), rng, papers=papers)
    data, kind = fact.data, fact.kind
    language = rng.choice(_LANGUAGE[person.nationality])
    if kind == "mdt_scheduled":
        native.update({"scheduled_for": text.moment(data["when"], "iso"),
                       "location": places.mdt_location(fact.province),
                       "member_agencies": ["พม.", "ตำรวจ", "แรงงาน", "สาธารณสุข"][: rng.randint(2, 4)],
                       "interpreter_language": language})
    elif kind == "mdt_completed":
        native.update({"outcome": rng.choice(_OUTCOMES[data["outcome"]]), "interpreter_language": language})
        if data["outcome"] != "not_victim":
            native["exploitation"] = ["forced_labour"] if rng.random() < 0.6 else ["sexual"]
            native["means_of_control"] = rng.sample(["debt_bondage", "withholds_documents", "ยึดเอกสาร", "ข่มขู่"], 2)
            native.update(_case_file(fact, ink, record_id))
    elif kind == "rights_informed":
        native.update({"rights": ["assistance", "compensation", "legal_aid", "non_punishment"][: rng.randint(2, 4)],
                       "language": language, "informed_by": f"นักสังคมสงเคราะห์ พมจ.{places.thai_name(fact.province)}"})
    elif kind == "support_plan":
        native.update({"plan_type": rng.choice(("social_care", "health", "legal", "livelihood")),
                       "objectives": "Health check, counselling, legal aid and vocational training.",
                       "planned_end": text.moment(fact.at + hours(24 * 90), "be_date")})
    elif kind == "consent":
        native.update({"consent_given": data["given"] if rng.random() < 0.6 else ("yes" if data["given"] else "no"),
                       "scopes": list(data.get("scopes", ("interview", "data_processing")))})
    elif kind == "consent_withdrawn":
        native.update({"scopes": ["research_use"], "reason": "Does not want her data used for research."})
    elif kind == "repatriation_approved":
        native.update({"destination": text.nationality(person, rng, "latin"),
                       "planned_travel": text.moment(fact.at + hours(24 * 10), "be")})
    elif kind == "repatriation_completed":
        native.update({"destination": text.nationality(person, rng, "code"),
                       "checkpoint": places.checkpoints(fact.province)[0].name,
                       "received_by": "Department of Social Welfare of the country of origin"})
    return Rendered(native, "social-file", FILE_KINDS[kind], "MSDHS-CMS", record_id, EVENT_TYPES[kind],
                    [("p1", person.pid, fact.persons[0][1])])


def _shelter(fact: Fact, ink: Ink) -> Rendered:
    rng = ink.rng(fact)
    t = text.local(fact.at)
    year, code = text.be(t.year), fact.province[3:]
    person = ink.person(fact.persons[0][0])
    intake = fact.kind == "shelter_intake"
    record_id = ink.record_id(fact, lambda: f"SH-{code}-{year}-{ink.number('soc:stay'):04d}")
    native: dict[str, Any] = {"ประเภท": "รับเข้า" if intake else "จำหน่าย", "เลขที่": record_id,
                              "แก้ไขครั้งที่": ink.version(fact)}
    case_no = _case_no(fact, ink, year)
    if case_no:
        native["เลขที่คดี"] = case_no
    kind = fact.data["shelter_kind"]
    native.update({"จังหวัด": places.thai_name(fact.province), "สถานคุ้มครอง": places.shelter(fact.province, kind),
                   "ประเภทสถานคุ้มครอง": "ชั่วคราว" if kind == "Temporary" else "ระยะยาว",
                   "วันที่รับเข้า": text.moment(fact.data["admitted"], rng.choice(("be", "be", "thai_digits")))})
    if not intake:
        native["วันที่จำหน่าย"] = text.moment(fact.at, "be")
        native["สาเหตุการจำหน่าย"] = rng.choice(_EXIT[fact.data["reason"]])
    if rng.random() < 0.7:
        native["วันที่บันทึก"] = text.moment(fact.at + hours(rng.uniform(0.2, 5)), "be")
    native.update(ink.remember(("stay", fact.key), lambda: thai_columns(person, t.date(), rng,
                                                                        papers=ink.papers(fact), documents=True)))
    return Rendered(native, "social-file", "shelter_", "MSDHS-SHELTER", record_id, EVENT_TYPES[fact.kind],
                    [("p1", person.pid, "resident")])


def _hotline(fact: Fact, ink: Ink) -> Rendered:
    rng = ink.rng(fact)
    t = text.local(fact.at)
    year = text.be(t.year)
    record_id = ink.record_id(fact, lambda: f"1300-{year}-{ink.number('soc:1300', 230000):07d}")
    native: dict[str, Any] = {"record_type": "hotline", "record_id": record_id, "version": 1,
                              "received_at": text.moment(fact.at, rng.choice(("iso", "be"))),
                              "province": province_text(fact.province, rng),
                              "channel": rng.choice(("phone_1300", "phone_1300", "line", "web")),
                              "summary": rng.choice(_HOTLINE), "urgent": bool(fact.data.get("urgent", False))}
    refs = []
    for pid, role in fact.persons:
        person = ink.person(pid)
        if role == "caller":
            caller = {"name": "ไม่ประสงค์ออกนาม"} if rng.random() < 0.3 else \
                person_object(person, t.date(), rng, partial=True, named=rng.random() >= 0.5)
            if person.phone:
                caller["phone"] = text.phone(person.phone, rng)
            native["caller"] = caller
        else:
            named = fact.data["named"] if "named" in fact.data else rng.random() >= 0.5
            native.setdefault("victims", []).append(person_object(person, t.date(), rng, partial=True, named=named))
        refs.append((f"p{len(refs) + 1}", pid, role))
    if rng.random() < 0.5:
        native["location"] = f"อ.เมือง จ.{places.thai_name(fact.province)}"
    return Rendered(native, "social-http", "hotline", "MSDHS-1300", record_id, "HotlineReportReceived", refs)


_PREVENTION_WORDS = {"outreach": ("outreach", "ลงพื้นที่"), "training": ("training", "อบรม", "ฝึกอบรม"),
                     "campaign": ("campaign", "รณรงค์"), "migrant_workers": ("migrant_workers", "แรงงานข้ามชาติ"),
                     "fishing_crews": ("fishing_crews", "ลูกเรือประมง"), "officials": ("officials", "เจ้าหน้าที่"),
                     "community": ("community", "ชุมชน"), "students": ("students", "นักเรียน"),
                     "employers": ("employers", "นายจ้าง")}
_LANGUAGE_WORDS = {"tha": ("tha", "ไทย"), "mya": ("mya", "พม่า"), "khm": ("khm", "เขมร"), "lao": ("lao", "ลาว")}


def _prevention(fact: Fact, ink: Ink) -> Rendered:
    """A prevention activity of the case-management export: no person, a district written as the
    office writes it (แม่สาย, อ.แม่สาย, Mae Sai or 5709), the day in B.E. or ISO, the count as a
    number or text."""
    rng = ink.rng(fact)
    t = text.local(fact.at)
    year, code, data = text.be(t.year), fact.province[3:], fact.data
    record_id = ink.record_id(fact, lambda: f"PV-{code}-{year}-{ink.number('soc:PV'):04d}")
    native: dict[str, Any] = {"record_type": "prevention", "record_id": record_id, "version": 1,
                              "province": province_text(fact.province, rng),
                              "held_on": text.moment(fact.at, rng.choice(("be_date", "be_date", "iso")))[:10],
                              "updated_at": text.moment(fact.at + hours(rng.uniform(9, 40)), "iso"),
                              "activity": rng.choice(_PREVENTION_WORDS[data["activity"]]),
                              "audience": rng.choice(_PREVENTION_WORDS[data["audience"]]),
                              "organiser": f"พมจ.{places.thai_name(fact.province)}", "title": data["title"]}
    reached = data["reached"]
    native["people_reached"] = reached if rng.random() < 0.5 else f"{reached:,}"
    if data["district"]:
        where = [d for d in districts(fact.province) if d.code == data["district"]][0]
        native["district"] = rng.choice((where.thai, f"อ.{where.thai}", where.english, where.code))
    native["languages"] = "; ".join(rng.choice(_LANGUAGE_WORDS[lang]) for lang in data["languages"])
    return Rendered(native, "social-file", "prevention_", "MSDHS-CMS", record_id, "PreventionActivity")
