"""The situations of issue 12 as the agencies would send them: native records through the real
connectors (police and hotline HTTP intakes, labour CSV and social JSON Lines drops, immigration
tables polled by SQL) onto one real broker, correlated by one real `sanpalang worker --clock
event`; then each situation's alerts and case views, read from `alerts.v1` and
`cases.provincial.v1`. The native shapes and their delivery are `natives.py`.

Every situation has a province and a person of its own (its own passport), so their alerts are
told apart by province. All records are dated weeks before now (the connectors refuse a time
ahead of the wall clock), and two late records from two sources (a border crossing of a stranger,
an anonymous hotline call) move the event clock past every deadline: the worker's clock follows
what two sources agree on, never one record alone. The unit tests of the pure correlator are
`tests/unit/streams/worker/test_issue_situations.py` and `test_clock.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from bench.hub_run import WorkerProcess, latest, read_topic, settled, wait_until
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC
from tests.integration.streams.hub import fresh_broker
from tests.integration.streams.natives import (Natives, Person, at, be, cms, csv_export, deliver, deportation,
                                               detention, iso, jsonl_export, local, police, rorbor1, shelter)

pytestmark = pytest.mark.broker

CLOCK_DAY = 30          # the last records: every deadline of the situations (day 15 at most) is past

TYPO = Person("Bora", "Nhem", "KHM", "N0100001", "1990-01-01", "M")              # year typo, Samut Sakhon
IDC_AFTER_CUSTODY = Person("Sokha", "Chan", "KHM", "N1200002", "1990-02-02", "M")   # Chiang Rai
HOTLINE_DETAINED = Person("Bounmy", "Keo", "LAO", "P1300003", "1991-03-03", "F")    # Tak
REPATRIATED_VIA_IDC = Person("Dara", "Pich", "KHM", "N1400004", "1988-04-04", "M")  # Kanchanaburi
HANDED_TO_SHELTER = Person("Vannak", "Heng", "KHM", "N1500005", "1987-05-05", "M")  # Chiang Mai
TRANSFERRED = Person("Noy", "Sisavath", "LAO", "P1600006", "1992-06-06", "F")       # Bangkok
PRIVATE_SHELTER = Person("Chenda", "Mao", "KHM", "N1700007", "1993-07-07", "F")     # Songkhla
ABSCONDED = Person("Phet", "Inthavong", "LAO", "P1800008", "1989-08-08", "F")       # Udon Thani
DEPORTED_VICTIM = Person("Rithy", "Chea", "KHM", "N1900009", "1986-09-09", "M")     # Nong Khai
NOT_REFERRED = Person("Khamla", "Vongsa", "LAO", "P2100011", "1994-11-11", "M")     # Ranong
CHARGED_VICTIM = Person("Sophal", "Lim", "KHM", "N2200012", "1985-12-12", "M")      # Surat Thani
DETAINED_THEN_REPORTED = Person("Somsak", "Douangmala", "LAO", "P2300013", "1990-03-13", "M")  # Ubon Ratchathani
STRANGER = Person("Kosal", "Ros", "KHM", "N9900099", "1980-10-10", "M")             # the clock, Narathiwat
VESSEL = "681000777"                                                                 # Pattani


def situations() -> Natives:
    n = Natives()
    # a Ror.Bor.1 dated B.E. (year + 1): dead-lettered; and one with indicators, not referred (rule 6)
    n.labour_files["rorbor1_situations.csv"] = csv_export([
        rorbor1("ร.บ.1/74/TYPO", at(1, 10), at(1, 12), "TH-74", TYPO, "ใช่", years_ahead=1),
        rorbor1("ร.บ.1/85/0001", at(2, 10), at(2, 11), "TH-85", NOT_REFERRED, "ไม่ใช่")])
    # a vessel that ports out declaring a 5-day trip and never ports in (rule 9, overdue)
    n.labour_files["pipo_out_situations.csv"] = csv_export([{
        "เลขที่แจ้ง": "PO-94-0001", "รหัสเที่ยวเรือ": f"{VESSEL}-001", "วันเวลาออกท่า": be(at(1, 5)),
        "วันเวลาแจ้ง": be(at(0, 5)), "จังหวัด": "TH-94", "ศูนย์ PIPO": "PIPO ปัตตานี", "ท่าเรือ": "ท่าเทียบเรือปัตตานี",
        "ทะเบียนเรือ": VESSEL, "ชื่อเรือ": "ช.ทะเลใต้ 9", "ใบอนุญาตทำการประมง": "FL-94-0001", "รหัส VMS": "VMS-TH-0001",
        "ลูกเรือ": "Samnang Ouk|กัมพูชา|N2000010|1990", "กำหนดกลับเข้าท่า": be(at(6, 5))}])
    # s.29 custody ended by a hand-over to immigration, then an IDC before any screening (rule 5)
    n.police += [police("custody_started", "CUS-57-1", at(1, 8), "TH-57", [IDC_AFTER_CUSTODY.police("held")]),
                 police("custody_ended", "CUS-57-1", at(1, 14), "TH-57", [IDC_AFTER_CUSTODY.police("held")], version=2,
                         ended_how="handed_to_immigration", handed_to="ตม.เชียงราย")]
    n.rows["detentions"].append(detention(101, at(1, 16), "57", IDC_AFTER_CUSTODY))
    # named in a hotline report, then detained (rule 5)
    n.hotline.append({"record_type": "hotline", "record_id": "1300-63-1", "version": 1, "received_at": iso(at(2, 9)),
                      "province": "TH-63", "channel": "phone_1300", "summary": "Worker kept in a house, cannot leave.",
                      "victims": [HOTLINE_DETAINED.social()]})
    n.rows["detentions"].append(detention(102, at(3, 9), "63", HOTLINE_DETAINED))
    # a stranger in an IDC, then named in a hotline report (the family's call) while still held (rule 5)
    n.rows["detentions"].append(detention(104, at(2), "34", DETAINED_THEN_REPORTED))
    n.hotline.append({"record_type": "hotline", "record_id": "1300-34-1", "version": 1, "received_at": iso(at(4, 9)),
                      "province": "TH-34", "channel": "phone_1300", "summary": "My brother is held at the IDC; "
                      "he was made to work on a boat without pay.", "victims": [DETAINED_THEN_REPORTED.social()]})
    # identified, repatriation approved, carried out through an IDC: no rule 5
    who = REPATRIATED_VIA_IDC
    n.police.append(police("rescue", "RSC-71-1", at(1, 2), "TH-71", [who.police("rescued")]))
    case_records = [cms("mdt_completed", "MDT-71-1", at(2), "TH-71", who, outcome="actual_victim"),
           cms("repatriation_approved", "RP-71-1", at(8), "TH-71", who, destination=who.nationality)]
    n.rows["detentions"].append(detention(103, at(10), "71", who))
    n.rows["deportations"] += [
        deportation(201, "SCHEDULED", at(10, 2), "71", who, scheduled_date=local(at(11))),
        deportation(202, "EXECUTED", at(11, 3), "71", who, executed_at=local(at(11, 3)), checkpoint_province="71")]
    # custody handed to a shelter after 6 h: the s.29 clock stops
    n.police += [police("custody_started", "CUS-50-1", at(3), "TH-50", [HANDED_TO_SHELTER.police("held")]),
                 police("custody_ended", "CUS-50-1", at(3, 6), "TH-50", [HANDED_TO_SHELTER.police("held")], version=2,
                         ended_how="handed_to_shelter", handed_to="บ้านพักเด็กและครอบครัวเชียงใหม่")]
    stays = [shelter("รับเข้า", "SH-50-1", at(3, 7), "TH-50", "ชั่วคราว", HANDED_TO_SHELTER)]
    case_records.append(cms("mdt_completed", "MDT-50-1", at(4), "TH-50", HANDED_TO_SHELTER, outcome="possible_victim"))
    # NRM: intake, a transfer on day 10, no screening: the clock runs from the first intake
    stays += [shelter("รับเข้า", "SH-10-1", at(1), "TH-10", "ชั่วคราว", TRANSFERRED),
                shelter("จำหน่าย", "SH-10-1", at(11), "TH-10", "ชั่วคราว", TRANSFERRED, **{"สาเหตุการจำหน่าย": "ส่งต่อ"}),
                shelter("รับเข้า", "SH-10-2", at(11, 4), "TH-10", "ชั่วคราว", TRANSFERRED)]
    # a private shelter's intake starts the NRM clock too
    stays.append(shelter("รับเข้า", "SH-90-1", at(2), "TH-90", "เอกชน", PRIVATE_SHELTER))
    # leaves the shelter unscreened (rule 14)
    stays += [shelter("รับเข้า", "SH-41-1", at(2), "TH-41", "ชั่วคราว", ABSCONDED),
                shelter("จำหน่าย", "SH-41-1", at(5), "TH-41", "ชั่วคราว", ABSCONDED, **{"สาเหตุการจำหน่าย": "หลบหนี"})]
    # an Actual victim deported: the case is in follow-up, not closed
    n.police += [police("rescue", "RSC-43-1", at(1), "TH-43", [DEPORTED_VICTIM.police("rescued")]),
                 police("case_opened", "CASE-43-1", at(3), "TH-43", [DEPORTED_VICTIM.police("victim")],
                         case_no="ปคม.43/1", offences=["ATIPA s.6"])]
    case_records.append(cms("mdt_completed", "MDT-43-1", at(2), "TH-43", DEPORTED_VICTIM, outcome="actual_victim"))
    n.rows["deportations"].append(deportation(203, "EXECUTED", at(6), "43", DEPORTED_VICTIM,
                                               executed_at=local(at(6)), checkpoint_province="43"))
    # a Possible victim then named as a suspect (rule 13)
    n.police += [police("rescue", "RSC-84-1", at(1), "TH-84", [CHARGED_VICTIM.police("rescued")]),
                 police("suspect_identified", "SUS-84-1", at(4), "TH-84", [CHARGED_VICTIM.police("suspect")],
                         arrested="yes", suspect_roles=["transporter"])]
    case_records.append(cms("mdt_completed", "MDT-84-1", at(2), "TH-84", CHARGED_VICTIM, outcome="possible_victim"))
    # the clock: two sources reach day 30 (a stranger entering, an anonymous call)
    n.rows["crossings"].append({"id": 301, "updated_at": local(at(CLOCK_DAY)), "crossed_at": local(at(CLOCK_DAY)),
                                "checkpoint": "Sungai Kolok", "province_code": "96", "direction": "IN",
                                "foreign_country": "MYS", **STRANGER.immigration()})
    n.hotline.append({"record_type": "hotline", "record_id": "1300-96-1", "version": 1,
                      "received_at": iso(at(CLOCK_DAY, 1)), "province": "TH-96", "channel": "line",
                      "summary": "Asks where to report a suspicious job offer."})
    n.social_files["shelter_situations.jsonl"] = jsonl_export(stays)
    n.social_files["mdt_situations.jsonl"] = jsonl_export(case_records)
    return n


@dataclass(frozen=True)
class Settled:
    intake: list[dict]
    letters: list[dict]
    alerts: list[dict]
    cases: list[dict]

    def alerts_in(self, province: str, rule_key: str | None = None) -> list[dict]:
        return [a for a in self.alerts if a["province"] == province and rule_key in (None, a["rule_key"])]

    def one(self, province: str, rule_key: str) -> dict:
        found = self.alerts_in(province, rule_key)
        assert len(found) == 1, (province, rule_key, found)
        return found[0]

    def cases_in(self, province: str) -> list[dict]:
        return [c for c in self.cases if province in c["provinces"] and not c.get("merged_into")]

    def timeline(self, province: str) -> list[str]:
        """The event types of the situation's one case, in order."""
        (case,) = self.cases_in(province)
        return [e["event_type"] for e in case["timeline"]]


@pytest.fixture(scope="module")
def hub(tmp_path_factory, kafka_jar_cache) -> Iterator[Settled]:
    """One broker, the connectors, one worker: every situation fed once, the hub settled."""
    root = tmp_path_factory.mktemp("situations")
    broker = fresh_broker(root / "broker", kafka_jar_cache)
    try:
        intake, letters = deliver(broker, situations(), root)
        worker = WorkerProcess(broker, root / "worker.log")
        try:
            wait_until(lambda: settled(broker.connection, len(intake)), timeout=300,
                       what="every situation correlated and in the views")
        finally:
            worker.stop()
        messages = read_topic(broker.connection, [ALERTS_TOPIC, CASES_TOPIC])
        alerts = [a for a in latest(messages, ALERTS_TOPIC).values() if a.get("resolution") != "merged"]
        yield Settled(intake, letters, alerts, list(latest(messages, CASES_TOPIC).values()))
    finally:
        broker.stop()


def _at_utc(t: datetime) -> datetime:
    return t.astimezone(timezone.utc)


class TestAYearTypo:
    def test_is_dead_lettered_with_its_reason_and_fires_nothing(self, hub):
        (letter,) = [d for d in hub.letters if "rorbor1_situations.csv" in d["origin"]["location"]]
        assert letter["reason_code"] == "implausible-time" and "after the record's recorded_at" in letter["reason"]
        assert not [e for e in hub.intake if e["envelope"]["province"] == "TH-74"]
        assert hub.alerts_in("TH-74") == []

    def test_leaves_the_good_row_of_the_same_export_published(self, hub):
        assert [e["envelope"]["province"] for e in hub.intake if e["envelope"]["source"]["system"] == "DLPW-LIS"] == \
            ["TH-85"]


class TestPotentialVictimsDetained:
    KEY = "victim-detained-or-deported"

    def test_custody_handed_to_immigration_then_an_idc_before_screening_is_critical(self, hub):
        alert = hub.one("TH-57", self.KEY)
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(1, 16)))

    def test_custody_ended_within_six_hours_raises_no_custody_deadline(self, hub):
        assert hub.timeline("TH-57") == ["CustodyStarted", "CustodyEnded", "DetentionAdmitted"]
        assert hub.alerts_in("TH-57", "custody-s29-deadline") == []

    def test_a_person_named_in_a_hotline_report_then_detained_is_critical(self, hub):
        alert = hub.one("TH-63", self.KEY)
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(3, 9)))

    def test_a_stranger_in_an_idc_named_in_a_hotline_report_while_held_is_critical(self, hub):
        alert = hub.one("TH-34", self.KEY)
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(4, 9)))

    def test_an_approved_repatriation_carried_out_through_an_idc_raises_nothing(self, hub):
        assert hub.timeline("TH-71")[2:] == ["RepatriationApproved", "DetentionAdmitted", "DeportationScheduled",
                                             "DeportationExecuted"]
        assert hub.alerts_in("TH-71", self.KEY) == []


class TestClocksThatStop:
    def test_custody_handed_to_a_shelter_never_reaches_the_s29_deadline(self, hub):
        assert hub.timeline("TH-50")[:3] == ["CustodyStarted", "CustodyEnded", "ShelterIntakeRecorded"]
        assert hub.alerts_in("TH-50", "custody-s29-deadline") == []

    def test_the_nrm_clock_survives_a_transfer_and_runs_from_the_first_intake(self, hub):
        alert = hub.one("TH-10", "nrm-reflection-overrun")
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(13)))

    def test_a_private_shelter_intake_starts_the_nrm_clock_and_the_case_is_in_screening(self, hub):
        alert = hub.one("TH-90", "nrm-reflection-overrun")
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(14)))
        assert [c["stage"] for c in hub.cases_in("TH-90")] == ["Screening"]

    def test_a_person_who_absconds_unscreened_raises_rule_14_and_the_nrm_clock_runs_on(self, hub):
        alert = hub.one("TH-41", "absconded-unscreened")
        assert (alert["state"], alert["raised_at"], alert["rule_number"]) == ("Firing", _at_utc(at(5)), 14)
        nrm = hub.one("TH-41", "nrm-reflection-overrun")
        assert (nrm["state"], nrm["severity"], nrm["raised_at"]) == ("Firing", "Critical", _at_utc(at(14)))


class TestCasesDoNotCloseWrongly:
    def test_an_actual_victim_deported_is_in_follow_up(self, hub):
        assert hub.timeline("TH-43")[-1] == "DeportationExecuted"
        assert [(c["stage"], c["status"]) for c in hub.cases_in("TH-43")] == [("Repatriation", "FollowUp")]


class TestBlindSpots:
    def test_a_vessel_that_never_ports_in_is_critical_at_twice_its_trip(self, hub):
        alert = hub.one("TH-94", "pipo-vessel-overdue")
        assert (alert["severity"], alert["subject"], alert["raised_at"]) == \
            ("Critical", f"vessel:{VESSEL}", _at_utc(at(6, 5)))

    def test_a_ror_bor_1_with_indicators_and_no_referral_fires_rule_6(self, hub):
        alert = hub.one("TH-85", "labour-screening-not-referred")
        assert (alert["severity"], alert["raised_at"]) == ("Critical", _at_utc(at(3, 10)))

    def test_a_possible_victim_named_as_suspect_is_critical(self, hub):
        alert = hub.one("TH-84", "victim-treated-as-offender")
        assert (alert["severity"], alert["raised_at"], alert["rule_number"]) == ("Critical", _at_utc(at(4)), 13)

