"""An alert's message in the operator's language, written from its facts (`sanpalang.hub.Alert.facts`).

The worker states each alert as data - what holds (`what`), since when, what is missing, what
cleared it - and the English `message` for API clients. The console words the same facts in Thai
or English, with dates as `console.dates` writes them (Buddhist Era in Thai), so that a Thai page
never shows an English sentence with a Christian Era date. Pure; returns escaped HTML, in which
names and ids of the agencies are marked `translate="no"` (they are not words to translate).
An alert without facts (published before they existed) shows its English message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from console.dates import format_datetime
from console.i18n import label, province_name

__all__ = ["alert_message", "cleared_note"]

_WHAT: dict[str, tuple[str, str]] = {      # facts["what"] -> (English, Thai), {fact} filled in
    "custody": ("held in s.29 custody since {since}", "ถูกควบคุมตัวตามมาตรา 29 ตั้งแต่ {since}"),
    "custody-extended": ("custody extended by the court until {until} (held since {since})",
                         "ศาลขยายเวลาควบคุมตัวถึง {until} (ควบคุมตัวตั้งแต่ {since})"),
    "in-shelter": ("in shelter care since {since}", "อยู่ในสถานคุ้มครองตั้งแต่ {since}"),
    "rescued": ("rescued on {since}", "ได้รับการช่วยเหลือเมื่อ {since}"),
    "screened-victim": ("screened a possible or actual victim on {since}",
                        "คัดแยกแล้วว่าเป็นหรืออาจเป็นผู้เสียหายเมื่อ {since}"),
    "minor": ("under 18 at exploitation (or possibly)", "อายุต่ำกว่า 18 ปีขณะถูกแสวงประโยชน์ (หรืออาจเป็น)"),
    "minor-held": ("a minor held in {place} since {since}", "เด็กถูกกักตัวใน{place}ตั้งแต่ {since}"),
    "detained": ("a potential victim admitted to immigration detention on {since}",
                 "ผู้ที่อาจเป็นผู้เสียหายถูกรับเข้าห้องกัก ตม. เมื่อ {since}"),
    "deportation-scheduled": ("a potential victim scheduled for deportation on {since}",
                              "ผู้ที่อาจเป็นผู้เสียหายถูกกำหนดส่งกลับเมื่อ {since}"),
    "deported": ("a potential victim deported on {since}", "ผู้ที่อาจเป็นผู้เสียหายถูกส่งกลับเมื่อ {since}"),
    "ror-bor-1-referred": ("Ror.Bor.1 referred to the MDT on {since}", "ส่งแบบคัดกรอง ร.บ.1 ถึงทีมสหวิชาชีพเมื่อ {since}"),
    "ror-bor-1-unreferred": ("Ror.Bor.1 with trafficking indicators, not referred to the MDT, on {since}",
                             "แบบคัดกรอง ร.บ.1 พบข้อบ่งชี้การค้ามนุษย์แต่ไม่ได้ส่งทีมสหวิชาชีพ เมื่อ {since}"),
    "pipo-mismatch": ("port-in does not match the port-out report ({mismatch}) on {since}",
                      "เรือเข้าท่าไม่ตรงกับที่แจ้งออก ({mismatch}) เมื่อ {since}"),
    "exit-after-report": ("left Thailand on {since}, {days} days after a hotline report",
                          "ออกนอกประเทศเมื่อ {since} หลังแจ้งสายด่วน {days} วัน"),
    "no-exit": ("repatriation approved on {since}", "อนุมัติส่งกลับภูมิลำเนาเมื่อ {since}"),
    "identified": ("identified as a victim on {since}", "ระบุเป็นผู้เสียหายเมื่อ {since}"),
    "absconded": ("absconded from a shelter on {since} before MDT screening",
                  "หลบหนีออกจากสถานคุ้มครองเมื่อ {since} ก่อนการคัดแยก"),
    "left-shelter": ("left a shelter on {since} before MDT screening", "ออกจากสถานคุ้มครองเมื่อ {since} ก่อนการคัดแยก"),
    "repeat-identified": ("identified as a victim on {prior_at} in case {prior_case}; appears again on {since}",
                          "เคยได้รับการระบุเป็นผู้เสียหายเมื่อ {prior_at} ในคดี {prior_case} และปรากฏอีกครั้งเมื่อ {since}"),
    "repeat-left-shelter": ("left a shelter on {prior_at} in case {prior_case}; appears again on {since}",
                            "เคยออกจากสถานคุ้มครองเมื่อ {prior_at} ในคดี {prior_case} และปรากฏอีกครั้งเมื่อ {since}"),
    "hotspot": ("{org_kind} {org} flagged by {agencies}", "{org_kind} {org} ถูกพบโดยหลายหน่วยงาน: {agencies}"),
    "suspect-provinces": ("suspect also in {provinces} (cases {cases})", "ผู้ต้องสงสัยปรากฏในจังหวัด{provinces}ด้วย (คดี {cases})"),
    "offender-screened": ("named as suspect on {named_at} (case {named_case}), screened {status} on {since}",
                          "ถูกระบุเป็นผู้ต้องสงสัยเมื่อ {named_at} (คดี {named_case}) และคัดแยกแล้วว่าเป็น{status}เมื่อ {since}"),
    "offender-named": ("{status} named as suspect on {since}", "{status}ถูกระบุเป็นผู้ต้องสงสัยเมื่อ {since}"),
    "vessel-overdue": ("vessel {vessel} left port on {left_at}, due back {due_back_at}",
                       "เรือ {vessel} ออกจากท่าเมื่อ {left_at} กำหนดกลับ {due_back_at}"),
    "vessel-overdue-twice": ("vessel {vessel} left port on {left_at}, due back {due_back_at}; twice the trip's length has passed",
                             "เรือ {vessel} ออกจากท่าเมื่อ {left_at} กำหนดกลับ {due_back_at} เลยเวลาเดินเรือเป็นสองเท่าแล้ว"),
}
_ALSO_CASES = (" (also cases {cases})", " (คดีอื่น: {cases})")
_MISSING = {
    "screening-outcome": ("no MDT screening outcome yet", "ยังไม่มีผลการคัดแยกโดยทีมสหวิชาชีพ"),
    "care-handoff": ("no shelter, support plan or recorded refusal", "ยังไม่มีการรับเข้าสถานคุ้มครอง แผนช่วยเหลือ หรือบันทึกการปฏิเสธ"),
    "screening-scheduled": ("no MDT screening scheduled", "ยังไม่มีการนัดคัดแยกโดยทีมสหวิชาชีพ"),
    "rights-informed": ("not told their rights", "ยังไม่ได้รับแจ้งสิทธิ"),
    "police-case": ("no police criminal case", "ยังไม่มีการเปิดคดีอาญา"),
    "exit": ("no exit recorded", "ยังไม่มีบันทึกการออกนอกประเทศ"),
    "port-in": ("not back in port", "ยังไม่กลับเข้าท่า"),
}
_CLEARED_BY = {
    "screening-outcome": ("an MDT screening outcome was recorded", "บันทึกผลการคัดแยกโดยทีมสหวิชาชีพแล้ว"),
    "custody-ended": ("custody ended", "สิ้นสุดการควบคุมตัวแล้ว"),
    "custody-extended": ("the court extended custody", "ศาลขยายเวลาควบคุมตัวแล้ว"),
    "shelter-intake": ("taken into a shelter", "รับเข้าสถานคุ้มครองแล้ว"),
    "support-plan": ("a support plan was made", "จัดทำแผนช่วยเหลือแล้ว"),
    "care-refused": ("the person's refusal was recorded", "บันทึกการปฏิเสธของบุคคลแล้ว"),
    "not-a-victim": ("screened not a victim", "คัดแยกแล้วว่าไม่ใช่ผู้เสียหาย"),
    "deportation-halted": ("the deportation was cancelled or held", "ยกเลิกหรือระงับการส่งกลับแล้ว"),
    "screening-scheduled": ("an MDT screening was scheduled", "นัดคัดแยกโดยทีมสหวิชาชีพแล้ว"),
    "border-exit": ("left Thailand", "ออกนอกประเทศแล้ว"),
    "repatriated": ("repatriated", "ส่งกลับภูมิลำเนาแล้ว"),
    "deported": ("deported", "ส่งกลับแล้ว"),
    "rights-informed": ("told their rights", "แจ้งสิทธิแล้ว"),
    "police-case": ("a police criminal case was opened", "เปิดคดีอาญาแล้ว"),
    "found": ("the person was found (a later record of theirs)", "พบตัวบุคคลแล้ว (มีบันทึกภายหลัง)"),
    "port-in": ("back in port", "กลับเข้าท่าแล้ว"),
}
_RESOLUTION = {
    "auto": ("the condition cleared", "เงื่อนไขสิ้นสุดแล้ว"),
    "operator": ("resolved by an operator", "ผู้ปฏิบัติงานปิดการแจ้งเตือน"),
    "expired": ("the case left the hub's working set", "คดีพ้นจากชุดข้อมูลที่ระบบติดตาม"),
    "withdrawn": ("withdrawn: the records joined since show the condition never held",
                  "ถอนการแจ้งเตือน: ข้อมูลที่เชื่อมโยงภายหลังแสดงว่าไม่เคยเข้าเงื่อนไข"),
    "successor": ("merged: it goes on as alert {successor}", "รวมกับการแจ้งเตือนอื่นแล้ว: ดู {successor}"),
}
_PLACE = {"custody": ("s.29 custody", "การควบคุมตัวตามมาตรา 29"), "detention": ("immigration detention", "ห้องกัก ตม.")}
_STATUS = {"identified": ("an identified victim", "ผู้เสียหายที่ได้รับการระบุแล้ว"),
           "possible-victim": ("a possible victim", "ผู้ที่อาจเป็นผู้เสียหาย")}
_TIMES = {"since", "until", "reported", "prior_at", "named_at", "left_at", "due_back_at"}
_IDS = {"prior_case", "named_case", "cases", "successor"}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "th" else pair[0]


def _verbatim(value: str) -> str:
    return f'<code translate="no">{escape(value)}</code>'


def _fact(key: str, value: str, lang: str) -> str:
    """One fact as HTML in the operator's language."""
    if key in _TIMES:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return f'<time datetime="{escape(value)}">{escape(format_datetime(at, lang))}</time>'
    if key in _IDS:
        return ", ".join(_verbatim(v) for v in value.split(",") if v)
    if key in ("org", "vessel"):
        return f'<span class="names" translate="no">{escape(value)}</span>'
    if key == "org_kind":
        return escape(label("org_kind", value, lang))
    if key == "mismatch":
        return escape(", ".join(label("pipo_mismatch", v, lang) for v in value.split(",") if v))
    if key == "agencies":
        return escape(", ".join(label("agency", v, lang) for v in value.split(",") if v))
    if key == "provinces":
        return escape(", ".join(province_name(v, lang) for v in value.split(",") if v))
    if key == "place":
        return escape(_pick(_PLACE.get(value, (value, value)), lang))
    if key == "status":
        return escape(_pick(_STATUS.get(value, (value, value)), lang))
    return escape(value)


def _fill(template: str, facts: Mapping[str, str], lang: str) -> str:
    text = template[0].upper() + template[1:] if lang != "th" and template[0].isalpha() else template
    return text.format_map({k: _fact(k, v, lang) for k, v in facts.items()})


def alert_message(alert: Mapping[str, Any], lang: str) -> str:
    """What holds and what is missing (an open alert), from the facts; escaped HTML."""
    facts = dict(alert.get("facts") or {})
    template = _WHAT.get(facts.get("what", ""))
    if template is None:
        return f'<span lang="en">{escape(alert.get("message") or "")}</span>'
    try:
        text = _fill(_pick(template, lang), facts, lang)
        if facts.get("what") == "hotspot" and facts.get("cases"):
            text += _fill(_pick(_ALSO_CASES, lang), facts, lang)
    except (KeyError, ValueError):               # facts this console does not know how to word
        return f'<span lang="en">{escape(alert.get("message") or "")}</span>'
    missing = facts.get("missing")
    if missing in _MISSING and alert.get("state") != "Resolved":
        text += (" " if lang == "th" else "; ") + escape(_pick(_MISSING[missing], lang))
    return text + ("" if lang == "th" else ".")


def cleared_note(alert: Mapping[str, Any], lang: str) -> str:
    """Why a resolved alert ended, in the operator's language (escaped HTML): what cleared it,
    an operator, a merge (with the alert it goes on as), a withdrawal or the case's expiry."""
    facts = dict(alert.get("facts") or {})
    resolution = alert.get("resolution") or "auto"
    if resolution == "merged":
        if facts.get("successor"):
            return _fill(_pick(_RESOLUTION["successor"], lang), facts, lang)
        return escape(_pick(_RESOLUTION["withdrawn"], lang))
    if resolution == "auto" and facts.get("cleared_by") in _CLEARED_BY:
        return escape(_pick(_CLEARED_BY[facts["cleared_by"]], lang))
    return escape(_pick(_RESOLUTION.get(resolution, _RESOLUTION["auto"]), lang))
