"""Immigration table rows -> events: dispatch on the table, partial birth dates, documents, statuses."""

from datetime import date, datetime, timezone

import pytest

from connectors.agencies import immigration
from connectors.records import MappingError, Origin
from connectors.sources.sqlpoll import row_record

from .examples import example, immigration_database


def row(table, row_id, **changes):
    fields = {**example("immigration", str(row_id)).fields, **changes}
    return fields, Origin("sql", table, str(row_id))


def mapped(table, row_id, **changes):
    (event,) = immigration.map_record(*row(table, row_id, **changes))
    return event


def problems(table, row_id, **changes):
    with pytest.raises(MappingError) as caught:
        immigration.translate(*row(table, row_id, **changes))
    return caught.value


class TestImmigrationMapping:
    def test_year_only_birth_date_has_year_precision(self):
        person = mapped("crossings", 4411).record["envelope"]["persons"][0]
        assert (person["date_of_birth"], person["dob_precision"]) == (date(2008, 1, 1), "Year")

    def test_full_birth_date_has_day_precision(self):
        person = mapped("crossings", 4412).record["envelope"]["persons"][0]
        assert (person["date_of_birth"], person["dob_precision"]) == (date(1988, 6, 14), "Day")

    def test_dispatches_on_the_table_and_ignores_a_schema_prefix(self):
        fields, _ = row("detentions", 2214)
        (event,) = immigration.map_record(fields, Origin("sql", 'imm."detentions"', "2214"))
        assert event.schema == "sanpalang.immigration.DetentionAdmitted"

    def test_an_unknown_table_is_refused_as_such(self):
        fields, _ = row("crossings", 4411)
        with pytest.raises(MappingError) as caught:
            immigration.translate(fields, Origin("sql", "visas", "1"))
        assert caught.value.code == "unknown-kind" and "'visas'" in str(caught.value)

    def test_record_id_is_table_and_primary_key_and_version_is_updated_at(self):
        source = mapped("crossings", 4411).record["envelope"]["source"]
        assert source == {"system": "IMM-BORDER", "record_id": "crossings/4411", "record_version": "2025-02-20 09:14:05"}

    def test_timestamps_without_zone_are_bangkok_time(self):
        envelope = mapped("crossings", 4411).record["envelope"]
        assert envelope["occurred_at"] == datetime(2025, 2, 20, 2, 12, tzinfo=timezone.utc)

    def test_postgresql_iso_timestamps_read_the_same(self):
        event = mapped("crossings", 4411, crossed_at="2025-02-20T09:12:00", updated_at="2025-02-20T09:14:05")
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 2, 20, 2, 12, tzinfo=timezone.utc)

    def test_alpha2_nationality_and_document_become_alpha3_and_an_identifier(self):
        record = mapped("crossings", 4411).record
        person = record["envelope"]["persons"][0]
        assert person["nationality"] == "MMR"
        assert person["identifiers"] == [{"kind": "BorderPass", "value": "TC0098812", "issuing_country": "MMR"}]
        assert (record["direction"], record["document_kind"], record["foreign_country"]) == ("In", "BorderPass", "MMR")

    def test_a_passport_spelling_is_the_official_romanisation(self):
        name = mapped("crossings", 4412).record["envelope"]["persons"][0]["names"][0]
        assert (name["given"], name["family"], name["is_official_romanisation"]) == ("Kyaw Kyaw", "Oo", True)

    def test_a_thai_script_name_is_added_with_its_romanisation(self):
        names = mapped("crossings", 4520).record["envelope"]["persons"][0]["names"]
        assert [(n["full"], n["script"]) for n in names] == [
            ("BOONMEE SAENGTHONG", "Latin"), ("บุญมี แสงทอง", "Thai"), ("Bunmi Saengthong", "Latin")]

    def test_a_crossing_needs_direction_checkpoint_and_document_type(self):
        error = problems("crossings", 4411, direction="SIDEWAYS", checkpoint=None, doc_type="")
        text = str(error)
        assert "direction 'SIDEWAYS'" in text and "checkpoint: missing" in text and "doc_type: missing" in text


class TestDeportations:
    def test_a_scheduled_row_is_a_scheduled_deportation_at_the_idc(self):
        event = mapped("deportations", 731)
        assert event.schema == "sanpalang.immigration.DeportationScheduled"
        assert event.record["scheduled_at"] == datetime(2025, 3, 12, 1, 0, tzinfo=timezone.utc)
        assert event.record["envelope"]["province"] == "TH-10"

    def test_an_executed_row_happened_at_the_checkpoint_when_it_was_executed(self):
        event = mapped("deportations", 732)
        assert event.schema == "sanpalang.immigration.DeportationExecuted"
        assert event.record["envelope"]["province"] == "TH-27"
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 3, 12, 7, 10, tzinfo=timezone.utc)

    def test_the_same_row_scheduled_then_executed_gives_two_events(self):
        scheduled = mapped("deportations", 731)
        executed = mapped("deportations", 731, status="EXECUTED", executed_at="2025-03-12 10:30:00",
                          updated_at="2025-03-12 11:00:00", handed_over_to="Myawaddy immigration")
        assert executed.schema.endswith("DeportationExecuted") and executed.key == scheduled.key
        assert executed.event_id != scheduled.event_id

    def test_a_cancelled_or_held_deportation_is_a_halt(self):
        for status, halt in (("CANCELLED", "Cancelled"), ("HELD", "Held"), ("ยกเลิก", "Cancelled")):
            event = mapped("deportations", 731, status=status, updated_at="2025-03-08 10:00:00",
                           halt_reason="MDT screening requested")
            assert event.schema.endswith("DeportationHalted")
            assert (event.record["halt"], event.record["reason"]) == (halt, "MDT screening requested")

    def test_a_detention_row_with_its_release_time_is_the_release(self):
        event = mapped("detentions", 2216)
        assert event.schema.endswith("DetentionReleased") and event.record["released_to"].startswith("บ้านพัก")
        assert event.record["envelope"]["occurred_at"] == datetime(2025, 3, 9, 3, 0, tzinfo=timezone.utc)

    def test_an_executed_deportation_needs_its_time(self):
        assert "executed_at: missing" in str(problems("deportations", 731, status="EXECUTED"))


class TestImmigrationFromTheDatabase:
    def test_rows_read_by_the_sql_source_map_whatever_the_column_order(self):
        db = immigration_database()
        db_row = dict(db.execute("SELECT sex, id, birth_date, * FROM crossings WHERE id = 4412").fetchone())
        record = row_record("crossings", db_row, ["id"])
        (event,) = immigration.map_record(record.fields, record.origin)
        assert event.event_id == mapped("crossings", 4412).event_id
