"""The agencies' picklist words (English codes, Thai labels) -> the contract's enum symbols.

Each table maps `vocab_key(word)` to a symbol; every symbol also matches itself, so the HTCDS
names (`DebtBondage`, `debt_bondage`, `Debt bondage`) are always understood. Lists documented in
NATIVE.md.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from connectors.mapping.fields import FieldReader, clean_text, vocab_key
from connectors.normalise import thai_digits_to_ascii

__all__ = ["DECISION_MAKERS", "AGENCIES", "CHANNELS", "CONSENT_SCOPES", "EXIT_REASONS", "EXPLOITATION", "LANGUAGES", "MEANS",
           "MISMATCHES", "OUTCOMES", "PERPETRATOR_ROLES", "PLAN_TYPES", "RIGHTS", "SHELTER_KINDS", "TIP_SOURCES",
           "language", "offence_section", "table"]


def table(words: Mapping[str, Iterable[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for symbol, aliases in words.items():
        for word in (symbol, *aliases):
            key = vocab_key(word)
            if out.setdefault(key, symbol) != symbol:
                raise ValueError(f"vocabulary word {word!r} names both {out[key]} and {symbol}")
    return out


EXPLOITATION = table({
    "SexualExploitation": ["sexual", "sexual_exploitation", "prostitution", "csam", "แสวงประโยชน์ทางเพศ",
                           "การแสวงประโยชน์ทางเพศ", "ค้าประเวณี", "การค้าประเวณี", "สื่อลามกอนาจารเด็ก"],
    "ForcedLabour": ["forced_labour", "forced_labor", "labour", "บังคับใช้แรงงาน", "การบังคับใช้แรงงาน",
                     "แรงงานบังคับ"],
    "ChildLabour": ["child_labour", "child_labor", "แรงงานเด็ก"],
    "ForcedMarriage": ["forced_marriage", "บังคับแต่งงาน"],
    "Servitude": ["servitude", "slavery", "เอาคนลงเป็นทาส", "ทำให้ตกเป็นทาส"],
    "ForcedMilitaryByNonStateActors": ["forced_military", "child_soldier"],
    "OrganRemoval": ["organ_removal", "ตัดอวัยวะ", "ค้าอวัยวะ"],
    "ForcedBegging": ["begging", "forced_begging", "ขอทาน", "บังคับขอทาน", "บังคับให้ขอทาน"],
    "ForcedAdoption": ["forced_adoption"],
    "Surrogacy": ["surrogacy", "อุ้มบุญ"],
    "ForcedCriminality": ["forced_criminality", "forced_crime", "forced_scamming", "scam_compound", "online_scam",
                          "บังคับให้กระทำความผิด", "บังคับให้กระทำผิดกฎหมาย", "บังคับให้ก่ออาชญากรรม",
                          "บังคับทำงานแก๊งคอลเซ็นเตอร์", "แก๊งคอลเซ็นเตอร์", "สแกมเมอร์", "บังคับให้หลอกลวงออนไลน์"],
    "Other": ["other", "อื่นๆ", "อื่น"],
})

DECISION_MAKERS = table({
    "NonPoliceGovernmentalOrganization": ["mdt", "multidisciplinary_team", "psdhs", "msdhs", "social",
                                          "ทีมสหวิชาชีพ", "สหวิชาชีพ", "พมจ.", "พม.", "government"],
    "Police": ["police", "ตำรวจ", "บก.ปคม.", "ปคม."],
    "CourtOrProsecution": ["court", "prosecutor", "prosecution", "ศาล", "อัยการ", "พนักงานอัยการ"],
    "NGO": ["ngo", "องค์กรพัฒนาเอกชน", "มูลนิธิ"],
    "Other": ["other", "อื่นๆ", "อื่น"],
})

MEANS = table({
    "PhysicalThreats": ["threats", "ข่มขู่", "ข่มขู่ทำร้าย"],
    "ThreatsLawEnforcement": ["threat_police", "ขู่แจ้งตำรวจ", "ขู่ส่งกลับประเทศ"],
    "ThreatensChildrenFamily": ["threatens_family", "ขู่ทำร้ายครอบครัว"],
    "DebtBondage": ["debt", "หนี้", "หนี้สิน", "หนี้ผูกมัด", "พันธนาการหนี้"],
    "FalsePromises": ["deception", "หลอกลวง", "สัญญาเท็จ"],
    "PhysicalAbuse": ["violence", "ทำร้ายร่างกาย"],
    "SexualAbuse": ["ล่วงละเมิดทางเพศ"],
    "TakesEarnings": ["wages_withheld", "unpaid_wages", "ยึดค่าจ้าง", "ไม่จ่ายค่าจ้าง", "ค้างจ่ายค่าจ้าง"],
    "RestrictsFinancialAccess": ["ยึดบัญชีธนาคาร", "ยึดบัตรเอทีเอ็ม"],
    "RestrictsMedicalCare": ["ไม่ให้รักษาพยาบาล"],
    "WithholdsNecessities": ["ไม่ให้อาหาร", "อดอาหาร"],
    "PsychologicalAbuse": ["ทารุณทางจิตใจ", "กดดันทางจิตใจ"],
    "PsychoactiveSubstance": ["drugs", "ยาเสพติด", "บังคับใช้ยาเสพติด"],
    "ExcessiveWorkingHours": ["excessive_hours", "ทำงานเกินเวลา", "ชั่วโมงทำงานเกิน"],
    "WithholdsDocuments": ["documents_withheld", "ยึดเอกสาร", "ยึดหนังสือเดินทาง", "ยึดบัตร", "ยึดบัตรชมพู"],
    "Other": ["other", "อื่นๆ", "อื่น", "กักขัง", "จำกัดอิสรภาพ", "restricted_movement", "confinement"],
})

PERPETRATOR_ROLES = table({
    "TravellingPartner": ["travelling_partner"],
    "Transporter": ["transporter", "driver", "ผู้ขนย้าย", "คนขับรถ"],
    "RecruiterOrIntermediary": ["recruiter", "broker", "intermediary", "นายหน้า", "ผู้ชักชวน", "ผู้จัดหา"],
    "BrokerTravelAgent": ["travel_agent", "บริษัทนำเที่ยว"],
    "TransferredIndividual": ["transferrer", "ผู้ส่งต่อ"],
    "HarbouredIndividual": ["harbourer", "harborer", "ผู้ให้ที่พักพิง"],
    "SoldIndividual": ["seller", "ผู้ขาย"],
    "BoughtIndividual": ["buyer", "ผู้ซื้อ"],
    "ReceivedIndividual": ["receiver", "ผู้รับตัว"],
    "ControlledIndividual": ["controller", "ผู้ควบคุม"],
    "Smuggler": ["smuggler", "ผู้ลักลอบ"],
    "Abuser": ["abuser", "ผู้ทำร้าย"],
    "Kidnapper": ["kidnapper", "ผู้ลักพา"],
    "Exploiter": ["exploiter", "owner", "ผู้แสวงประโยชน์", "เจ้าของ", "เจ้าของร้าน", "เจ้าของกิจการ"],
    "Other": ["other", "อื่นๆ"],
})

AGENCIES = table({
    "police": ["ตำรวจ", "สตช.", "ปคม.", "บก.ปคม.", "rtp", "atpd", "ticac"],
    "social": ["พม.", "พมจ.", "msdhs", "psdhs", "สังคม", "พัฒนาสังคม", "social_development"],
    "labour": ["labor", "แรงงาน", "กสร.", "สรจ.", "จัดหางาน", "dlpw", "doe", "pipo"],
    "immigration": ["ตม.", "สตม.", "ตรวจคนเข้าเมือง"],
})

TIP_SOURCES = table({
    "NcmecCyberTipline": ["ncmec", "cybertipline", "cyber_tipline"],
    "Interpol": ["interpol", "icse"],
    "ForeignPolice": ["foreign_police", "fbi", "hsi", "afp", "nca"],
    "Public": ["public", "ประชาชน"],
    "Platform": ["platform", "แพลตฟอร์ม"],
    "Other": ["other"],
})

CHANNELS = table({
    "Phone1300": ["phone", "1300", "phone_1300", "hotline", "โทรศัพท์"],
    "LineOfficial": ["line", "line_official", "ไลน์"],
    "Web": ["web", "website", "online", "เว็บไซต์"],
    "WalkIn": ["walk_in", "walkin", "มาด้วยตนเอง"],
    "Other": ["other"],
})

OUTCOMES = table({
    "ActualVictimOfTrafficking": ["actual_victim", "victim", "เป็นผู้เสียหาย", "เป็นผู้เสียหายจากการค้ามนุษย์"],
    "PossibleVictimOfTrafficking": ["possible_victim", "อาจเป็นผู้เสียหาย", "เข้าข่าย", "เข้าข่ายผู้เสียหาย"],
    "NotAVictimOfTrafficking": ["not_victim", "not_a_victim", "ไม่เป็นผู้เสียหาย", "ไม่เข้าข่าย"],
})

SHELTER_KINDS = table({
    "Temporary": ["temporary", "ชั่วคราว", "บ้านพักเด็กและครอบครัว", "สถานคุ้มครองชั่วคราว"],
    "LongTerm": ["long_term", "ระยะยาว", "สถานคุ้มครอง", "ศูนย์คุ้มครอง", "สถานคุ้มครองสวัสดิภาพ"],
    "Private": ["private", "เอกชน", "มูลนิธิ"],
    "Other": ["other", "อื่นๆ"],
})

EXIT_REASONS = table({
    "Reintegrated": ["reintegrated", "คืนสู่สังคม", "กลับคืนสู่ครอบครัว", "คืนสู่ครอบครัว"],
    "Repatriated": ["repatriated", "ส่งกลับประเทศ", "ส่งกลับประเทศต้นทาง", "ส่งกลับภูมิลำเนา"],
    "Transferred": ["transferred", "ส่งต่อ", "ย้ายสถานคุ้มครอง"],
    "LeftVoluntarily": ["left_voluntarily", "ขอออกเอง", "ออกเอง"],
    "Absconded": ["absconded", "หลบหนี"],
    "Other": ["other", "อื่นๆ"],
})

RIGHTS = table({
    "Assistance": ["assistance", "ความช่วยเหลือ"],
    "Compensation": ["compensation", "ค่าสินไหมทดแทน", "ค่าชดเชย"],
    "LegalAid": ["legal_aid", "ความช่วยเหลือทางกฎหมาย"],
    "NonPunishment": ["non_punishment", "ไม่ถูกดำเนินคดี"],
    "Repatriation": ["repatriation", "การส่งกลับ"],
    "Other": ["other"],
})

CONSENT_SCOPES = table({
    "Interview": ["interview", "สัมภาษณ์"],
    "DataProcessing": ["data_processing", "ประมวลผลข้อมูล"],
    "DataSharing": ["data_sharing", "เปิดเผยข้อมูล", "แบ่งปันข้อมูล"],
    "ResearchUse": ["research", "research_use", "วิจัย"],
    "ShelterAndAssistance": ["shelter", "shelter_and_assistance", "ที่พักและความช่วยเหลือ"],
    "Other": ["other"],
})

PLAN_TYPES = table({
    "Education": ["education", "การศึกษา"],
    "Financial": ["financial", "การเงิน"],
    "Health": ["health", "สุขภาพ"],
    "LabourExploitationRehabilitation": ["labour_rehabilitation", "ฟื้นฟูผู้เสียหายด้านแรงงาน"],
    "Legal": ["legal", "กฎหมาย"],
    "Livelihood": ["livelihood", "อาชีพ"],
    "RightsBasedTraining": ["rights_training", "อบรมสิทธิ"],
    "SexualExploitationRehabilitation": ["sexual_rehabilitation", "ฟื้นฟูผู้เสียหายด้านเพศ"],
    "SocialCare": ["social_care", "สังคมสงเคราะห์"],
    "Other": ["other"],
})

MISMATCHES = table({
    "CrewMissing": ["crew_missing", "ลูกเรือไม่ครบ", "ลูกเรือขาด"],
    "CrewAdded": ["crew_added", "ลูกเรือเกิน", "ลูกเรือเพิ่ม"],
    "IdentityMismatch": ["identity_mismatch", "บุคคลไม่ตรง", "ตัวบุคคลไม่ตรง"],
    "DocumentMismatch": ["document_mismatch", "เอกสารไม่ตรง"],
    "VmsMismatch": ["vms_mismatch", "VMS ไม่ตรง", "ระบบติดตามเรือไม่ตรง"],
    "LicenceMismatch": ["licence_mismatch", "ใบอนุญาตไม่ตรง"],
    "Other": ["other", "อื่นๆ"],
})

# ISO 639-2/3 codes of the languages met in Thai counter-trafficking work.
LANGUAGES = table({
    "mya": ["my", "พม่า", "เมียนมา", "burmese", "myanmar"],
    "khm": ["km", "เขมร", "กัมพูชา", "khmer", "cambodian"],
    "lao": ["lo", "ลาว", "laotian"],
    "tha": ["th", "ไทย", "thai"],
    "eng": ["en", "อังกฤษ", "english"],
    "vie": ["vi", "เวียดนาม", "vietnamese"],
    "zho": ["zh", "จีน", "chinese", "mandarin"],
    "shn": ["ไทใหญ่", "shan"],
    "kar": ["กะเหรี่ยง", "karen"],
    "mnw": ["มอญ", "mon"],
    "rhg": ["โรฮิงญา", "rohingya"],
    "ben": ["bn", "เบงกาลี", "bengali", "bangla"],
    "hmn": ["ม้ง", "hmong"],
    "ahk": ["อาข่า", "akha"],
    "lhu": ["ลาหู่", "lahu"],
    "lis": ["ลีซอ", "lisu"],
    "kac": ["คะฉิ่น", "kachin", "jingpho"],
    "msa": ["ms", "มลายู", "malay"],
    "ind": ["id", "อินโดนีเซีย", "indonesian"],
    "rus": ["ru", "รัสเซีย", "russian"],
    "uzb": ["uz", "อุซเบก", "uzbek"],
    "urd": ["ur", "อูรดู", "urdu"],
    "hin": ["hi", "ฮินดี", "hindi"],
})

_LAW = [
    (re.compile(r"^(?:พ\.?\s?ร\.?\s?บ\.?\s?(?:ป้องกันและปราบปราม)?(?:การ)?ค้ามนุษย์"
                r"(?:\s?(?:พ\.?ศ\.?\s?)?2551)?|atipa)\s?", re.IGNORECASE), "ATIPA"),
    (re.compile(r"^(?:ป\.\s?อ\.|ประมวลกฎหมายอาญา|criminal code)\s?", re.IGNORECASE), "Criminal Code"),
]
_SECTION = re.compile(r"^(?:ม\.|มาตรา|s\.|section)\s?([0-9]{1,4}(?:/[0-9]{1,3})?)\s?"
                      r"(ทวิ|ตรี|จัตวา|เบญจ|bis|ter|quater|quinquies)?$", re.IGNORECASE)
_LATIN_SUFFIX = {"ทวิ": "bis", "ตรี": "ter", "จัตวา": "quater", "เบญจ": "quinquies"}


def offence_section(text: str) -> str:
    """'พ.ร.บ.ค้ามนุษย์ ม.6/1' -> 'ATIPA s.6/1', 'ป.อ. ม.283 ทวิ' -> 'Criminal Code s.283 bis'; else as written."""
    plain = " ".join(thai_digits_to_ascii(text).split())
    for pattern, law in _LAW:
        m = pattern.match(plain)
        if not m:
            continue
        section = _SECTION.match(plain[m.end():])
        if section:
            suffix = section.group(2)
            suffix = _LATIN_SUFFIX.get(suffix, suffix.lower()) if suffix else None
            return f"{law} s.{section.group(1)}" + (f" {suffix}" if suffix else "")
    return text


_ISO_639 = re.compile(r"[a-z]{3}")


def language(r: FieldReader, key: str, *, required: bool = False) -> str | None:
    """An ISO 639 code from a language's Thai or English name or code. Unknown: a problem when the
    event needs the language (`required`), else the value is dropped with a note."""
    value = r.read(key, clean_text, "a language (พม่า, เขมร, ลาว or an ISO 639 code such as mya)", required=required)
    if value is None:
        return None
    code = LANGUAGES.get(vocab_key(value)) or (value if _ISO_639.fullmatch(value) else None)
    if code is None:
        if required:
            r.problem(key, value, "is not a language the hub knows (expected พม่า, เขมร, ลาว, a language name "
                                  "or an ISO 639 code such as mya)")
        else:
            r.note(f"dropped {r.name(key)} {value!r}: not a language the hub knows")
    return code
