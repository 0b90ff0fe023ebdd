"""Social development records (shelter exports with Thai keys, case management, hotline) -> events."""

from datetime import date, datetime, timezone

import pytest

from connectors.agencies import social
from connectors.records import MappingError, Origin

from .examples import records

FILE = Origin("file", "mdt_57_25680303.jsonl", "line 1 (record 1)")


def native(kind_field, kind, index=0):
    found = [dict(r.fields) for r in records("social") if r.fields.get(kind_field) == kind]
    return found[index]


def mapped(fields):
    translation = social.translate(fields, FILE)
    (event,) = translation.events
    return event, translation.notes


def problems(fields):
    with pytest.raises(MappingError) as caught:
        social.translate(fields, FILE)
    return caught.value


class TestShelterRecords:
    def test_an_admission_with_thai_keys_is_a_shelter_intake(self):
        event, _ = mapped(native("ประเภท", "รับเข้า"))
        assert event.schema == "sanpalang.social.ShelterIntakeRecorded"
        assert (event.record["shelter_kind"], event.record["envelope"]["source"]["system"]) == ("Temporary", "MSDHS-SHELTER")
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 3, 2, 12, 40, tzinfo=timezone.utc)

    def test_a_discharge_is_a_shelter_exit_with_its_reason(self):
        event, _ = mapped(native("ประเภท", "จำหน่าย", 1))
        assert (event.schema, event.record["exit_reason"]) == ("sanpalang.social.ShelterExitRecorded", "Repatriated")

    def test_a_discharge_without_date_or_reason_is_refused_naming_both(self):
        fields = {k: v for k, v in native("ประเภท", "จำหน่าย").items() if k not in ("วันที่จำหน่าย", "สาเหตุการจำหน่าย")}
        text = str(problems(fields))
        assert "วันที่จำหน่าย: missing" in text and "สาเหตุการจำหน่าย: missing" in text

    def test_the_thai_script_name_the_latin_name_and_the_romanisation_are_all_kept(self):
        event, _ = mapped(native("ประเภท", "รับเข้า"))
        names = event.record["envelope"]["persons"][0]["names"]
        assert [(n["full"], n["script"]) for n in names] == [
            ("อาย อาย ขิ่น", "Thai"), ("Ai Ai Khin", "Latin"), ("Aye Aye Khaing", "Latin")]
        assert not any(n["is_official_romanisation"] for n in names)  # a foreign name: no official spelling here

    def test_an_unknown_kind_is_refused_as_such(self):
        error = problems({**native("ประเภท", "รับเข้า"), "ประเภท": "เยี่ยมบ้าน"})
        assert error.code == "unknown-kind" and "ประเภท 'เยี่ยมบ้าน'" in str(error)

    def test_a_record_without_any_kind_names_the_kind_field(self):
        fields = {k: v for k, v in native("ประเภท", "รับเข้า").items() if k != "ประเภท"}
        error = problems(fields)
        assert error.code == "unknown-kind" and "record_type: missing" in str(error)


class TestCaseManagementRecords:
    def test_an_mdt_outcome_in_thai_decides_the_persons_role(self):
        event, _ = mapped(native("record_type", "mdt_completed"))
        assert event.record["outcome"] == "ActualVictimOfTrafficking"
        assert event.record["envelope"]["persons"][0]["role"] == "Victim"
        assert event.record["interpreter_language"] == "mya"

    def test_an_unreadable_outcome_is_refused(self):
        assert "outcome 'maybe'" in str(problems({**native("record_type", "mdt_completed"), "outcome": "maybe"}))

    def test_a_scheduled_screening_keeps_only_the_hubs_agencies(self):
        event, notes = mapped(native("record_type", "mdt_scheduled"))
        assert event.record["member_agencies"] == ["social", "police", "labour"]
        assert event.record["scheduled_at"] == datetime(2025, 3, 3, 3, 0, tzinfo=timezone.utc)
        assert any("สาธารณสุข" in note for note in notes)

    def test_rights_need_a_language_the_hub_knows(self):
        fields = {**native("record_type", "rights_informed"), "language": "Klingon"}
        assert "language 'Klingon'" in str(problems(fields))

    def test_a_consent_for_a_child_names_the_guardian(self):
        event, _ = mapped(native("record_type", "consent", 1))
        guardian = event.record["envelope"]["persons"][1]
        assert (event.record["guardian_person_ref"], guardian["role"]) == ("p2", "Guardian")
        assert guardian["names"][0]["given"] == "Hla Hla"  # Daw is an honorific

    def test_a_support_plan_end_date_is_a_date(self):
        event, _ = mapped(native("record_type", "support_plan"))
        assert event.record["planned_end_date"] == date(2025, 6, 30)

    def test_the_person_is_required(self):
        fields = {k: v for k, v in native("record_type", "support_plan").items() if k != "person"}
        assert "person: missing" in str(problems(fields))


class TestHotlineReports:
    def test_an_anonymous_caller_is_a_reporter_with_only_a_phone(self):
        event, _ = mapped(native("record_type", "hotline"))
        caller, victim = event.record["envelope"]["persons"]
        assert (caller["role"], caller["names"], caller["identifiers"][0]["value"]) == ("Reporter", [], "+66897654321")
        assert (victim["role"], victim["age_years"]) == ("PotentialVictim", 17)
        assert (event.record["channel"], event.record["urgent"]) == ("Phone1300", True)

    def test_the_report_time_is_when_the_call_was_received(self):
        event, _ = mapped(native("record_type", "hotline", 1))
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 2, 28, 1, 40, tzinfo=timezone.utc)
        assert event.record["urgent"] is False
