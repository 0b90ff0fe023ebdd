"""Police JSON records -> events: normalisation, persons, and every problem named."""

from datetime import datetime, timezone

import pytest

from connectors.agencies import police
from connectors.records import MappingError, Origin

from .examples import example, records

ORIGIN = Origin("http", "/intake/police", "req-1 item 0")


def rescue(**changes):
    fields = {**example("police", "RSC-2568-000417").fields, **changes}
    return {k: v for k, v in fields.items() if v is not ...}


def mapped(fields):
    translation = police.translate(fields, ORIGIN)
    (event,) = translation.events
    return event.record, translation.notes


def problems(fields):
    with pytest.raises(MappingError) as caught:
        police.translate(fields, ORIGIN)
    return caught.value


class TestPoliceMapping:
    def test_reads_a_thai_date_with_thai_digits_as_bangkok_time(self):
        record, _ = mapped(rescue(occurred="๑ มี.ค. ๒๕๖๘ ๒๒.๓๐ น."))
        assert record["envelope"]["occurred_at"] == datetime(2025, 3, 1, 15, 30, tzinfo=timezone.utc)

    def test_a_written_offset_wins_over_bangkok_time(self):
        record, _ = mapped(rescue(occurred="2025-03-01T22:30:00Z"))
        assert record["envelope"]["occurred_at"] == datetime(2025, 3, 1, 22, 30, tzinfo=timezone.utc)

    def test_recorded_at_defaults_to_occurred_at(self):
        record, _ = mapped(rescue(recorded=...))
        assert record["envelope"]["recorded_at"] == record["envelope"]["occurred_at"]

    def test_province_by_thai_name_english_name_or_code(self):
        for written in ("เชียงราย", "จ.เชียงราย", "Chiang Rai", "57", "TH-57"):
            assert mapped(rescue(province=written))[0]["envelope"]["province"] == "TH-57"

    def test_missing_required_fields_are_each_named(self):
        error = problems(rescue(record_id=..., occurred=..., province=..., unit=...))
        text = str(error)
        for field in ("record_id", "occurred", "province", "unit"):
            assert f"{field}: missing" in text
        assert len(error.problems) == 4 and error.code == "invalid-record"

    def test_unreadable_fields_are_each_named_with_value_and_expectation(self):
        error = problems(rescue(occurred="31/02/2561 10:00", province="Atlantis"))
        assert any(p.startswith("occurred '31/02/2561 10:00'") and "day 31 does not exist" in p for p in error.problems)
        assert any(p.startswith("province 'Atlantis'") and "expected" in p for p in error.problems)

    def test_an_unknown_record_type_is_refused_as_such(self):
        error = problems(rescue(record_type="parking_ticket"))
        assert error.code == "unknown-kind" and "record_type 'parking_ticket'" in str(error)

    def test_persons_must_be_objects(self):
        error = problems(rescue(persons=["Aye Aye"]))
        assert "persons[0]: expected an object" in str(error)

    def test_a_thai_name_is_kept_and_romanised(self):
        record, _ = mapped(rescue())
        suspect = record["envelope"]["persons"][2]
        assert [n["script"] for n in suspect["names"]] == ["Thai", "Latin", "Latin"]
        thai, rtgs, agency = suspect["names"]
        assert (thai["given"], thai["family"], thai["full"]) == ("สมชาย", "ใจดี", "นายสมชาย ใจดี")
        assert (rtgs["full"], rtgs["is_official_romanisation"]) == ("Somchai Chaidi", False)  # a machine's
        assert (agency["full"], agency["is_official_romanisation"]) == ("Somchai Jaidee", False)

    def test_a_family_comma_given_name_is_read_in_that_order(self):
        person = {"role": "suspect", "name": "JAIDEE, Somchai"}
        name = mapped(rescue(persons=[person]))[0]["envelope"]["persons"][0]["names"][0]
        assert (name["given"], name["family"]) == ("Somchai", "Jaidee")

    def test_an_age_instead_of_a_date_of_birth_gives_age_years(self):
        victim = mapped(rescue())[0]["envelope"]["persons"][1]
        assert (victim["age_years"], victim["date_of_birth"], victim["dob_precision"]) == (16, None, "Unknown")

    def test_a_thai_id_with_a_wrong_check_digit_is_dropped_and_the_event_kept(self):
        person = {"role": "suspect", "name": "สมชาย ใจดี", "thai_id": "3570100012346"}
        record, notes = mapped(rescue(persons=[person]))
        assert record["envelope"]["persons"][0]["identifiers"] == []
        assert any("thai_id '3570100012346'" in note and "check digit" in note for note in notes)

    def test_an_unknown_role_is_other_with_a_note(self):
        record, notes = mapped(rescue(persons=[{"role": "bystander", "name": "Zaw Zaw"}]))
        assert record["envelope"]["persons"][0]["role"] == "Other"
        assert any("bystander" in note for note in notes)

    def test_rescued_persons_and_premises_are_referenced(self):
        record, _ = mapped(rescue())
        assert record["rescued_person_refs"] == ["p1", "p2"]
        assert record["premises_org_refs"] == ["o1"]
        assert record["partner_agencies"] == ["social", "immigration"]


class TestPoliceCustody:
    def test_custody_starts_for_the_held_person(self):
        record, _ = mapped(example("police", "CUS-2568-000093").fields)
        assert record["person_ref"] == "p1" and record["legal_basis"] == "ATIPA B.E. 2551 s.29"

    def test_an_extension_ending_before_it_was_granted_is_refused(self):
        fields = {**police_record("custody_extended"), "extended_until": "2025-03-01T00:00:00+07:00"}
        assert "extended_until" in str(problems(fields))

    def test_two_held_persons_in_one_custody_record_are_refused(self):
        held = {"role": "held", "name": "Aye Aye"}
        fields = {**police_record("custody_started"), "persons": [held, held]}
        assert "exactly one person with role 'held'" in str(problems(fields))

    def test_the_extension_shares_the_custody_record_key(self):
        start = police.map_record(police_record("custody_started"), ORIGIN)[0]
        extension = police.map_record(police_record("custody_extended"), ORIGIN)[0]
        assert start.key == extension.key and start.event_id != extension.event_id


class TestPoliceCases:
    def test_thai_offence_sections_are_written_as_law_and_section(self):
        record, _ = mapped(police_record("case_opened"))
        assert record["offence_sections"] == ["ATIPA s.6", "ATIPA s.52", "Criminal Code s.283 bis"]

    def test_a_case_without_case_number_is_refused(self):
        fields = {k: v for k, v in police_record("case_opened").items() if k != "case_no"}
        assert "case_no: missing" in str(problems(fields))

    def test_suspect_roles_in_thai_and_english(self):
        record, _ = mapped(police_record("suspect_identified"))
        assert record["roles"] == ["RecruiterOrIntermediary", "Exploiter"] and record["arrested"] is True

    def test_a_ticac_tip_comes_from_the_ticac_system(self):
        record, _ = mapped(police_record("ticac_tip"))
        assert record["envelope"]["source"]["system"] == "TICAC-CMS"
        assert record["tip_source"] == "NcmecCyberTipline"


def police_record(kind):
    return dict(next(r.fields for r in records("police") if r.fields["record_type"] == kind))
