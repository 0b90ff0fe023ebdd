"""What offices really export: two-digit B.E. years where the source writes them, identifier kinds
beyond passport and pink card, each checked, and pink cards whose zeros Excel dropped."""

from datetime import date, datetime, timezone

import pytest

from connectors.agencies import immigration, labour, police, social
from connectors.normalise import NormaliseError, parse_date, parse_date_of_birth, thai_id_check_digit
from connectors.normalise._calendar import Era
from connectors.records import Origin
from connectors.sources.files import read_bytes

from .examples import example, records


def number(first12: str) -> str:
    return first12 + str(thai_id_check_digit(first12))


PINK_CARD, STATELESS = number("001745678901"), number("063570089123")


def kinds(person):
    return [(i["kind"], i["value"]) for i in person["identifiers"]]


def labour_row(record_id, changes=None, **more):
    # (a dict for Thai keys with sara am: Python names are NFKC, which splits U+0E33 in two)
    changes = {**(changes or {}), **more}
    record = example("labour", record_id)
    (event,) = labour.translate({**record.fields, **changes}, record.origin).events
    return event.record


class TestTwoDigitBuddhistYears:
    def test_the_normaliser_reads_them_only_for_a_source_that_writes_them(self):
        assert parse_date("02/08/61", short_era=Era.BE).isoformat() == "2018-08-02"
        with pytest.raises(NormaliseError, match="ambiguous"):
            parse_date("02/08/61")

    def test_a_source_writing_two_digit_years_still_reads_four_digit_ce_ones(self):
        assert parse_date("2018-08-02", short_era=Era.BE).isoformat() == "2018-08-02"

    def test_a_labour_excel_export_with_02_08_61_is_read_as_buddhist_era(self):
        record = labour_row("INSP-74-2568-0311", วันที่ตรวจ="05/03/68 09:30", วันที่บันทึก="05/03/68")
        assert record["envelope"]["occurred_at"] == datetime(2025, 3, 5, 2, 30, tzinfo=timezone.utc)

    def test_a_shelter_export_with_two_digit_years_is_read_as_buddhist_era(self):
        fields = next(dict(r.fields) for r in records("social") if r.fields.get("ประเภท") == "รับเข้า")
        fields.update({"วันที่รับเข้า": "02/03/68 19:40", "วันที่บันทึก": "02/03/68 20:00"})
        (event,) = social.translate(fields, Origin("file", "shelter_57.jsonl", "line 1")).events
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 3, 2, 12, 40, tzinfo=timezone.utc)

    def test_a_birth_date_with_a_two_digit_year_is_of_the_latest_century_not_after_the_record(self):
        assert parse_date_of_birth("02/08/30", as_of=date(2025, 6, 1), short_era=Era.BE).date == date(1987, 8, 2)
        assert parse_date_of_birth("15/03/99", as_of=date(2025, 6, 1), short_era=Era.BE).date == date(1956, 3, 15)
        with pytest.raises(NormaliseError, match="ambiguous"):
            parse_date_of_birth("02/08/30", as_of=date(2025, 6, 1))

    def test_a_shelter_export_writes_birth_dates_with_two_digit_years_too(self):
        fields = next(dict(r.fields) for r in records("social") if r.fields.get("ประเภท") == "รับเข้า")
        fields.update({"วันที่รับเข้า": "02/03/68 19:40", "วันเกิด": "02/08/30", "อายุ": ""})
        (event,) = social.translate(fields, Origin("file", "shelter_57.jsonl", "line 1")).events
        (resident,) = event.record["envelope"]["persons"]
        assert (resident["date_of_birth"], resident["dob_precision"]) == (date(1987, 8, 2), "Day")

    def test_the_police_push_does_not_guess_a_two_digit_year(self):
        fields = {**example("police", "RSC-2568-000417").fields, "occurred": "01/03/68 22:30"}
        with pytest.raises(Exception, match="ambiguous"):
            police.translate(fields, Origin("http", "/intake/police", "req-1 item 0"))


class TestUnicodeTextExport:
    def test_an_excel_unicode_text_labour_export_maps_like_its_cp874_twin(self):
        twin = example("labour", "INSP-74-2568-0311")
        header = list(twin.fields)
        text = "\t".join(header) + "\r\n" + "\t".join(str(twin.fields[h]).replace("\n", " ") for h in header) + "\r\n"
        (record,) = read_bytes(twin.origin.stream, text.encode("utf-16"))[1]
        (event,) = labour.map_record(record.record.fields, record.record.origin)
        (expected,) = labour.map_record(twin.fields, twin.origin)
        assert event.record == expected.record


class TestIdentifierKinds:
    def test_a_thai_person_column_tells_a_stateless_number_from_a_pink_card(self):
        record = labour_row("ร.บ.1/74/2568/0077", {"เลขประจำตัว": STATELESS})
        assert ("NonThaiId", STATELESS) in kinds(record["envelope"]["persons"][0])

    def test_a_pink_card_that_lost_its_zeros_in_excel_is_padded_and_kept(self):
        record = labour_row("ร.บ.1/74/2568/0077", {"เลขประจำตัว": PINK_CARD.lstrip("0")})
        assert ("PinkCard", PINK_CARD) in kinds(record["envelope"]["persons"][0])

    def test_a_crew_entry_names_its_seabook(self):
        record = labour_row("PO-90-2568-10442", ลูกเรือ="ซอ ลิน|พม่า|MS123456|2539|หนังสือคนประจำเรือ;"
                                                         f"อ่อง|พม่า|{PINK_CARD.lstrip('0')}")
        crew = record["envelope"]["persons"]
        assert kinds(crew[0]) == [("Seabook", "MS123456")] and kinds(crew[1]) == [("PinkCard", PINK_CARD)]

    def test_police_persons_carry_seabooks_and_certificates_of_identity(self):
        fields = example("police", "RSC-2568-000417").fields
        person = {**fields["persons"][0], "seabook": "ms 123-456", "certificate_of_identity": "CI0012345"}
        (event,) = police.translate({**fields, "persons": [person]}, Origin("http", "/p", "r")).events
        found = kinds(event.record["envelope"]["persons"][0])
        assert ("Seabook", "MS123456") in found and ("CertificateOfIdentity", "CI0012345") in found

    def test_a_certificate_of_identity_without_a_digit_is_dropped_with_a_note(self):
        fields = example("police", "RSC-2568-000417").fields
        person = {**fields["persons"][0], "certificate_of_identity": "ABCDEF"}
        translation = police.translate({**fields, "persons": [person]}, Origin("http", "/p", "r"))
        assert not [i for i in translation.events[0].record["envelope"]["persons"][0]["identifiers"]
                    if i["kind"] == "CertificateOfIdentity"]
        assert any("certificate of identity number has letters and digits" in n for n in translation.notes)

    @pytest.mark.parametrize("doc_type, kind", [("CI", "CertificateOfIdentity"), ("SEABOOK", "Seabook")])
    def test_immigration_document_types_keep_their_kind(self, doc_type, kind):
        fields = {**example("immigration", "4411").fields, "doc_type": doc_type, "doc_no": "MA 765432"}
        (event,) = immigration.map_record(fields, Origin("sql", "crossings", "4411"))
        assert (kind, "MA765432") in kinds(event.record["envelope"]["persons"][0])

    def test_a_crew_entry_naming_an_unknown_document_kind_keeps_the_member_and_notes_it(self):
        record = example("labour", "PO-90-2568-10442")
        translation = labour.translate({**record.fields, "ลูกเรือ": "ซอ ลิน|พม่า|MS123456|2539|บัตรเรือ"}, record.origin)
        (crew,) = translation.events[0].record["envelope"]["persons"]
        assert kinds(crew) == [("Passport", "MS123456")]
        assert any("ประเภทเอกสาร" in note and "บัตรเรือ" in note for note in translation.notes)
