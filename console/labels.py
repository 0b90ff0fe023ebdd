"""Every contract value an operator reads, in English and in Thai: the label catalogue.

The bus speaks enum symbols (`PotentialVictim`, `ActualVictimOfTrafficking`, `Vessel`); an operator
reads words. Thai follows the terms MSDHS (กระทรวง พม.) writes: ผู้เสียหายจากการค้ามนุษย์ for a victim
of trafficking, ทีมสหวิชาชีพ for the MDT, สถานคุ้มครอง for a shelter. A symbol missing from the catalogue
is shown as itself (a new symbol must not break a page); the unit tests check that every symbol of
the contract's enums the console shows has both labels, and the browser test that a Thai page
shows none of them raw.
"""

from __future__ import annotations

__all__ = ["LABELS", "RULES", "SHOWN_ENUMS", "REFERRAL_TEXT", "rule_title", "referral_text"]

LABELS: dict[str, dict[str, tuple[str, str]]] = {      # kind -> symbol -> (English, Thai)
    "stage": {"Reported": ("Reported", "รับแจ้ง"), "Screening": ("Screening", "คัดแยกผู้เสียหาย"),
              "Identified": ("Identified as a victim", "ระบุเป็นผู้เสียหาย"),
              "NotAVictim": ("Not a victim", "ไม่ใช่ผู้เสียหาย"), "Protection": ("Protection", "คุ้มครอง"),
              "Prosecution": ("Prosecution", "ดำเนินคดี"), "Repatriation": ("Repatriation", "ส่งกลับภูมิลำเนา"),
              "Reintegration": ("Reintegration", "คืนสู่สังคม"), "Closed": ("Closed", "ปิด"), "Unknown": ("Unknown", "ไม่ทราบ")},
    "severity": {"Critical": ("Critical", "วิกฤต"), "Warning": ("Warning", "เตือน"), "Info": ("Info", "แจ้งทราบ")},
    "state": {"Firing": ("Firing", "กำลังแจ้งเตือน"), "Acknowledged": ("Acknowledged", "รับทราบแล้ว"),
              "Resolved": ("Resolved", "ปิดแล้ว")},
    "agency": {"police": ("Police", "ตำรวจ"), "immigration": ("Immigration", "ตรวจคนเข้าเมือง"), "labour": ("Labour", "แรงงาน"),
               "social": ("Social development (MSDHS)", "พม."), "unknown": ("Unknown agency", "ไม่ทราบหน่วยงาน")},
    "case_status": {"Active": ("Active", "ดำเนินการอยู่"), "FollowUp": ("Follow-up", "ติดตามผล"), "Closed": ("Closed", "ปิดคดี"),
                    "ClosedReferred": ("Closed, referred on", "ปิดคดี (ส่งต่อแล้ว)"), "Unknown": ("Unknown", "ไม่ทราบ")},
    "role": {"PotentialVictim": ("Potential victim", "ผู้ที่อาจเป็นผู้เสียหาย"), "Victim": ("Victim", "ผู้เสียหาย"),
             "Suspect": ("Suspect", "ผู้ต้องสงสัย"), "Witness": ("Witness", "พยาน"), "Reporter": ("Reporter", "ผู้แจ้ง"),
             "Worker": ("Worker", "แรงงาน"), "Crew": ("Crew", "ลูกเรือ"), "Child": ("Child", "เด็ก"),
             "Guardian": ("Guardian", "ผู้ปกครอง"), "Other": ("Other", "อื่น ๆ")},
    "trafficking_status": {
        "PossibleVictimOfTrafficking": ("Possible victim of trafficking", "ผู้ที่อาจเป็นผู้เสียหายจากการค้ามนุษย์"),
        "ActualVictimOfTrafficking": ("Victim of trafficking", "ผู้เสียหายจากการค้ามนุษย์"),
        "NotAVictimOfTrafficking": ("Not a victim of trafficking", "ไม่ใช่ผู้เสียหายจากการค้ามนุษย์"),
        "Unknown": ("Not yet known", "ยังไม่ทราบ")},
    "org_kind": {"Employer": ("Employer", "นายจ้าง"), "Vessel": ("Vessel", "เรือ"), "Premises": ("Premises", "สถานประกอบการ"),
                 "Recruiter": ("Recruiter", "ผู้จัดหางาน"), "Other": ("Other", "อื่น ๆ")},
    "identifier": {"ThaiId": ("Thai ID", "เลขประจำตัวประชาชน"), "Passport": ("Passport", "หนังสือเดินทาง"),
                   "PinkCard": ("Pink card", "บัตรสีชมพู"), "WorkPermit": ("Work permit", "ใบอนุญาตทำงาน"),
                   "BorderPass": ("Border pass", "บัตรผ่านแดน"), "Phone": ("Phone", "โทรศัพท์"),
                   "NonThaiId": ("13-digit ID of a non-Thai resident", "เลขประจำตัวบุคคลที่ไม่มีสัญชาติไทย"),
                   "Seabook": ("Seabook", "หนังสือคนประจำเรือ"),
                   "CertificateOfIdentity": ("Certificate of identity", "หนังสือรับรองสถานะบุคคล (CI)"),
                   "Other": ("Other", "อื่น ๆ")},
    "pipo_mismatch": {"CrewMissing": ("crew missing", "ลูกเรือขาดหาย"), "CrewAdded": ("crew added", "ลูกเรือเพิ่มขึ้น"),
                      "IdentityMismatch": ("identity mismatch", "ตัวบุคคลไม่ตรงกัน"),
                      "DocumentMismatch": ("document mismatch", "เอกสารไม่ตรงกัน"),
                      "VmsMismatch": ("tracker (VMS) mismatch", "ระบบติดตามเรือไม่ตรงกัน"),
                      "LicenceMismatch": ("licence mismatch", "ใบอนุญาตไม่ตรงกัน"), "Other": ("other mismatch", "ไม่ตรงกันด้านอื่น")},
    "console_role": {"national": ("national operator", "ผู้ปฏิบัติงานส่วนกลาง"),
                     "provincial": ("provincial operator", "ผู้ปฏิบัติงานจังหวัด"),
                     "team_lead": ("PSDHS team lead", "หัวหน้าทีม พมจ."),
                     "liaison": ("agency liaison", "ผู้ประสานงานหน่วยงาน"), "auditor": ("auditor", "ผู้ตรวจสอบ")},
    "nationality": {"THA": ("Thai", "ไทย"), "MMR": ("Myanmar", "เมียนมา"), "KHM": ("Cambodian", "กัมพูชา"), "LAO": ("Lao", "ลาว"),
                    "VNM": ("Vietnamese", "เวียดนาม"), "CHN": ("Chinese", "จีน"), "MYS": ("Malaysian", "มาเลเซีย"),
                    "IDN": ("Indonesian", "อินโดนีเซีย"), "PHL": ("Filipino", "ฟิลิปปินส์"), "BGD": ("Bangladeshi", "บังกลาเทศ"),
                    "IND": ("Indian", "อินเดีย"), "NPL": ("Nepali", "เนปาล"), "LKA": ("Sri Lankan", "ศรีลังกา"),
                    "PAK": ("Pakistani", "ปากีสถาน"), "UGA": ("Ugandan", "ยูกันดา"), "KEN": ("Kenyan", "เคนยา"),
                    "XXA": ("Stateless", "ไร้สัญชาติ"), "XXX": ("Unknown", "ไม่ทราบสัญชาติ")},
    "event": {
        "RescueConducted": ("Rescue", "ช่วยเหลือ/ปฏิบัติการช่วยเหลือ"), "CustodyStarted": ("s.29 custody started", "เริ่มควบคุมตัว (ม.29)"),
        "CustodyExtensionGranted": ("Custody extension granted", "ศาลขยายเวลาควบคุมตัว"),
        "CustodyEnded": ("Custody ended", "สิ้นสุดการควบคุมตัว"), "CriminalCaseOpened": ("Criminal case opened", "เปิดคดีอาญา"),
        "SuspectIdentified": ("Suspect identified", "ระบุผู้ต้องสงสัย"), "TicacTipReceived": ("TICAC tip received", "รับแจ้งเบาะแสเด็กถูกแสวงประโยชน์ทางออนไลน์"),
        "BorderCrossingRecorded": ("Border crossing", "ผ่านแดน"), "DetentionAdmitted": ("Admitted to immigration detention", "รับเข้าห้องกัก ตม."),
        "DetentionReleased": ("Released from immigration detention", "ปล่อยตัวจากห้องกัก ตม."),
        "DeportationScheduled": ("Deportation scheduled", "กำหนดส่งกลับ"), "DeportationHalted": ("Deportation cancelled or held", "ยกเลิก/ระงับการส่งกลับ"),
        "DeportationExecuted": ("Deported", "ส่งกลับแล้ว"), "InspectionCompleted": ("Labour inspection", "ตรวจแรงงานเสร็จ"),
        "RorBor1ScreeningSubmitted": ("Ror.Bor.1 screening submitted", "ส่งแบบคัดกรอง ร.บ.1"),
        "PipoPortOutReported": ("Port-out reported (PIPO)", "แจ้งเรือออกจากท่า"), "PipoPortInReported": ("Port-in reported (PIPO)", "แจ้งเรือเข้าท่า"),
        "PipoInspectionFindingRecorded": ("PIPO inspection finding", "ผลตรวจเรือเข้าออกไม่ตรงกัน"),
        "EmployerChanged": ("Employer changed", "เปลี่ยนนายจ้าง"), "WorkerComplaintFiled": ("Worker complaint", "แรงงานร้องเรียน"),
        "HotlineReportReceived": ("Hotline 1300 report", "รับแจ้งสายด่วน 1300"),
        "MdtScreeningScheduled": ("MDT screening scheduled", "นัดคัดแยกโดยทีมสหวิชาชีพ"),
        "MdtScreeningCompleted": ("MDT screening completed", "คัดแยกโดยทีมสหวิชาชีพเสร็จ"),
        "ShelterIntakeRecorded": ("Shelter intake", "รับเข้าสถานคุ้มครอง"), "ShelterExitRecorded": ("Shelter exit", "ออกจากสถานคุ้มครอง"),
        "RightsInformed": ("Rights informed", "แจ้งสิทธิผู้เสียหาย"), "SupportPlanCreated": ("Support plan created", "จัดทำแผนช่วยเหลือ"),
        "SupportPlanClosed": ("Support plan closed", "ปิดแผนช่วยเหลือ"), "FollowUpVisitRecorded": ("Follow-up visit", "เยี่ยมติดตามผล"),
        "RepatriationApproved": ("Repatriation approved", "อนุมัติส่งกลับภูมิลำเนา"),
        "RepatriationCompleted": ("Repatriated", "ส่งกลับภูมิลำเนาแล้ว"),
        "ConsentRecorded": ("Consent recorded", "บันทึกความยินยอม"), "ConsentWithdrawn": ("Consent withdrawn", "ถอนความยินยอม"),
    },
}

LABELS.update({    # prevention work on the province page (issue 13 item 4)
    "prevention_kind": {"Outreach": ("Outreach", "ลงพื้นที่ให้ความรู้"), "Training": ("Training", "อบรม"),
                        "Campaign": ("Campaign", "รณรงค์"), "Other": ("Other", "อื่น ๆ")},
    "audience": {"MigrantWorkers": ("Migrant workers", "แรงงานข้ามชาติ"), "FishingCrews": ("Fishing crews", "ลูกเรือประมง"),
                 "Students": ("Students", "นักเรียนนักศึกษา"), "Officials": ("Officials", "เจ้าหน้าที่"),
                 "Community": ("Community", "ชุมชน"), "Employers": ("Employers", "นายจ้าง"), "Other": ("Other", "อื่น ๆ")},
})
SHOWN_ENUMS = {"stage": "sanpalang.hub.CaseStage", "severity": "sanpalang.hub.AlertSeverity",
               "state": "sanpalang.hub.AlertState", "agency": "sanpalang.common.Agency",
               "case_status": "sanpalang.htcds.CaseStatus", "role": "sanpalang.common.PersonRole",
               "trafficking_status": "sanpalang.htcds.TraffickingStatus", "org_kind": "sanpalang.common.OrganisationKind",
               "identifier": "sanpalang.common.IdentifierKind", "pipo_mismatch": "sanpalang.labour.PipoMismatchKind",
               "prevention_kind": "sanpalang.social.PreventionKind", "audience": "sanpalang.social.PreventionAudience"}
"""Label kind -> the Avro enum whose every symbol it must cover (checked by the unit tests)."""

RULES: dict[str, tuple[int, str, str]] = {      # rule key -> (number, English title, Thai title)
    "custody-s29-deadline": (1, "s.29 custody deadline", "กำหนดเวลาควบคุมตัวตามมาตรา 29"),
    "nrm-reflection-overrun": (2, "NRM reflection period overrun", "พักในสถานคุ้มครองเกินกำหนดก่อนคัดแยก"),
    "care-handoff-missing": (3, "Rescued, no care hand-off", "ช่วยเหลือแล้วแต่ยังไม่ส่งต่อการดูแล"),
    "minor-involved": (4, "Minor involved", "เกี่ยวข้องกับเด็ก (อายุต่ำกว่า 18 ปี)"),
    "victim-detained-or-deported": (5, "Potential victim in detention or deportation", "ผู้ที่อาจเป็นผู้เสียหายถูกกักตัวหรือส่งกลับ"),
    "labour-screening-not-referred": (6, "Labour screening not followed by MDT", "คัดกรองแรงงานแล้วแต่ทีมสหวิชาชีพยังไม่คัดแยก"),
    "repeat-victim": (7, "Repeat victim", "ผู้เสียหายซ้ำ"),
    "multi-agency-hotspot": (8, "Multi-agency hotspot", "จุดเสี่ยงที่หลายหน่วยงานพบ"),
    "pipo-crew-mismatch": (9, "PIPO crew mismatch", "ลูกเรือขาเข้าไม่ตรงกับขาออก"),
    "pipo-vessel-overdue": (9, "PIPO vessel overdue", "เรือประมงไม่กลับเข้าท่าตามกำหนด"),
    "cross-border-movement": (10, "Cross-border movement", "การเคลื่อนย้ายข้ามแดน"),
    "rights-prosecution-handoff": (11, "Rights / prosecution hand-off missing", "ยังไม่แจ้งสิทธิหรือยังไม่ส่งดำเนินคดี"),
    "suspect-across-provinces": (12, "Same suspect across provinces", "ผู้ต้องสงสัยคนเดียวกันในหลายจังหวัด"),
    "victim-treated-as-offender": (13, "Victim treated as offender", "ผู้เสียหายถูกดำเนินคดีเป็นผู้กระทำผิด (ม.41)"),
    "absconded-unscreened": (14, "Absconded unscreened", "ออกจากสถานคุ้มครองก่อนได้รับการคัดแยก"),
}


def rule_title(key: str, lang: str) -> str:
    """``Rule 2 · NRM reflection period overrun`` / ``กฎข้อ 2 · ...`` (the number with the title, as
    docs/alert-rules.md numbers them); an unknown key as itself."""
    if key not in RULES:
        return key
    number, en, th = RULES[key]
    return f"กฎข้อ {number} · {th}" if lang == "th" else f"Rule {number} · {en}"


REFERRAL_TEXT: dict[str, str] = {       # a referral's English reason or requested action -> Thai
    "A potential victim has not been screened by the MDT in time.":
        "ผู้ที่อาจเป็นผู้เสียหายยังไม่ได้รับการคัดแยกโดยทีมสหวิชาชีพภายในกำหนด",
    "Complete the MDT screening (identification interview) now.":
        "ดำเนินการคัดแยก (สัมภาษณ์เพื่อระบุตัวผู้เสียหาย) โดยทีมสหวิชาชีพทันที",
    "A rescued person has no shelter or support plan.": "บุคคลที่ได้รับการช่วยเหลือยังไม่มีสถานคุ้มครองหรือแผนช่วยเหลือ",
    "Arrange a shelter intake or support plan, or record the person's refusal.":
        "จัดการรับเข้าสถานคุ้มครองหรือจัดทำแผนช่วยเหลือ หรือบันทึกการปฏิเสธของบุคคล",
    "A rescued child has no shelter or support plan.": "เด็กที่ได้รับการช่วยเหลือยังไม่มีสถานคุ้มครองหรือแผนช่วยเหลือ",
    "Place the child in a shelter with a support plan now.": "นำเด็กเข้าสถานคุ้มครองพร้อมแผนช่วยเหลือทันที",
    "A potential trafficking victim is detained or due for deportation.":
        "ผู้ที่อาจเป็นผู้เสียหายจากการค้ามนุษย์ถูกกักตัวหรือกำลังจะถูกส่งกลับ",
    "Hold the deportation and transfer the person to a shelter for MDT screening.":
        "ระงับการส่งกลับและส่งตัวบุคคลเข้าสถานคุ้มครองเพื่อคัดแยกโดยทีมสหวิชาชีพ",
    "A Ror.Bor.1 form with trafficking indicators awaits the MDT.":
        "แบบคัดกรอง ร.บ.1 ที่พบข้อบ่งชี้การค้ามนุษย์รอการคัดแยกโดยทีมสหวิชาชีพ",
    "Schedule the MDT screening of the referred worker.": "นัดการคัดแยกแรงงานที่ถูกส่งต่อโดยทีมสหวิชาชีพ",
    "Port-in crew or vessel documents do not match the port-out report.": "ลูกเรือหรือเอกสารเรือขาเข้าไม่ตรงกับที่แจ้งขาออก",
    "Inspect the vessel and interview the crew before they leave the port.": "ตรวจเรือและสัมภาษณ์ลูกเรือก่อนออกจากท่า",
    "A fishing vessel is not back in port by the end of its declared trip.": "เรือประมงไม่กลับเข้าท่าภายในกำหนดที่แจ้งไว้",
    "Contact the vessel (VMS, radio, owner) and the port; check the crew's safety.":
        "ติดต่อเรือ (ระบบติดตามเรือ วิทยุ เจ้าของเรือ) และท่าเรือ ตรวจสอบความปลอดภัยของลูกเรือ",
    "A person named in a hotline report has left Thailand.": "บุคคลที่ถูกระบุในการแจ้งสายด่วนได้ออกนอกประเทศไทยแล้ว",
    "Check the exit record and alert the destination country's counterpart.":
        "ตรวจสอบบันทึกการเดินทางออกและแจ้งหน่วยงานคู่ประสานของประเทศปลายทาง",
    "An identified victim has not been told their rights.": "ผู้เสียหายที่ได้รับการระบุแล้วยังไม่ได้รับแจ้งสิทธิ",
    "Inform the victim of their rights (ss.33-34) in their language and record it.":
        "แจ้งสิทธิแก่ผู้เสียหาย (มาตรา 33-34) เป็นภาษาของผู้เสียหาย และบันทึกไว้",
    "A possible or identified trafficking victim is named as a suspect or charged.":
        "ผู้ที่อาจเป็นหรือเป็นผู้เสียหายจากการค้ามนุษย์ถูกระบุเป็นผู้ต้องสงสัยหรือถูกตั้งข้อหา",
    "Review the charge under s.41 (no prosecution of victims for offences committed while trafficked).":
        "ทบทวนข้อหาตามมาตรา 41 (ไม่ดำเนินคดีผู้เสียหายในความผิดที่กระทำขณะตกเป็นผู้เสียหาย)",
    "A potential victim left a shelter before MDT screening.": "ผู้ที่อาจเป็นผู้เสียหายออกจากสถานคุ้มครองก่อนการคัดแยกโดยทีมสหวิชาชีพ",
    "Trace the person (family, employer, hotline) and complete the MDT screening.":
        "ติดตามตัวบุคคล (ครอบครัว นายจ้าง สายด่วน) และดำเนินการคัดแยกโดยทีมสหวิชาชีพให้เสร็จ",
    "A person has been identified as a victim of trafficking (MDT outcome Actual).":
        "บุคคลได้รับการระบุเป็นผู้เสียหายจากการค้ามนุษย์ (ผลการคัดแยกของทีมสหวิชาชีพ)",
    "Open a criminal case under the Anti-Trafficking in Persons Act B.E. 2551 and record the victim.":
        "เปิดคดีอาญาตามพระราชบัญญัติป้องกันและปราบปรามการค้ามนุษย์ พ.ศ. 2551 และบันทึกผู้เสียหาย",
}
"""The hub's own referral texts (the rules' `Referral`s, `streams.referrals.STAGE_REFERRALS`), in Thai;
a text not listed (an agency's own) is shown as written."""


def referral_text(text: str, lang: str) -> str:
    return REFERRAL_TEXT.get(text, text) if lang == "th" else text
