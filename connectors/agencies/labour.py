"""Labour: CSV exports with Thai headers and B.E. dates (DLPW, DOE, PIPO centres).

One export kind per file, told by the file name's prefix (`origin.stream`); one row -> one event.
Crew and worker lists sit in one cell, `ชื่อ|สัญชาติ|เลขเอกสาร|ปีเกิด|ประเภทเอกสาร;...`, so that a port-out with
N crew is one row and one event. Rows have no version: it is the digest of the row. Shapes in
NATIVE.md, examples `examples/*.csv` (Windows-874).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Mapping

from connectors.mapping.envelope import Head, Translation, finish, read_head
from connectors.mapping.exploitation import PeriodFields, read_period
from connectors.mapping.fields import MAX_ITEMS, TEXT_LENGTH, FieldReader, pure, vocab_key
from connectors.mapping.people import THAI_PERSON, PersonFields, build_person, document, read_organisation
from connectors.mapping.vocab import EXPLOITATION, MEANS, MISMATCHES, language, table
from connectors.normalise import Era, NormaliseError, is_blank, thai_digits_to_ascii
from connectors.records import Event, MappingError, Origin

__all__ = ["AGENCY", "KINDS", "map_record", "translate"]

AGENCY = "labour"
PROVINCE, RECORDED = "จังหวัด", "วันที่บันทึก"
# Labour offices' Excel writes a date column as 02/08/61 unless told otherwise: B.E., two digits.
SHORT_YEARS = Era.BE
_CREW_PARTS = ("ชื่อ", "สัญชาติ", "เลขเอกสาร", "ปีเกิด", "ประเภทเอกสาร")
# The optional fifth part names a document that is not a 13-digit number (PIPO crews carry seabooks).
_CREW_DOCUMENTS = table({"Passport": ["passport", "หนังสือเดินทาง", "pp"],
                         "Seabook": ["seabook", "seaman book", "หนังสือคนประจำเรือ", "sb"],
                         "CertificateOfIdentity": ["ci", "certificate of identity", "เอกสารรับรองบุคคล"]})
_CREW_PERSON = PersonFields(name="ชื่อ", nationality="สัญชาติ", dob="ปีเกิด")
_ISIC = re.compile(r"[0-9]{4}")
_ENTRIES = re.compile(r"[;\n]")
_DOCUMENT_SEPARATORS = re.compile(r"[\s\-.]")


def map_record(fields: Mapping[str, Any], origin: Origin) -> list[Event]:
    """The labour mapper for `connectors.routing.route`."""
    return list(translate(fields, origin).events)


def kind_of(origin: Origin) -> str | None:
    """The export kind told by the file name's prefix (`pipo_out_90_25680301.csv` -> `pipo_out_`)."""
    return _kind_of_file(origin.stream)


@functools.lru_cache(maxsize=1024)   # asked for every row; a file has one name
def _kind_of_file(stream: str) -> str | None:
    name = re.split(r"[\\/]", stream)[-1].lower()
    return next((prefix for prefix in KINDS if name.startswith(prefix)), None)


def translate(fields: Mapping[str, Any], origin: Origin) -> Translation:
    kind = kind_of(origin)
    if kind is None:
        raise MappingError([f"file {origin.stream!r}: the name does not say which labour export it is "
                            f"(expected a name starting {', '.join(p + '*' for p in KINDS)})"], code="unknown-kind")
    system, record_id, occurred, recorded, build = KINDS[kind]
    r = FieldReader.of(fields, short_era=SHORT_YEARS)
    case = {"inspection_": "เลขที่อ้างอิง", "rorbor1_": "เลขที่ ร.บ.1"}.get(kind)
    head = read_head(r, AGENCY, system, record_id=record_id, occurred=occurred, recorded=recorded,
                     province=PROVINCE, case=case)
    return build(r, head)


def _people(r: FieldReader, key: str, role: str, head: Head, first: int = 1) -> list[dict[str, Any]]:
    """The persons of a list cell: entries `ชื่อ|สัญชาติ|เลขเอกสาร|ปีเกิด` separated by ';'."""
    value = r.get(key)
    if is_blank(value):
        return []
    if not isinstance(value, str) or len(value) > TEXT_LENGTH * 4:
        r.problem(key, value, f"expected entries 'ชื่อ|สัญชาติ|เลขเอกสาร|ปีเกิด' separated by ';' "
                              f"(at most {TEXT_LENGTH * 4} characters)")
        return []
    entries = [e for e in _ENTRIES.split(value) if e.strip()]
    if len(entries) > MAX_ITEMS:
        r.problem(key, value, f"has {len(entries)} entries; at most {MAX_ITEMS} are accepted")
        return []
    persons = []
    for index, entry in enumerate(entries, 1):
        parts = [p.strip() for p in entry.split("|")]
        where = f"{r.name(key)}[{index}]"
        if len(parts) > len(_CREW_PARTS) or (is_blank(parts[0]) and (len(parts) < 3 or is_blank(parts[2]))):
            r.problems.append(f"{where} {entry[:60]!r}: expected 'ชื่อ|สัญชาติ|เลขเอกสาร|ปีเกิด|ประเภทเอกสาร' "
                              "with at least a name or a document number")
            continue
        part = r.child(dict(zip(_CREW_PARTS, parts)), f"{where}.")
        ref = f"p{first + len(persons)}"
        person = build_person(part, ref, role, _CREW_PERSON, head.as_of)
        if part.given("เลขเอกสาร"):
            digits = _DOCUMENT_SEPARATORS.sub("", thai_digits_to_ascii(parts[2]))
            written = _crew_document(part)
            id13 = digits.isdigit() and 11 <= len(digits) <= 13   # 11-12: Excel ate a pink card's zeros
            doc = document(part, "เลขเอกสาร", written or ("ThaiId" if id13 else "Passport"), person["nationality"])
            person["identifiers"].extend([doc] if doc else [])
        persons.append(person)
    return persons


def _crew_document(part: FieldReader) -> str | None:
    """The kind a crew entry names for its document; an unknown one is left to the number's shape
    (noted): the crew member stays, like any person attribute the hub cannot read."""
    if not part.given("ประเภทเอกสาร"):
        return None
    value = part.get("ประเภทเอกสาร")
    found = _CREW_DOCUMENTS.get(vocab_key(value)) if isinstance(value, str) else None
    if found is None:
        part.note(f"{part.name('ประเภทเอกสาร')} {value!r} is not a document kind the hub knows "
                  "(passport, seabook, CI); the number's shape decides")
    return found


def _worker(r: FieldReader, head: Head, *, work_permit: str | None = None) -> dict[str, Any]:
    person = build_person(r, "p1", "Worker", THAI_PERSON, head.as_of)
    if work_permit and r.given(work_permit):
        permit = document(r, work_permit, "WorkPermit", "THA")
        person["identifiers"].extend([permit] if permit else [])
    return person


def _inspection(r: FieldReader, head: Head) -> Translation:
    employer = read_organisation(r, "o1", "Employer", "สถานประกอบการ", registration="เลขทะเบียนนิติบุคคล",
                                 required=True)
    isic = r.read("รหัส ISIC", _isic, "an ISIC Rev.4 class of 4 digits such as 1020", required=True)
    workers = _people(r, "ลูกจ้างที่พบสิ่งบ่งชี้", "Worker", head)
    details = {"employer_org_ref": "o1", "isic_code": isic, "workers_checked": r.count("จำนวนลูกจ้างที่ตรวจ"),
               "indicators": r.labels("สิ่งบ่งชี้", MEANS), "worker_person_refs": [p["person_ref"] for p in workers],
               "findings": r.text("ผลการตรวจ")}
    return finish(r, head, "InspectionCompleted", details, workers, [employer] if employer else [])


@pure
def _isic(value: object, *, field: str) -> str:
    text = thai_digits_to_ascii(value.strip()) if isinstance(value, str) else value
    if isinstance(text, str) and _ISIC.fullmatch(text):
        return text
    raise NormaliseError(field, value, "expected an ISIC Rev.4 class of 4 digits such as 1020")


_RORBOR1_PERIOD = PeriodFields(started="เริ่มถูกแสวงประโยชน์", ended="สิ้นสุดการถูกแสวงประโยชน์",
                               province="จังหวัดที่ถูกแสวงประโยชน์", district="อำเภอที่ถูกแสวงประโยชน์",
                               place="สถานที่ถูกแสวงประโยชน์")


def _rorbor1(r: FieldReader, head: Head) -> Translation:
    employer = read_organisation(r, "o1", "Employer", "นายจ้าง", registration="เลขทะเบียนนายจ้าง")
    details = {"person_ref": "p1", "employer_org_ref": "o1" if employer else None,
               "indicators": r.labels("สิ่งบ่งชี้", MEANS), "exploitation_types": r.labels("ลักษณะการแสวงประโยชน์",
                                                                                      EXPLOITATION),
               "referred_to_mdt": r.flag("ส่งต่อ MDT", required=True), "interpreter_language": language(r, "ภาษาล่าม"),
               "exploitation_period": read_period(r, _RORBOR1_PERIOD)}
    return finish(r, head, "RorBor1ScreeningSubmitted", details, [_worker(r, head)], [employer] if employer else [])


def _pipo(event_type: str) -> Callable[[FieldReader, Head], Translation]:
    def build(r: FieldReader, head: Head) -> Translation:
        vessel_reg = r.ident("ทะเบียนเรือ", required=True)
        licence = r.ident("ใบอนุญาตทำการประมง", required=True)
        vessel_name = r.label("ชื่อเรือ")
        orgs = [{"org_ref": "o1", "kind": "Vessel", "name": vessel_name or vessel_reg or "",
                 "registration_number": None, "vessel_registration": vessel_reg, "licence": licence,
                 "province": head.province}]
        owner = read_organisation(r, "o2", "Employer", "เจ้าของเรือ")
        crew = _people(r, "ลูกเรือ", "Crew", head)
        details = {"voyage_id": r.ident("รหัสเที่ยวเรือ", required=True), "vessel_registration": vessel_reg,
                   "fishing_licence": licence, "vessel_name": vessel_name, "port": r.label("ท่าเรือ", required=True),
                   "pipo_centre": r.label("ศูนย์ PIPO", required=True),
                   "crew_person_refs": [p["person_ref"] for p in crew], "vms_tracker_id": r.ident("รหัส VMS")}
        if event_type == "PipoPortOutReported":
            back = r.moment("กำหนดกลับเข้าท่า")
            if back and head.occurred_at and back < head.occurred_at:
                r.problem("กำหนดกลับเข้าท่า", r.get("กำหนดกลับเข้าท่า"), "is before the vessel left (วันเวลาออกท่า)")
            details["expected_return_at"] = back
        return finish(r, head, event_type, details, crew, orgs + ([owner] if owner else []))
    return build


def _pipo_finding(r: FieldReader, head: Head) -> Translation:
    vessel_reg = r.ident("ทะเบียนเรือ", required=True)
    crew = _people(r, "ลูกเรือที่เกี่ยวข้อง", "Crew", head)
    orgs = [{"org_ref": "o1", "kind": "Vessel", "name": vessel_reg or "", "registration_number": None,
             "vessel_registration": vessel_reg, "licence": None, "province": head.province}]
    details = {"voyage_id": r.ident("รหัสเที่ยวเรือ", required=True), "vessel_registration": vessel_reg,
               "mismatch_kinds": r.labels("ประเภทความไม่ตรงกัน", MISMATCHES),
               "person_refs": [p["person_ref"] for p in crew], "details": r.text("รายละเอียด")}
    r.label("ศูนย์ PIPO")  # read for its problems only: the finding event has no centre field
    return finish(r, head, "PipoInspectionFindingRecorded", details, crew, orgs)


def _employer_change(r: FieldReader, head: Head) -> Translation:
    previous = read_organisation(r, "o1", "Employer", "นายจ้างเดิม", registration="เลขทะเบียนนายจ้างเดิม")
    new_ref = "o2" if previous else "o1"
    new = read_organisation(r, new_ref, "Employer", "นายจ้างใหม่", registration="เลขทะเบียนนายจ้างใหม่", required=True)
    details = {"person_ref": "p1", "previous_employer_org_ref": "o1" if previous else None,
               "new_employer_org_ref": new_ref, "work_permit_number": r.ident("เลขใบอนุญาตทำงาน"),
               "reason": r.text("เหตุผล")}
    orgs = [o for o in (previous, new) if o]
    return finish(r, head, "EmployerChanged", details, [_worker(r, head, work_permit="เลขใบอนุญาตทำงาน")], orgs)


def _complaint(r: FieldReader, head: Head) -> Translation:
    employer = read_organisation(r, "o1", "Employer", "นายจ้าง", registration="เลขทะเบียนนายจ้าง")
    details = {"person_ref": "p1", "employer_org_ref": "o1" if employer else None,
               "indicators": r.labels("ประเด็นร้องเรียน", MEANS), "summary": r.text("สรุปเรื่อง", required=True)}
    return finish(r, head, "WorkerComplaintFiled", details, [_worker(r, head)], [employer] if employer else [])


# file name prefix -> (system, record id column, occurred column, recorded columns, builder)
KINDS: dict[str, tuple[str, str, str, tuple[str, ...], Callable[[FieldReader, Head], Translation]]] = {
    "inspection_": ("DLPW-LIS", "เลขที่การตรวจ", "วันที่ตรวจ", (RECORDED,), _inspection),
    "rorbor1_": ("DLPW-LIS", "เลขที่ ร.บ.1", "วันที่คัดกรอง", (RECORDED,), _rorbor1),
    "pipo_out_": ("PIPO-ONLINE", "เลขที่แจ้ง", "วันเวลาออกท่า", ("วันเวลาแจ้ง",), _pipo("PipoPortOutReported")),
    "pipo_in_": ("PIPO-ONLINE", "เลขที่แจ้ง", "วันเวลาเข้าท่า", ("วันเวลาแจ้ง",), _pipo("PipoPortInReported")),
    "pipo_finding_": ("PIPO-ONLINE", "เลขที่ผลการตรวจ", "วันเวลาตรวจ", (RECORDED,), _pipo_finding),
    "employer_change_": ("DOE-MW", "เลขที่คำขอ", "วันที่อนุมัติ", (RECORDED,), _employer_change),
    "complaint_": ("DLPW-LIS", "เลขที่คำร้อง", "วันที่ยื่นคำร้อง", (RECORDED,), _complaint),
}
