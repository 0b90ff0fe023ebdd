"""Police: JSON records pushed over HTTP by the case-management system (THAICRIMES; TICAC-CMS tips).

One record -> one event, by `record_type` (shapes in NATIVE.md, example `examples/police.json`).
"""

from __future__ import annotations

from typing import Any, Mapping

from connectors.mapping.envelope import Head, Translation, finish, read_head
from connectors.mapping.fields import FieldReader, vocab_key
from connectors.mapping.people import POLICE_PERSON, build_person, read_organisation
from connectors.mapping.vocab import AGENCIES, EXPLOITATION, PERPETRATOR_ROLES, TIP_SOURCES, offence_section, table
from connectors.records import Event, Origin

__all__ = ["AGENCY", "KINDS", "SYSTEM", "TIP_SYSTEM", "map_record", "translate"]

AGENCY, SYSTEM, TIP_SYSTEM = "police", "THAICRIMES", "TICAC-CMS"
KINDS = {"rescue": "RescueConducted", "custody_started": "CustodyStarted",
         "custody_extended": "CustodyExtensionGranted", "case_opened": "CriminalCaseOpened",
         "suspect_identified": "SuspectIdentified", "ticac_tip": "TicacTipReceived", "custody_ended": "CustodyEnded"}
_KIND_TABLE = table({kind: () for kind in KINDS})
# native role -> (tag used to find the people an event is about, PersonRole)
_ROLE_TAGS = {"rescued": "PotentialVictim", "victim": "Victim", "held": "PotentialVictim", "suspect": "Suspect",
              "witness": "Witness", "informant": "Reporter", "child": "Child", "guardian": "Guardian"}
_ROLES = table({
    "rescued": ["ผู้ถูกช่วยเหลือ", "rescued_person", "potential_victim"],
    "victim": ["ผู้เสียหาย"],
    "held": ["detained", "custody", "ผู้ถูกควบคุมตัว", "ผู้ถูกควบคุม"],
    "suspect": ["accused", "ผู้ต้องหา", "ผู้ต้องสงสัย", "ผู้ถูกกล่าวหา"],
    "witness": ["พยาน"],
    "informant": ["reporter", "ผู้แจ้ง", "ผู้แจ้งเบาะแส"],
    "child": ["เด็ก"],
    "guardian": ["ผู้ปกครอง"],
})
_ORG_KINDS = (("employer", "Employer"), ("vessel", "Vessel"), ("premises", "Premises"))
_CUSTODY_ENDS = table({
    "Released": ["released", "release", "ปล่อยตัว"],
    "HandedToShelter": ["handed_to_shelter", "shelter", "ส่งสถานคุ้มครอง", "ส่งบ้านพัก", "ส่งมอบสถานคุ้มครอง"],
    "HandedToImmigration": ["handed_to_immigration", "immigration", "ส่ง ตม.", "ส่งตรวจคนเข้าเมือง", "ส่งมอบ ตม."],
    "Other": ["other", "อื่นๆ"],
})


def map_record(fields: Mapping[str, Any], origin: Origin) -> list[Event]:
    """The police mapper for `connectors.routing.route`."""
    return list(translate(fields, origin).events)


def translate(fields: Mapping[str, Any], origin: Origin) -> Translation:
    r = FieldReader.of(fields)
    kind = r.choice("record_type", _KIND_TABLE, "one of " + ", ".join(KINDS), required=True)
    if kind is None:
        r.code = "unknown-kind"
    head = read_head(r, AGENCY, TIP_SYSTEM if kind == "ticac_tip" else SYSTEM, record_id="record_id",
                     version=("version",), occurred="occurred", recorded=("recorded",), province="province",
                     case="case_no")
    people = _persons(r, head)
    orgs = _organisations(r)
    details = _DETAILS[kind](r, head, people, [o["org_ref"] for o in orgs]) if kind else {}
    return finish(r, head, KINDS.get(kind or "", ""), details, [p for _, p in people], orgs)


def _persons(r: FieldReader, head: Head) -> list[tuple[str, dict[str, Any]]]:
    """(native role, Person) of every entry of `persons`."""
    out = []
    for index, person in enumerate(r.objects("persons"), 1):
        role = person.choice("role", _ROLES, "a role such as rescued, held, victim or suspect", other="other")
        if role is None:
            person.note(f"{person.name('role')}: not given; the person's role is Other")
            role = "other"
        out.append((role, build_person(person, f"p{index}", _ROLE_TAGS.get(role, "Other"), POLICE_PERSON,
                                       head.as_of)))
    return out


def _organisations(r: FieldReader) -> list[dict[str, Any]]:
    orgs: list[dict[str, Any]] = []
    for key, kind in _ORG_KINDS:
        value = r.get(key)
        if isinstance(value, str):
            org = read_organisation(r, f"o{len(orgs) + 1}", kind, key)
            orgs.extend([org] if org else [])
            continue
        for entry in r.objects(key):
            org = read_organisation(entry, f"o{len(orgs) + 1}", kind, "name", registration="registration_no",
                                    vessel_registration="vessel_registration", licence="licence_no",
                                    province="province", required=True)
            orgs.extend([org] if org else [])
    return orgs


def _refs(people: list[tuple[str, dict[str, Any]]], *roles: str) -> list[str]:
    return [p["person_ref"] for role, p in people if role in roles]


def _one(r: FieldReader, people: list[tuple[str, dict[str, Any]]], role: str) -> str | None:
    """The one person with `role` (or the only person of the record)."""
    refs = _refs(people, role) or ([people[0][1]["person_ref"]] if len(people) == 1 else [])
    if len(refs) != 1:
        r.problems.append(f"persons: expected exactly one person with role {role!r}, found {len(refs)}")
        return None
    return refs[0]


def _rescue(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    agencies = []
    for item in r.items("partner_agencies"):
        agency = AGENCIES.get(vocab_key(item))
        if agency is None:
            r.note(f"partner_agencies {item!r} is not an agency of the hub; left out")
        elif agency not in agencies:
            agencies.append(agency)
    return {"lead_unit": r.label("unit", required=True),
            "rescued_person_refs": _refs(people, "rescued", "victim", "child"),
            "premises_org_refs": org_refs, "suspected_exploitation": r.labels("exploitation", EXPLOITATION),
            "partner_agencies": agencies}


def _custody_started(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    place = r.label("place_of_custody") if r.given("place_of_custody") else r.label("unit")
    if place is None and not r.given("place_of_custody") and not r.given("unit"):
        r.missing("place_of_custody", "where the person is held (or unit)")
    return {"person_ref": _one(r, people, "held"), "place_of_custody": place,
            "legal_basis": r.label("legal_basis") or "ATIPA B.E. 2551 s.29"}


def _custody_extended(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    until = r.moment("extended_until", required=True)
    if until and head.occurred_at and until < head.occurred_at:
        r.problem("extended_until", r.get("extended_until"), "is before the extension was granted (occurred)")
    return {"person_ref": _one(r, people, "held"), "custody_event_id": None, "extended_until": until,
            "court": r.label("court", required=True), "court_order_ref": r.ident("court_order_no")}


def _custody_ended(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    return {"person_ref": _one(r, people, "held"), "custody_event_id": None,
            "ended_how": r.choice("ended_how", _CUSTODY_ENDS, "released, handed_to_shelter, handed_to_immigration or "
                                  "other", required=True),
            "handed_to": r.label("handed_to")}


def _case_opened(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    if head.case_ref is None and not r.given("case_no"):
        r.missing("case_no", "the police case number")
    station = r.label("station") if r.given("station") else r.label("unit")
    if station is None and not r.given("station") and not r.given("unit"):
        r.missing("station", "the police station or unit that owns the case")
    offences = list(dict.fromkeys(offence_section(o) for o in r.items("offences")))
    return {"offence_sections": offences, "station": station, "suspect_person_refs": _refs(people, "suspect"),
            "victim_person_refs": _refs(people, "victim", "rescued", "child", "held"),
            "exploitation_types": r.labels("exploitation", EXPLOITATION)}


def _suspect_identified(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    return {"person_ref": _one(r, people, "suspect"), "roles": r.labels("suspect_roles", PERPETRATOR_ROLES),
            "linked_org_refs": org_refs, "arrested": r.flag("arrested", default=False),
            "warrant_ref": r.ident("warrant_no")}


def _ticac_tip(r: FieldReader, head: Head, people, org_refs) -> dict[str, Any]:
    return {"tip_source": r.choice("tip_source", TIP_SOURCES, "ncmec, interpol, foreign_police, public, platform "
                                   "or other", required=True, other="Other"),
            "tip_reference": r.ident("tip_reference", required=True), "platform": r.label("platform"),
            "suspected_exploitation": r.labels("exploitation", EXPLOITATION),
            "summary": r.text("summary", required=True)}


_DETAILS = {"rescue": _rescue, "custody_started": _custody_started, "custody_extended": _custody_extended,
            "case_opened": _case_opened, "suspect_identified": _suspect_identified, "ticac_tip": _ticac_tip,
            "custody_ended": _custody_ended}
