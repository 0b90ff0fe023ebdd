"""A small hub world for the console tests: two provinces' cases, alerts, a possible link and
referrals in the views (written by `ViewSink`, as the worker writes them), and one user per role."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import schemas
from console import accounts
from console.roles import Role
from console.server import open_hub
from streams.views import ALERT, CASE_VIEW, PERSON_LINK, REFERRAL, ViewSink

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
USERS = {  # name: (role, provinces, agency)
    "nat": (Role.NATIONAL, frozenset(), None),
    "prov57": (Role.PROVINCIAL, frozenset({"TH-57"}), None),
    "liaison.police": (Role.LIAISON, frozenset({"TH-57", "TH-50"}), "police"),
    "auditor": (Role.AUDITOR, frozenset(), None),
}
CASE_57, CASE_10 = "case_57_0001", "case_10_0001"
VICTIM = "prs_4f9a1c2e7b"          # the example case's victim
ALERT_57, ALERT_10 = "alr_57_0001", "alr_10_0001"


def case_view(case_id: str, province: str) -> dict:
    record = copy.deepcopy(schemas.example("sanpalang.hub.CaseView"))
    record.update(case_id=case_id, lead_province=province, provinces=[province],
                  case_number=f"{province.replace('-', '')}-2568-0001")
    for entry in record["timeline"]:
        entry["event_id"] = f"{case_id}:{entry['event_id']}"
        entry["province"] = province
    return record


def alert(alert_id: str, province: str, case_id: str, **changes) -> dict:
    return {**schemas.example("sanpalang.hub.Alert"), "alert_id": alert_id, "province": province,
            "case_id": case_id, **changes}


def referral(referral_id: str, province: str, case_id: str, to_agency: str) -> dict:
    return {**schemas.example("sanpalang.hub.Referral"), "referral_id": referral_id, "province": province,
            "case_id": case_id, "to_agency": to_agency}


def link(case_id: str, person_ref: str = "p8") -> dict:
    record = schemas.example("sanpalang.hub.PersonLink")
    event_id = case_view(case_id, "TH-57")["timeline"][0]["event_id"]
    return {**record, "source_event_id": event_id, "person_ref": person_ref, "decision": "Possible",
            "person_id": f"prs_new_{case_id}_{person_ref}"}


def link_key(case_id: str, person_ref: str = "p8") -> str:
    rec = link(case_id, person_ref)
    return f"{rec['agency']}:{rec['source_event_id']}:{rec['person_ref']}"


@dataclass
class World:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(url: str) -> World:
    with ViewSink(url) as sink:
        sink.apply_many([
            (CASE_VIEW, case_view(CASE_57, "TH-57")), (CASE_VIEW, case_view(CASE_10, "TH-10")),
            (ALERT, alert(ALERT_57, "TH-57", CASE_57)),
            (ALERT, alert(ALERT_10, "TH-10", CASE_10, severity="Critical")),
            (PERSON_LINK, link(CASE_57)), (PERSON_LINK, link(CASE_57, "p9")), (PERSON_LINK, link(CASE_10)),
            (PERSON_LINK, {**link(CASE_57, "p1"), "decision": "Linked", "person_id": VICTIM}),
            (REFERRAL, referral("ref_57_police", "TH-57", CASE_57, "police")),
            (REFERRAL, referral("ref_10_social", "TH-10", CASE_10, "social")),
        ])
    hub = open_hub(url)
    world = World(url)
    with hub.writer.begin() as conn:
        for name, (role, provinces, agency) in USERS.items():
            accounts.add_user(conn, name, role, PASSWORD, provinces=provinces, agency=agency, at=NOW - timedelta(days=1))
            world.tokens[name] = accounts.issue_token(conn, name, at=NOW - timedelta(days=1)).token
    hub.reader.dispose()
    hub.writer.dispose()
    return world


def rescue_event(case_id: str = CASE_57) -> dict:
    """The police example rescue as the intake topic carries it, as the first event of the case:
    its person p1 (the victim) is spelt "Aye Aye Khaing" and "အေးအေးခိုင်", with a pink card."""
    record = copy.deepcopy(schemas.example("sanpalang.police.RescueConducted"))
    record["envelope"]["event_id"] = case_view(case_id, "TH-57")["timeline"][0]["event_id"]
    return record


def index_names(url: str) -> None:
    """What the console's directory feed would store for `rescue_event` (for tests without a broker)."""
    from console.directory import entries_of
    from console.names import write_entries
    hub = open_hub(url)
    with hub.writer.begin() as conn:
        write_entries(conn, entries_of(rescue_event()), {})
    hub.reader.dispose()
    hub.writer.dispose()
