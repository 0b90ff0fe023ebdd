"""Labour export rows (DLPW-LIS, PIPO-ONLINE, DOE-MW): Thai headers, B.E. dates, one kind per file.

Every row holds every column of its kind, in the order of the offices' exports ("" when empty), so
that a file of them is a rectangular CSV. Inspections, employer changes and complaints carry the
date only: their facts happen at 00:00 Bangkok time (a date without a time means that).
"""

from __future__ import annotations

from typing import Any

from simulator import places
from simulator.render import EVENT_TYPES, Ink, Rendered, text
from simulator.render.people import crew_entry, thai_columns
from simulator.story import Fact, hours, midnight

__all__ = ["COLUMNS", "render"]

_PERSON = ["ชื่อ-สกุล", "ชื่อภาษาอังกฤษ", "สัญชาติ", "วันเกิด", "อายุ", "เพศ", "เลขประจำตัว", "หนังสือเดินทาง", "โทรศัพท์"]
_SHIP = ["จังหวัด", "ศูนย์ PIPO", "ท่าเรือ", "ทะเบียนเรือ", "ชื่อเรือ", "ใบอนุญาตทำการประมง", "รหัส VMS", "เจ้าของเรือ", "ลูกเรือ"]
COLUMNS = {
    "inspection_": ["เลขที่การตรวจ", "เลขที่อ้างอิง", "วันที่ตรวจ", "จังหวัด", "สถานประกอบการ", "เลขทะเบียนนิติบุคคล",
                    "รหัส ISIC", "จำนวนลูกจ้างที่ตรวจ", "สิ่งบ่งชี้", "ลูกจ้างที่พบสิ่งบ่งชี้", "ผลการตรวจ", "วันที่บันทึก"],
    "rorbor1_": ["เลขที่ ร.บ.1", "วันที่คัดกรอง", "จังหวัด", *_PERSON, "นายจ้าง", "เลขทะเบียนนายจ้าง", "สิ่งบ่งชี้",
                 "ลักษณะการแสวงประโยชน์", "ส่งต่อ MDT", "ภาษาล่าม", "วันที่บันทึก"],
    "pipo_out_": ["เลขที่แจ้ง", "รหัสเที่ยวเรือ", "วันเวลาออกท่า", "วันเวลาแจ้ง", *_SHIP, "กำหนดกลับเข้าท่า"],
    "pipo_in_": ["เลขที่แจ้ง", "รหัสเที่ยวเรือ", "วันเวลาเข้าท่า", "วันเวลาแจ้ง", *_SHIP],
    "pipo_finding_": ["เลขที่ผลการตรวจ", "รหัสเที่ยวเรือ", "ทะเบียนเรือ", "วันเวลาตรวจ", "จังหวัด", "ศูนย์ PIPO",
                      "ประเภทความไม่ตรงกัน", "ลูกเรือที่เกี่ยวข้อง", "รายละเอียด", "วันที่บันทึก"],
    "employer_change_": ["เลขที่คำขอ", "วันที่อนุมัติ", "จังหวัด", *_PERSON, "นายจ้างเดิม", "เลขทะเบียนนายจ้างเดิม",
                         "นายจ้างใหม่", "เลขทะเบียนนายจ้างใหม่", "เลขใบอนุญาตทำงาน", "เหตุผล", "วันที่บันทึก"],
    "complaint_": ["เลขที่คำร้อง", "วันที่ยื่นคำร้อง", "จังหวัด", *_PERSON, "นายจ้าง", "เลขทะเบียนนายจ้าง",
                   "ประเด็นร้องเรียน", "สรุปเรื่อง", "วันที่บันทึก"],
}
DATE_ONLY = {"inspection", "employer_change", "complaint"}
EXCEL = 0.3   # share of rows from an export whose number column ate the pink cards' leading zeros
_FINDINGS = ("ไม่พบการกระทำผิด", "ลูกจ้างถูกเก็บเอกสารประจำตัวไว้ที่สำนักงาน", "พบการทำงานเกินเวลาโดยไม่ได้รับค่าล่วงเวลา",
             "ลูกจ้างมีหนี้ค่านายหน้าหักจากค่าจ้างทุกเดือน")
_REASONS = ("นายจ้างเดิมเลิกกิจการ", "ย้ายนายจ้างหลังยื่นคำร้องต่อพนักงานตรวจแรงงาน", "นายจ้างเดิมไม่จ่ายค่าจ้าง", "สิ้นสุดสัญญาจ้าง")
_COMPLAINTS = ("ค้างจ่ายค่าจ้าง 2 เดือน", "นายจ้างหักค่าจ้างเกินกว่าที่กฎหมายกำหนด", "หัวหน้างานเก็บบัตรประจำตัวไว้",
               "ทำงานวันละ 14 ชั่วโมงไม่มีวันหยุด")


def _province(code: str, rng) -> str:
    name = places.thai_name(code)
    return rng.choice((name, name, f"จ.{name}"))


def render(fact: Fact, ink: Ink) -> Rendered:
    rng = ink.rng(fact)
    kind, data = fact.kind, fact.data
    if kind in DATE_ONLY and fact.at != midnight(fact.at):
        raise ValueError(f"{kind} exports carry the date only: fact {fact.seq} must happen at 00:00 Bangkok time")
    t = text.local(fact.at)
    year, code = text.be(t.year), fact.province[3:]
    prefix = f"{kind}_"
    papers = ink.papers(fact)
    excel = papers.random() < EXCEL
    row: dict[str, Any] = dict.fromkeys(COLUMNS[prefix], "")
    when = text.moment(fact.at, "be_date" if kind in DATE_ONLY else rng.choice(("be", "be", "thai_digits")))
    recorded = text.moment(fact.at + hours(rng.uniform(1, 30)), "be") if rng.random() < 0.8 else ""
    people = [ink.person(pid) for pid, _ in fact.persons]
    orgs = {slot: ink.org(oid) for oid, slot in fact.orgs}
    refs_orgs: list[tuple[str, str]] = []
    if kind in ("inspection", "rorbor1", "employer_change", "complaint"):
        row["จังหวัด"] = _province(fact.province, rng)
        row["วันที่บันทึก"] = recorded
    if kind in ("rorbor1", "employer_change", "complaint"):
        row.update(thai_columns(people[0], t.date(), rng, excel=excel))
    if kind == "inspection":
        employer = orgs["employer"]
        row.update({"เลขที่การตรวจ": ink.record_id(fact, lambda: f"INSP-{code}-{year}-{ink.number('lab:insp'):04d}"),
                    "เลขที่อ้างอิง": rng.choice((f"สค.{code}/{year}/{ink.number('lab:ref')}", "-")), "วันที่ตรวจ": when,
                    "สถานประกอบการ": employer.name, "เลขทะเบียนนิติบุคคล": employer.registration or "",
                    "รหัส ISIC": employer.isic or "1020", "จำนวนลูกจ้างที่ตรวจ": str(rng.randint(8, 120)),
                    "สิ่งบ่งชี้": ";".join(data.get("indicators", ())),
                    "ลูกจ้างที่พบสิ่งบ่งชี้": ";".join(crew_entry(p, rng, papers=papers, excel=excel) for p in people),
                    "ผลการตรวจ": rng.choice(_FINDINGS[1:]) if data.get("indicators") else _FINDINGS[0]})
        refs_orgs = [("o1", employer.oid)]
    elif kind == "rorbor1":
        employer = orgs.get("employer")
        row.update({"เลขที่ ร.บ.1": ink.record_id(fact, lambda: f"ร.บ.1/{code}/{year}/{ink.number('lab:rb1'):04d}"),
                    "วันที่คัดกรอง": when, "นายจ้าง": employer.name if employer else "",
                    "เลขทะเบียนนายจ้าง": (employer.registration or "") if employer and rng.random() < 0.7 else "",
                    "สิ่งบ่งชี้": ";".join(data.get("indicators", ())),
                    "ลักษณะการแสวงประโยชน์": "บังคับใช้แรงงาน" if data.get("indicators") else "",
                    "ส่งต่อ MDT": rng.choice(("ใช่", "ส่งต่อ", "yes")) if data["referred"] else rng.choice(("ไม่ใช่", "ไม่ส่งต่อ")),
                    "ภาษาล่าม": data.get("language", "")})
        refs_orgs = [("o1", employer.oid)] if employer else []
    elif kind in ("pipo_out", "pipo_in", "pipo_finding"):
        refs_orgs = _pipo(fact, row, ink, (rng, papers, excel), people, orgs, year, code, when)
    elif kind == "employer_change":
        before, after = orgs.get("previous"), orgs["new"]
        row.update({"เลขที่คำขอ": ink.record_id(fact, lambda: f"EC-{code}-{year}-{ink.number('lab:ec'):05d}"),
                    "วันที่อนุมัติ": when, "นายจ้างเดิม": before.name if before else "",
                    "เลขทะเบียนนายจ้างเดิม": (before.registration or "") if before else "",
                    "นายจ้างใหม่": after.name, "เลขทะเบียนนายจ้างใหม่": after.registration or "",
                    "เลขใบอนุญาตทำงาน": f"WP-{code}-{t.year}-{ink.number('lab:wp'):06d}",
                    "เหตุผล": rng.choice(_REASONS)})
        refs_orgs = ([("o1", before.oid), ("o2", after.oid)] if before else [("o1", after.oid)])
    elif kind == "complaint":
        employer = orgs["employer"]
        row.update({"เลขที่คำร้อง": ink.record_id(fact, lambda: f"CMP-{code}-{year}-{ink.number('lab:cmp'):04d}"),
                    "วันที่ยื่นคำร้อง": when, "นายจ้าง": employer.name, "เลขทะเบียนนายจ้าง": employer.registration or "",
                    "ประเด็นร้องเรียน": ";".join(data.get("indicators", ())), "สรุปเรื่อง": rng.choice(_COMPLAINTS)})
        refs_orgs = [("o1", employer.oid)]
    record_id = row[COLUMNS[prefix][0]]
    refs = [(f"p{i}", p.pid, role) for i, (p, (_, role)) in enumerate(zip(people, fact.persons), 1)]
    system = "PIPO-ONLINE" if kind.startswith("pipo") else "DOE-MW" if kind == "employer_change" else "DLPW-LIS"
    return Rendered(row, "labour-file", prefix, system, record_id, EVENT_TYPES[kind], refs, refs_orgs)


def _pipo(fact, row, ink: Ink, streams, people, orgs, year, code, when) -> list[tuple[str, str]]:
    rng, papers, excel = streams
    vessel = orgs["vessel"]
    centre, port = places.pipo(fact.province)
    voyage = f"{ink.prefix}{fact.data['voyage']}"
    cell = ";".join(ink.remember(("crew", voyage, p.pid), lambda p=p: crew_entry(p, rng, papers=papers, excel=excel))
                    for p in people)
    if fact.kind == "pipo_finding":
        row.update({"เลขที่ผลการตรวจ": ink.record_id(fact, lambda: f"PF-{code}-{year}-{ink.number('lab:pf'):05d}"),
                    "รหัสเที่ยวเรือ": voyage, "ทะเบียนเรือ": vessel.vessel_registration, "วันเวลาตรวจ": when,
                    "จังหวัด": _province(fact.province, rng), "ศูนย์ PIPO": centre,
                    "ประเภทความไม่ตรงกัน": ";".join(fact.data.get("mismatches", ())), "ลูกเรือที่เกี่ยวข้อง": cell,
                    "รายละเอียด": "ตรวจพบความไม่ตรงกันระหว่างการแจ้งออกและแจ้งเข้า",
                    "วันที่บันทึก": text.moment(fact.at + hours(1), "be")})
        return [("o1", vessel.oid)]
    owner = ink.org(vessel.owner) if vessel.owner else None
    row.update({"เลขที่แจ้ง": ink.record_id(fact, lambda: f"{'PO' if fact.kind == 'pipo_out' else 'PI'}-{code}-{year}-"
                                                          f"{ink.number('lab:pipo'):05d}"),
                "รหัสเที่ยวเรือ": voyage, "วันเวลาออกท่า" if fact.kind == "pipo_out" else "วันเวลาเข้าท่า": when,
                "วันเวลาแจ้ง": text.moment(fact.at - hours(rng.uniform(20, 26)), "be"),
                "จังหวัด": _province(fact.province, rng), "ศูนย์ PIPO": centre, "ท่าเรือ": port,
                "ทะเบียนเรือ": vessel.vessel_registration, "ชื่อเรือ": vessel.name, "ใบอนุญาตทำการประมง": vessel.licence,
                "รหัส VMS": fact.data.get("vms") or vessel.vms, "เจ้าของเรือ": owner.name if owner else "",
                "ลูกเรือ": cell})
    if fact.kind == "pipo_out" and fact.data.get("back"):       # the declared return (rule 9 overdue)
        row["กำหนดกลับเข้าท่า"] = text.moment(fact.data["back"], "be")
    return [("o1", vessel.oid)] + ([("o2", owner.oid)] if owner else [])
