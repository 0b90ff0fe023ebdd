"""The console's words in English and Thai, and province names in both.

A missing Thai entry falls back to English rather than failing a page; the unit tests check that
every key has both. Province names come from the connectors' province table (77 rows).
"""

from __future__ import annotations

from functools import lru_cache

from connectors.normalise.provinces import province as _province
from console.labels import LABELS

__all__ = ["t", "label", "province_name", "MESSAGES", "LABELS", "normalise_lang", "CASE_FILE_LABELS", "file_label"]

MESSAGES: dict[str, tuple[str, str]] = {     # key: (English, Thai)
    "app": ("Sanpalang operator console", "คอนโซลผู้ปฏิบัติงาน สานพลัง"),
    "sign_in": ("Sign in", "เข้าสู่ระบบ"),
    "sign_out": ("Sign out", "ออกจากระบบ"),
    "user": ("User name", "ชื่อผู้ใช้"),
    "password": ("Password", "รหัสผ่าน"),
    "bad_credentials": ("Wrong user name or password.", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"),
    "locked": ("Too many failed attempts; try again later.", "ลองผิดหลายครั้งเกินไป กรุณาลองใหม่ภายหลัง"),
    "board": ("Alert board", "กระดานแจ้งเตือน"),
    "cases": ("Cases", "คดี"),
    "links": ("Persons for review", "บุคคลรอตรวจสอบ"),
    "referrals": ("Referrals", "การส่งต่อ"),
    "audit": ("Audit log", "บันทึกการตรวจสอบ"),
    "severity": ("Severity", "ความรุนแรง"),
    "rule": ("Rule", "กฎ"),
    "province": ("Province", "จังหวัด"),
    "case": ("Case", "คดี"),
    "due": ("Due", "กำหนด"),
    "time_left": ("Time left", "เวลาที่เหลือ"),
    "raised": ("Raised", "แจ้งเมื่อ"),
    "message": ("Message", "ข้อความ"),
    "state": ("State", "สถานะ"),
    "note": ("Note", "บันทึก"),
    "acknowledge": ("Acknowledge", "รับทราบ"),
    "acknowledged": ("Acknowledged", "รับทราบแล้ว"),
    "resolve": ("Resolve", "ปิดการแจ้งเตือน"),
    "escalate": ("Escalate", "ยกระดับ"),
    "confirm": ("Confirm", "ยืนยัน"),
    "reject": ("Reject", "ปฏิเสธ"),
    "no_alerts": ("No open alerts.", "ไม่มีการแจ้งเตือน"),
    "live": ("live", "สด"),
    "offline": ("reconnecting…", "กำลังเชื่อมต่อใหม่…"),
    "stage": ("Stage", "ขั้นตอน"),
    "status": ("Status", "สถานะคดี"),
    "agency": ("Agency", "หน่วยงาน"),
    "opened": ("Opened", "เปิดเมื่อ"),
    "updated": ("Updated", "ปรับปรุงเมื่อ"),
    "from": ("From", "ตั้งแต่"),
    "until": ("Until", "ถึง"),
    "search": ("Search", "ค้นหา"),
    "any": ("any", "ทั้งหมด"),
    "timeline": ("Timeline", "ลำดับเหตุการณ์"),
    "persons": ("Persons", "บุคคล"),
    "organisations": ("Organisations", "องค์กร"),
    "deadlines": ("Running deadlines", "กำหนดเวลาที่กำลังนับ"),
    "alerts": ("Alerts", "การแจ้งเตือน"),
    "possible_links": ("Possible links awaiting a decision", "การเชื่อมโยงบุคคลที่รอการตัดสิน"),
    "nrm_stage": ("NRM stage", "ขั้นตอนตามกลไกส่งต่อระดับชาติ"),
    "cleared": ("Closed", "ปิดเมื่อ"),
    "no_case": ("No case", "ไม่ระบุคดี"),
    "hub_clock": ("Time left is counted from the hub's clock (event time of the feed):",
                  "เวลาที่เหลือนับจากนาฬิกาของระบบ (เวลาของเหตุการณ์ในข้อมูลที่รับเข้า):"),
    "event": ("Event", "เหตุการณ์"),
    "when": ("When", "เมื่อ"),
    "person": ("Person", "บุคคล"),
    "roles": ("Roles", "บทบาท"),
    "screening": ("Screening outcome", "ผลการคัดแยก"),
    "minor": ("Minor", "ผู้เยาว์"),
    "nationality": ("Nationality", "สัญชาติ"),
    "name": ("Name", "ชื่อ"),
    "kind": ("Kind", "ประเภท"),
    "weight": ("Match weight", "น้ำหนักการจับคู่"),
    "candidate": ("May be", "อาจเป็น"),
    "none": ("None.", "ไม่มี"),
    "not_found": ("Not found.", "ไม่พบ"),
    "forbidden": ("You may not open this page.", "คุณไม่มีสิทธิ์เปิดหน้านี้"),
    "to_agency": ("To agency", "ถึงหน่วยงาน"),
    "reason": ("Reason", "เหตุผล"),
    "requested_action": ("Requested action", "สิ่งที่ขอให้ดำเนินการ"),
    "created": ("Created", "สร้างเมื่อ"),
    "actor": ("Who", "ผู้ใช้"),
    "action": ("Action", "การกระทำ"),
    "target": ("Target", "เป้าหมาย"),
    "chain_ok": ("Chain intact", "ห่วงโซ่ครบถ้วน"),
    "chain_bad": ("Chain broken at entry", "ห่วงโซ่เสียหายที่รายการ"),
    "previous": ("Previous", "ก่อนหน้า"),
    "next": ("Next", "ถัดไป"),
    "hidden": ("(restricted)", "(จำกัดสิทธิ์)"),
    "done": ("Done.", "เรียบร้อย"),
    "action_unavailable": ("The action could not be sent to the hub; nothing was recorded. Try again.",
                           "ส่งการดำเนินการไปยังระบบไม่ได้ ยังไม่มีการบันทึก กรุณาลองใหม่"),
    "action_failed": ("Nothing to do: the alert is not open in your provinces.",
                      "ไม่สามารถดำเนินการ: ไม่มีการแจ้งเตือนนี้ในจังหวัดของคุณ"),
}


def label(kind: str, value: str | None, lang: str) -> str:
    """A contract symbol (stage, severity, role, ...) in the operator's language (`console.labels`);
    a symbol the catalogue lacks is shown as itself."""
    if value is None:
        return "—"
    en, th = LABELS.get(kind, {}).get(value, (value, value))
    return th if lang == "th" else en


def normalise_lang(value: str | None) -> str:
    return "th" if value == "th" else "en"


def t(key: str, lang: str) -> str:
    en, th = MESSAGES.get(key, (key, key))
    return th if lang == "th" and th else en


@lru_cache(maxsize=128)
def province_name(code: str, lang: str) -> str:
    """``เชียงราย`` / ``Chiang Rai``; an unknown code is shown as itself."""
    try:
        p = _province(code)
    except KeyError:
        return code
    return p.thai if lang == "th" else p.english


# --- the case file (issue 13): HTCDS 2.0 victim fields, each value in English and Thai ---------------
CASE_FILE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "exploitation": {
        "ForcedLabour": ("Forced labour", "บังคับใช้แรงงาน"), "SexualExploitation": ("Sexual exploitation", "แสวงประโยชน์ทางเพศ"),
        "ChildLabour": ("Child labour", "แรงงานเด็ก"), "ForcedMarriage": ("Forced marriage", "บังคับแต่งงาน"),
        "Servitude": ("Servitude", "เอาคนลงเป็นทาส"),
        "ForcedMilitaryByNonStateActors": ("Forced military (non-state actors)", "บังคับเป็นทหาร (กลุ่มติดอาวุธ)"),
        "OrganRemoval": ("Organ removal", "ตัดอวัยวะ"), "ForcedBegging": ("Forced begging", "บังคับขอทาน"),
        "ForcedAdoption": ("Forced adoption", "บังคับรับบุตรบุญธรรม"), "Surrogacy": ("Surrogacy", "อุ้มบุญ"),
        "ForcedCriminality": ("Forced criminality (scam compounds)", "บังคับให้กระทำความผิด (แก๊งคอลเซ็นเตอร์)"),
        "Other": ("Other", "อื่น ๆ"),
    },
    "means": {
        "PhysicalThreats": ("Physical threats", "ข่มขู่ทำร้าย"),
        "ThreatsLawEnforcement": ("Threats of police or deportation", "ขู่แจ้งตำรวจหรือส่งกลับ"),
        "ThreatensChildrenFamily": ("Threatens children or family", "ขู่ทำร้ายครอบครัว"),
        "DebtBondage": ("Debt bondage", "หนี้ผูกมัด"), "FalsePromises": ("False promises", "หลอกลวง"),
        "PhysicalAbuse": ("Physical abuse", "ทำร้ายร่างกาย"), "SexualAbuse": ("Sexual abuse", "ล่วงละเมิดทางเพศ"),
        "TakesEarnings": ("Takes earnings", "ยึดหรือไม่จ่ายค่าจ้าง"),
        "RestrictsFinancialAccess": ("Restricts financial access", "ยึดบัญชีธนาคาร"),
        "RestrictsMedicalCare": ("Restricts medical care", "ไม่ให้รักษาพยาบาล"),
        "WithholdsNecessities": ("Withholds necessities", "ไม่ให้อาหารและปัจจัยจำเป็น"),
        "PsychologicalAbuse": ("Psychological abuse", "ทารุณทางจิตใจ"),
        "PsychoactiveSubstance": ("Psychoactive substances", "บังคับใช้ยาเสพติด"),
        "WithholdsDocuments": ("Withholds documents", "ยึดเอกสาร"),
        "ExcessiveWorkingHours": ("Excessive working hours", "ทำงานเกินเวลา"),
        "Other": ("Other", "อื่น ๆ"),
    },
    "decided_by": {
        "Police": ("Police", "ตำรวจ"), "NGO": ("NGO", "องค์กรพัฒนาเอกชน"),
        "CourtOrProsecution": ("Court or prosecution", "ศาลหรืออัยการ"),
        "NonPoliceGovernmentalOrganization": ("Government, not police (MDT)", "หน่วยงานรัฐที่ไม่ใช่ตำรวจ (ทีมสหวิชาชีพ)"),
        "Other": ("Other", "อื่น ๆ"),
    },
    "language": {
        "mya": ("Burmese", "พม่า"), "khm": ("Khmer", "เขมร"), "lao": ("Lao", "ลาว"), "tha": ("Thai", "ไทย"),
        "vie": ("Vietnamese", "เวียดนาม"), "zho": ("Chinese", "จีน"), "eng": ("English", "อังกฤษ"),
        "ksw": ("S'gaw Karen", "กะเหรี่ยง"), "shn": ("Shan", "ไทใหญ่"), "hmn": ("Hmong", "ม้ง"),
        "lhu": ("Lahu", "ลาหู่"), "akh": ("Akha", "อาข่า"), "mnw": ("Mon", "มอญ"), "ind": ("Indonesian", "อินโดนีเซีย"),
        "ben": ("Bengali", "เบงกาลี"), "rhg": ("Rohingya", "โรฮีนจา"),
    },
}
MESSAGES.update({
    "case_file": ("Case file", "แฟ้มคดี"),
    "exploitation_types": ("Forms of exploitation", "ลักษณะการแสวงประโยชน์"),
    "means_of_control": ("Means of control", "วิธีการควบคุม"),
    "interpreter": ("Interpreter", "ล่าม"),
    "exploited_when": ("Exploited", "ช่วงเวลาที่ถูกแสวงประโยชน์"),
    "exploited_where": ("Where", "สถานที่ถูกแสวงประโยชน์"),
    "status_decided_by": ("Status decided by", "ผู้วินิจฉัยสถานะ"),
    "case_number": ("Case number", "เลขที่คดี"),
    "absorbed_numbers": ("Merged from", "รวมมาจากคดี"),
    "merged_into": ("Merged into", "รวมเข้ากับคดี"),
})

MESSAGES.update({    # the province page (issue 13 item 4: prevention on the same map)
    "provinces": ("Provinces", "จังหวัด"),
    "province_page": ("Province", "จังหวัด"),
    "hotspots": ("Hotspots (rule 8: flagged by several agencies)", "จุดเสี่ยง (กฎข้อ 8: ถูกพบโดยหลายหน่วยงาน)"),
    "prevention": ("Prevention work", "งานป้องกัน"),
    "prevention_by_district": ("Prevention by district", "งานป้องกันรายอำเภอ"),
    "open_cases_by_stage": ("Open cases by stage", "คดีที่ยังไม่ปิดแยกตามขั้นตอน"),
    "district": ("District", "อำเภอ"),
    "held_on": ("Held on", "วันที่จัด"),
    "activity_kind": ("Activity", "กิจกรรม"),
    "audience": ("Audience", "กลุ่มเป้าหมาย"),
    "people_reached": ("People reached", "จำนวนผู้เข้าร่วม"),
    "activities": ("Activities", "จำนวนกิจกรรม"),
    "organiser": ("Organiser", "ผู้จัด"),
    "title": ("Title", "หัวข้อ"),
    "languages": ("Languages", "ภาษา"),
    "province_wide": ("Province-wide", "ทั้งจังหวัด"),
    "count": ("Count", "จำนวน"),
    "total": ("Total", "รวม"),
    "last_activity": ("Latest", "ครั้งล่าสุด"),
    "no_prevention_where_hotspot": ("No prevention work recorded in this province yet, against hotspots here.",
                                    "ยังไม่มีการบันทึกงานป้องกันในจังหวัดนี้ ขณะที่มีจุดเสี่ยง"),
})


# --- the team lead's desk (issue 13 item 2): owner, status decisions, closing ------------------------
MESSAGES.update({
    "desk": ("Team lead's desk", "งานของหัวหน้าทีม"),
    "owner": ("Owner", "ผู้รับผิดชอบคดี"),
    "no_owner": ("nobody yet", "ยังไม่มี"),
    "assigned_by": ("assigned by", "มอบหมายโดย"),
    "assign_owner": ("Assign owner", "มอบหมายผู้รับผิดชอบ"),
    "status_decisions": ("Status decisions", "การวินิจฉัยสถานะ"),
    "trafficking_status": ("Trafficking status", "สถานะผู้เสียหาย"),
    "basis": ("Decided on", "วินิจฉัยโดย"),
    "decided_by": ("Recorded by", "บันทึกโดย"),
    "record_decision": ("Record status decision", "บันทึกการวินิจฉัยสถานะ"),
    "close_case": ("Close case", "ปิดคดี"),
    "closed_by": ("Closed by", "ปิดคดีโดย"),
    "no_candidates": ("No PSDHS officer of this province has a console account.",
                      "ยังไม่มีเจ้าหน้าที่ พมจ. ของจังหวัดนี้ที่มีบัญชีในคอนโซล"),
    "desk_refused": ("The case did not take the action: it is closed, or the values do not fit.",
                     "ดำเนินการกับคดีไม่ได้: คดีปิดแล้ว หรือข้อมูลไม่ถูกต้อง"),
})
DECISION_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "basis": {
        "NonPoliceGovernmentalOrganization": ("MDT screening", "การคัดแยกของทีมสหวิชาชีพ"),
        "CourtOrProsecution": ("Court or prosecution", "ศาลหรืออัยการ"),
        "Police": ("Police", "ตำรวจ"), "NGO": ("NGO", "องค์กรพัฒนาเอกชน"), "Other": ("Other", "อื่น ๆ"),
    },
}
CASE_FILE_LABELS.update(DECISION_LABELS)


def file_label(kind: str, value: str | None, lang: str) -> str:
    """A case-file value (exploitation, means, decided_by, language) in the operator's language."""
    if value is None:
        return "—"
    en, th = CASE_FILE_LABELS.get(kind, {}).get(value, (value, value))
    return th if lang == "th" else en
