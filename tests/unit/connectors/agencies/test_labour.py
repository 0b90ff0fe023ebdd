"""Labour CSV rows (Thai headers, B.E. dates, Windows-874) -> events."""

import csv
import io
from datetime import date, datetime, timezone

import pytest

from connectors.agencies import labour
from connectors.records import MappingError, Origin
from connectors.sources.files import read_bytes

from .examples import EXAMPLES, example


def row(record_id, **changes):
    record = example("labour", record_id)
    return {**record.fields, **changes}, record.origin


def mapped(record_id, **changes):
    translation = labour.translate(*row(record_id, **changes))
    (event,) = translation.events
    return event.record, translation.notes


def problems(record_id, **changes):
    with pytest.raises(MappingError) as caught:
        labour.translate(*row(record_id, **changes))
    return caught.value


def cp874_csv(name, header, values):
    out = io.StringIO()
    csv.writer(out).writerows([header, values])
    (record,) = read_bytes(name, out.getvalue().encode("cp874"))[1]
    return record.record


class TestLabourMapping:
    def test_reads_buddhist_era_dates_under_thai_headers(self):
        header = ["เลขที่คำร้อง", "วันที่ยื่นคำร้อง", "จังหวัด", "ชื่อ-สกุล", "สัญชาติ", "วันเกิด", "สรุปเรื่อง", "วันที่บันทึก"]
        values = ["CMP-1", "12/03/2568", "สมุทรสาคร", "นายซอ มิน", "พม่า", "00/00/2535", "ค้างจ่ายค่าจ้าง", "๑๒/๐๓/๒๕๖๘ ๑๐.๐๕ น."]
        record = cp874_csv("complaint_74_25680312.csv", header, values)
        (event,) = labour.map_record(record.fields, record.origin)
        envelope = event.record["envelope"]
        assert envelope["occurred_at"] == datetime(2025, 3, 11, 17, 0, tzinfo=timezone.utc)  # 00:00 Bangkok
        assert envelope["recorded_at"] == datetime(2025, 3, 12, 3, 5, tzinfo=timezone.utc)
        assert (envelope["persons"][0]["date_of_birth"], envelope["persons"][0]["dob_precision"]) == \
            (date(1992, 1, 1), "Year")

    def test_the_file_name_prefix_says_the_kind(self):
        fields, _ = row("PO-90-2568-10442")
        (event,) = labour.map_record(fields, Origin("file", "PIPO_OUT_90_25680401.CSV", "line 2 (record 1)"))
        assert event.schema == "sanpalang.labour.PipoPortOutReported"

    def test_an_unknown_file_name_is_refused_as_such(self):
        fields, _ = row("PO-90-2568-10442")
        with pytest.raises(MappingError) as caught:
            labour.translate(fields, Origin("file", "export_2568.csv", "line 2 (record 1)"))
        assert caught.value.code == "unknown-kind" and "pipo_out_*" in str(caught.value)

    def test_a_port_out_row_carries_its_whole_crew_in_one_event(self):
        record, _ = mapped("PO-90-2568-10442")
        crew = record["envelope"]["persons"]
        assert record["crew_person_refs"] == ["p1", "p2", "p3", "p4"]
        assert [p["nationality"] for p in crew] == ["MMR", "MMR", "KHM", "THA"]
        assert [i["kind"] for p in crew for i in p["identifiers"]] == ["PinkCard", "PinkCard", "Passport", "ThaiId"]
        assert all(p["role"] == "Crew" for p in crew)
        assert (crew[0]["date_of_birth"], crew[0]["dob_precision"]) == (date(1996, 1, 1), "Year")

    def test_the_vessel_and_its_owner_are_organisations(self):
        record, _ = mapped("PO-90-2568-10442")
        vessel, owner = record["envelope"]["organisations"]
        assert (vessel["kind"], vessel["vessel_registration"], vessel["licence"]) == \
            ("Vessel", "651000123", "FL-90-0452-2568")
        assert owner["kind"] == "Employer"

    def test_a_crew_entry_with_neither_name_nor_document_is_a_problem(self):
        error = problems("PO-90-2568-10442", ลูกเรือ="ซอ ลิน|พม่า|0001745678905;|พม่า|")
        assert "ลูกเรือ[2]" in str(error)

    def test_a_crew_entry_with_a_bad_pink_card_keeps_the_crew_member(self):
        record, notes = mapped("PO-90-2568-10442", ลูกเรือ="ซอ ลิน|พม่า|0001745678906")
        assert len(record["envelope"]["persons"]) == 1 and record["envelope"]["persons"][0]["identifiers"] == []
        assert any("ลูกเรือ[1].เลขเอกสาร" in note and "check digit" in note for note in notes)

    def test_thai_indicator_labels_become_means_of_control(self):
        record, _ = mapped("INSP-74-2568-0311")
        assert record["indicators"] == ["WithholdsDocuments", "DebtBondage", "ExcessiveWorkingHours"]
        assert (record["isic_code"], record["workers_checked"]) == ("1020", 46)

    def test_an_unknown_indicator_is_other_with_a_note(self):
        record, notes = mapped("INSP-74-2568-0311", สิ่งบ่งชี้="ยึดเอกสาร;ให้นอนในโกดัง")
        assert record["indicators"] == ["WithholdsDocuments", "Other"]
        assert any("ให้นอนในโกดัง" in note for note in notes)

    def test_a_rorbor1_referral_and_interpreter_language(self):
        record, _ = mapped("ร.บ.1/74/2568/0077")
        assert (record["referred_to_mdt"], record["interpreter_language"]) == (True, "mya")
        assert record["envelope"]["agency_case_ref"] == "ร.บ.1/74/2568/0077"

    def test_a_rorbor1_without_referral_answer_is_refused(self):
        assert "ส่งต่อ MDT 'อาจจะ'" in str(problems("ร.บ.1/74/2568/0077", **{"ส่งต่อ MDT": "อาจจะ"}))

    def test_an_impossible_buddhist_era_date_names_its_column(self):
        error = problems("INSP-74-2568-0311", วันที่ตรวจ="31/02/2561")
        assert any(p.startswith("วันที่ตรวจ '31/02/2561'") and "February" in p for p in error.problems)

    def test_missing_required_columns_are_each_named(self):
        error = problems("INSP-74-2568-0311", จังหวัด="", สถานประกอบการ="-", **{"รหัส ISIC": ""})
        for column in ("จังหวัด", "สถานประกอบการ", "รหัส ISIC"):
            assert f"{column}: missing" in str(error)
        assert len(error.problems) == 3

    def test_an_employer_change_names_both_employers_and_the_work_permit(self):
        record, _ = mapped("EC-74-2568-55120")
        assert (record["previous_employer_org_ref"], record["new_employer_org_ref"]) == ("o1", "o2")
        permits = [i for i in record["envelope"]["persons"][0]["identifiers"] if i["kind"] == "WorkPermit"]
        assert permits == [{"kind": "WorkPermit", "value": "WP742025003317", "issuing_country": "THA"}]

    def test_example_files_are_windows_874(self):
        for path in EXAMPLES.glob("*.csv"):
            assert read_bytes(path.name, path.read_bytes())[0].encoding == "cp874", path.name
