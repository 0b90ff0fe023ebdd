"""Social development (MSDHS): JSON Lines exports (shelters: Thai keys; case management: English
keys, prevention activities too: `social_prevention.py`) and hotline 1300 reports over HTTP. The kind is
in `record_type` (or `ประเภท`), whatever the file; one record -> one event. Shapes in NATIVE.md, examples `examples/*.jsonl`, `hotline.json`.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from connectors.mapping.envelope import Translation, finish, read_head
from connectors.mapping.fields import FieldReader, vocab_key
from connectors.mapping.exploitation import PeriodFields, read_period
from connectors.agencies.social_prevention import prevention
from connectors.mapping.people import POLICE_PERSON, THAI_PERSON, build_person
from connectors.mapping.vocab import (DECISION_MAKERS, AGENCIES, CHANNELS, CONSENT_SCOPES, EXIT_REASONS, EXPLOITATION, MEANS,
                                        OUTCOMES, PLAN_TYPES, RIGHTS, SHELTER_KINDS, language, table)
from connectors.records import Event, Origin
from connectors.normalise import Era

__all__ = ["AGENCY", "KINDS", "map_record", "translate"]

AGENCY = "social"
SHELTER_SYSTEM, CMS_SYSTEM, HOTLINE_SYSTEM = "MSDHS-SHELTER", "MSDHS-CMS", "MSDHS-1300"
KINDS = {"shelter_intake": "ShelterIntakeRecorded", "shelter_exit": "ShelterExitRecorded",
         "mdt_scheduled": "MdtScreeningScheduled", "mdt_completed": "MdtScreeningCompleted",
         "rights_informed": "RightsInformed", "support_plan": "SupportPlanCreated",
         "repatriation_approved": "RepatriationApproved", "repatriation_completed": "RepatriationCompleted",
         "consent": "ConsentRecorded", "consent_withdrawn": "ConsentWithdrawn", "hotline": "HotlineReportReceived",
         "support_plan_closed": "SupportPlanClosed", "follow_up_visit": "FollowUpVisitRecorded",
         "prevention": "PreventionActivity"}
_ALIASES = {"shelter_intake": ["รับเข้า"], "shelter_exit": ["จำหน่าย"], "hotline": ["hotline_report", "1300"],
            "prevention": ["prevention_activity", "ป้องกัน"]}
_KIND_TABLE = table({**_ALIASES, **{kind: () for kind in KINDS if kind not in _ALIASES}})
_EXPECTED_KIND = "one of รับเข้า, จำหน่าย, " + ", ".join(k for k in KINDS if not k.startswith("shelter"))
# Person role in each case-management event (an MDT outcome decides its own).
_CMS_ROLES = {"mdt_scheduled": "PotentialVictim", "rights_informed": "PotentialVictim", "consent": "PotentialVictim",
              "consent_withdrawn": "PotentialVictim", "support_plan": "Victim", "repatriation_approved": "Victim",
              "repatriation_completed": "Victim", "support_plan_closed": "Victim", "follow_up_visit": "Victim"}
_OUTCOME_ROLES = {"ActualVictimOfTrafficking": "Victim", "PossibleVictimOfTrafficking": "PotentialVictim",
                  "NotAVictimOfTrafficking": "Other"}


def map_record(fields: Mapping[str, Any], origin: Origin) -> list[Event]:
    """The social development mapper for `connectors.routing.route`."""
    return list(translate(fields, origin).events)


def translate(fields: Mapping[str, Any], origin: Origin) -> Translation:
    r = FieldReader.of(fields)
    key = "record_type" if r.given("record_type") or not r.given("ประเภท") else "ประเภท"
    kind = r.choice(key, _KIND_TABLE, _EXPECTED_KIND, required=True)
    if kind is None:  # the other fields depend on the kind (Thai or English keys): nothing more to check
        r.code = "unknown-kind"
        r.finish()
    assert kind is not None
    if kind in ("shelter_intake", "shelter_exit"):
        return _shelter(r, kind)
    if kind == "hotline":
        return _hotline(r)
    if kind == "prevention":   # no person, no case: a district, a day, an audience, a head count
        return prevention(r, AGENCY, CMS_SYSTEM)
    head = read_head(r, AGENCY, CMS_SYSTEM, record_id="record_id", version=("version", "updated_at"),
                     occurred="occurred", recorded=("updated_at",), province="province", case="case_no")
    details = _CMS[kind](r)
    role = _OUTCOME_ROLES.get(details.get("outcome") or "", "PotentialVictim") if kind == "mdt_completed" \
        else _CMS_ROLES[kind]
    persons = [build_person(p, "p1", role, POLICE_PERSON, head.as_of) for p in r.objects("person", many=False,
                                                                                          required=True)]
    if kind == "consent":
        guardians = r.objects("guardian", many=False)
        persons += [build_person(g, "p2", "Guardian", POLICE_PERSON, head.as_of) for g in guardians]
        details["guardian_person_ref"] = "p2" if guardians else None
    return finish(r, head, KINDS[kind], {"person_ref": "p1", **details}, persons)


def _shelter(r: FieldReader, kind: str) -> Translation:
    intake = kind == "shelter_intake"
    r.short_era = Era.BE   # the shelters' system exports dates as its Excel sheets show them: 02/08/61
    head = read_head(r, AGENCY, SHELTER_SYSTEM, record_id="เลขที่", version=("แก้ไขครั้งที่",),
                     occurred="วันที่รับเข้า" if intake else "วันที่จำหน่าย", recorded=("วันที่บันทึก",),
                     province="จังหวัด", case="เลขที่คดี")
    details = {"person_ref": "p1", "shelter_name": r.label("สถานคุ้มครอง", required=True),
               "shelter_kind": r.choice("ประเภทสถานคุ้มครอง", SHELTER_KINDS, "ชั่วคราว, ระยะยาว or เอกชน",
                                        required=True, other="Other")}
    if not intake:
        details["exit_reason"] = r.choice("สาเหตุการจำหน่าย", EXIT_REASONS, "คืนสู่สังคม, ส่งกลับประเทศต้นทาง, "
                                          "ส่งต่อ, ขอออกเอง or หลบหนี", required=True, other="Other")
    person = build_person(r, "p1", "PotentialVictim", THAI_PERSON, head.as_of)
    return finish(r, head, KINDS[kind], details, [person])


def _hotline(r: FieldReader) -> Translation:
    head = read_head(r, AGENCY, HOTLINE_SYSTEM, record_id="record_id", version=("version",), occurred="received_at",
                     recorded=("recorded_at",), province="province")
    persons = [build_person(c, "p1", "Reporter", POLICE_PERSON, head.as_of) for c in r.objects("caller", many=False)]
    for victim in r.objects("victims"):
        persons.append(build_person(victim, f"p{len(persons) + 1}", "PotentialVictim", POLICE_PERSON, head.as_of))
    details = {"channel": r.choice("channel", CHANNELS, "phone_1300, line, web, walk_in or other", required=True,
                                   other="Other"),
               "summary": r.text("summary", required=True),
               "suspected_exploitation": r.labels("exploitation", EXPLOITATION),
               "location_description": r.text("location"), "urgent": r.flag("urgent", default=False)}
    return finish(r, head, KINDS["hotline"], details, persons)


def _agencies(r: FieldReader, key: str) -> list[str]:
    out = []
    for item in r.items(key):
        agency = AGENCIES.get(vocab_key(item))
        if agency is None:
            r.note(f"{r.name(key)} {item!r} is not an agency of the hub; left out")
        elif agency not in out:
            out.append(agency)
    return out


def _mdt_scheduled(r: FieldReader) -> dict[str, Any]:
    return {"scheduled_at": r.moment("scheduled_for", required=True), "location": r.label("location", required=True),
            "member_agencies": _agencies(r, "member_agencies"),
            "interpreter_language": language(r, "interpreter_language")}


_MDT_PERIOD = PeriodFields(started="exploited_from", ended="exploited_until", province="exploitation_province",
                           district="exploitation_district", place="exploitation_place", country="exploitation_country")


def _mdt_completed(r: FieldReader) -> dict[str, Any]:
    return {"outcome": r.choice("outcome", OUTCOMES, "actual_victim, possible_victim or not_victim (เป็นผู้เสียหาย, "
                                "อาจเป็นผู้เสียหาย, ไม่เป็นผู้เสียหาย)", required=True),
            "exploitation_types": r.labels("exploitation", EXPLOITATION),
            "means_of_control": r.labels("means_of_control", MEANS),
            "interpreter_language": language(r, "interpreter_language"),
            "decided_by": r.choice("decided_by", DECISION_MAKERS, "mdt, police, court, ngo or other", other="Other"),
            "decided_by_name": r.label("decided_by_name"),
            "exploitation_period": read_period(r, _MDT_PERIOD)}


def _rights(r: FieldReader) -> dict[str, Any]:
    return {"rights": r.labels("rights", RIGHTS), "language": language(r, "language", required=True),
            "informed_by": r.label("informed_by")}


def _support_plan(r: FieldReader) -> dict[str, Any]:
    return {"plan_type": r.choice("plan_type", PLAN_TYPES, "a support plan type such as health or legal", required=True,
                                  other="Other"),
            "objectives": r.text("objectives"), "planned_end_date": r.day("planned_end")}


def _repatriation_approved(r: FieldReader) -> dict[str, Any]:
    return {"destination_country": r.country("destination", required=True), "planned_at": r.moment("planned_travel")}


def _repatriation_completed(r: FieldReader) -> dict[str, Any]:
    return {"destination_country": r.country("destination", required=True), "via_checkpoint": r.label("checkpoint"),
            "received_by": r.label("received_by")}


def _consent(r: FieldReader) -> dict[str, Any]:
    return {"scopes": r.labels("scopes", CONSENT_SCOPES), "consent_given": r.flag("consent_given", required=True)}


def _consent_withdrawn(r: FieldReader) -> dict[str, Any]:
    return {"scopes": r.labels("scopes", CONSENT_SCOPES), "reason": r.text("reason")}


def _support_plan_closed(r: FieldReader) -> dict[str, Any]:
    return {"reason": r.text("reason")}


def _follow_up_visit(r: FieldReader) -> dict[str, Any]:
    return {"follow_up_complete": bool(r.flag("follow_up_complete", default=False)), "situation": r.text("situation")}


_CMS: dict[str, Callable[[FieldReader], dict[str, Any]]] = {
    "support_plan_closed": _support_plan_closed, "follow_up_visit": _follow_up_visit,
    "mdt_scheduled": _mdt_scheduled, "mdt_completed": _mdt_completed, "rights_informed": _rights,
    "support_plan": _support_plan, "repatriation_approved": _repatriation_approved,
    "repatriation_completed": _repatriation_completed, "consent": _consent, "consent_withdrawn": _consent_withdrawn}
