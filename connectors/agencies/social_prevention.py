"""Prevention activities (`record_type` `prevention`, case-management export) -> `PreventionActivity`.

The 2018 policy makes each PSDHS office the provincial lead for prevention (training and
campaigns, above all in border and tourist provinces); its outreach, trainings and campaigns are
exported with the case-management records. A record names a district, a day, an audience and a
head count - never a person: no person or organisation field is read, so none reaches the event.

Strict where the team lead's page counts (refused with a reason, like every record that cannot be
a true event): the day, the province, a district the gazetteer knows and lies in that province, a
whole number of people reached. Open where a label is only shown: an unknown activity kind or
audience is `Other` with a note; an unknown language is dropped with a note.
"""

from __future__ import annotations

from typing import Any

from connectors.mapping.envelope import Translation, finish, read_head
from connectors.mapping.fields import FieldReader, vocab_key
from connectors.mapping.vocab import _ISO_639, LANGUAGES, table
from connectors.normalise import normalise_district

__all__ = ["PREVENTION_KINDS", "AUDIENCES", "prevention"]

PREVENTION_KINDS = table({
    "Outreach": ["outreach", "ลงพื้นที่", "ลงพื้นที่ให้ความรู้", "เยี่ยมชุมชน"],
    "Training": ["training", "อบรม", "ฝึกอบรม", "workshop", "สัมมนา"],
    "Campaign": ["campaign", "รณรงค์", "การรณรงค์", "สื่อรณรงค์"],
})
AUDIENCES = table({
    "MigrantWorkers": ["migrant_workers", "migrant workers", "แรงงานข้ามชาติ", "แรงงานต่างด้าว"],
    "FishingCrews": ["fishing_crews", "fishing crews", "ลูกเรือประมง", "แรงงานประมง"],
    "Students": ["students", "นักเรียน", "นักศึกษา", "นักเรียนนักศึกษา"],
    "Officials": ["officials", "เจ้าหน้าที่", "เจ้าหน้าที่รัฐ", "ผู้ปฏิบัติงาน"],
    "Community": ["community", "ชุมชน", "ประชาชน", "ผู้นำชุมชน"],
    "Employers": ["employers", "นายจ้าง", "ผู้ประกอบการ"],
})
_KIND_WORDS = "outreach, training or campaign (ลงพื้นที่, อบรม, รณรงค์)"
_AUDIENCE_WORDS = "migrant_workers, fishing_crews, students, officials, community or employers"


def prevention(r: FieldReader, agency: str, system: str) -> Translation:
    """The event of one prevention record (shape in NATIVE.md, "Prevention activities")."""
    head = read_head(r, agency, system, record_id="record_id", version=("version", "updated_at"),
                     occurred="held_on", recorded=("updated_at",), province="province")
    details: dict[str, Any] = {
        "activity_kind": r.choice("activity", PREVENTION_KINDS, _KIND_WORDS, required=True, other="Other"),
        "district": _district(r, head.province),
        "held_on": head.as_of,
        "audience": r.choice("audience", AUDIENCES, _AUDIENCE_WORDS, required=True, other="Other"),
        "people_reached": _people_reached(r),
        "languages": _languages(r),
        "organiser": r.label("organiser"),
        "title": r.text("title"),
    }
    return finish(r, head, "PreventionActivity", details)


def _district(r: FieldReader, province: str | None) -> str | None:
    """The DOPA code; a name the gazetteer does not know, or a district of another province, is a
    problem: the page places the activity by district, and a guess would put it on the wrong map."""
    def parse(value: object, field: str) -> str:
        return normalise_district(value, province_code=province, field=field)  # type: ignore[arg-type]
    return r.read("district", parse, "a Thai district (แม่สาย, Mae Sai or 5709)")


def _people_reached(r: FieldReader) -> int | None:
    if not r.given("people_reached"):
        r.missing("people_reached", "a whole number such as 46")
        return None
    return r.count("people_reached")


def _languages(r: FieldReader) -> list[str]:
    """ISO 639 codes, in order, without repeats; a language the hub does not know is left out with a note."""
    out: list[str] = []
    for item in r.items("languages"):
        code = LANGUAGES.get(vocab_key(item)) or (item if _ISO_639.fullmatch(item) else None)
        if code is None:
            r.note(f"dropped {r.name('languages')} {item!r}: not a language the hub knows")
        elif code not in out:
            out.append(code)
    return out
