"""Prevention activities (case-management export, `record_type` prevention) -> PreventionActivity."""

from datetime import date, datetime, timezone

import pytest

from connectors.agencies import social
from connectors.records import MappingError, Origin

from .examples import records

FILE = Origin("file", "prevention_57_25680305.jsonl", "line 1 (record 1)")


def native(index=0):
    return [dict(r.fields) for r in records("social") if r.fields.get("record_type") == "prevention"][index]


def mapped(fields):
    translation = social.translate(fields, FILE)
    (event,) = translation.events
    return event.schema, event.record, translation.notes


def refused(fields):
    with pytest.raises(MappingError) as caught:
        social.translate(fields, FILE)
    return caught.value


class TestAPreventionRecord:
    def test_becomes_a_prevention_activity_with_its_district_resolved_through_the_gazetteer(self):
        schema, record, notes = mapped(native(0))
        assert schema == "sanpalang.social.PreventionActivity"
        assert (record["activity_kind"], record["district"], record["audience"], record["people_reached"]) == \
            ("Outreach", "5709", "MigrantWorkers", 46)
        assert record["languages"] == ["tha", "mya"] and record["organiser"] == "พมจ.เชียงราย"
        assert notes == ()

    def test_is_held_on_its_thai_day_and_happens_at_its_start_in_bangkok(self):
        _, record, _ = mapped(native(0))
        assert record["held_on"] == date(2025, 3, 4)
        assert record["envelope"]["occurred_at"] == datetime(2025, 3, 3, 17, 0, tzinfo=timezone.utc)

    def test_names_no_person_and_no_organisation(self):
        _, record, _ = mapped({**native(0), "person": {"name": "Aye Aye Khaing"}})
        assert record["envelope"]["persons"] == [] and record["envelope"]["organisations"] == []

    def test_reads_english_district_names_and_thai_digits_in_the_count(self):
        assert mapped(native(1))[1]["district"] == "5708"
        assert mapped(native(2))[1]["people_reached"] == 1200

    def test_without_a_district_is_province_wide(self):
        assert mapped(native(2))[1]["district"] is None

    def test_of_an_unknown_kind_or_audience_is_other_with_a_note(self):
        _, record, notes = mapped({**native(0), "activity": "คาราวาน", "audience": "ผู้ปกครอง"})
        assert (record["activity_kind"], record["audience"]) == ("Other", "Other")
        assert any("คาราวาน" in n for n in notes) and any("ผู้ปกครอง" in n for n in notes)

    def test_drops_an_unknown_language_with_a_note(self):
        _, record, notes = mapped({**native(0), "languages": "ไทย; ภาษาดาวอังคาร"})
        assert record["languages"] == ["tha"] and any("ภาษาดาวอังคาร" in n for n in notes)


class TestARefusedPreventionRecord:
    def test_names_a_district_the_gazetteer_does_not_know(self):
        error = refused({**native(0), "district": "อ.ไม่มีจริง"})
        assert error.code == "invalid-record" and "district 'อ.ไม่มีจริง'" in str(error)

    def test_names_a_district_of_another_province(self):
        assert "not of Chiang Rai" in str(refused({**native(0), "district": "แม่สอด"}))

    def test_names_every_missing_field_it_needs(self):
        fields = {k: v for k, v in native(0).items() if k not in ("held_on", "activity", "audience", "people_reached")}
        text = str(refused(fields))
        for key in ("held_on: missing", "activity: missing", "audience: missing", "people_reached: missing"):
            assert key in text

    @pytest.mark.parametrize("count", ["about forty", "-3", 4.5])
    def test_names_a_count_that_is_no_whole_number(self, count):
        assert "people_reached" in str(refused({**native(0), "people_reached": count}))
