"""The typed event: a decoded record read once, its times aware UTC, its persons and organisations
typed, its details read-only; it pickles (the correlator's waiting events go into snapshots)."""

import copy
import pickle
from datetime import date, datetime, timedelta, timezone

import pytest

import schemas
from streams.events import Event, EventPerson, as_date, as_utc

RESCUE = "sanpalang.police.RescueConducted"
BANGKOK = timezone(timedelta(hours=7))


def rescue(**envelope):
    record = copy.deepcopy(schemas.example(RESCUE))
    record["envelope"].update(envelope)
    return record


class TestReadingAnEvent:
    def test_it_reads_the_envelope_into_typed_fields(self):
        event = Event.of(RESCUE, rescue())
        assert (event.event_type, event.agency, event.province) == ("RescueConducted", "police", "TH-57")
        assert event.source.system == "THAICRIMES" and event.agency_case_ref == "ปคม.2/2568/0417"
        assert [p.ref for p in event.persons] == ["p1", "p2"] and event.organisations[0].kind == "Premises"

    def test_its_times_are_aware_utc_whatever_zone_or_millis_they_came_in(self):
        event = Event.of(RESCUE, rescue(occurred_at=datetime(2025, 3, 1, 9, 0, tzinfo=BANGKOK),
                                        recorded_at=1740801600000))
        assert event.occurred_at == datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
        assert event.occurred_at.tzinfo is timezone.utc and event.recorded_at.tzinfo is timezone.utc
        assert event.recorded_at == datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)

    def test_a_naive_time_is_refused(self):
        with pytest.raises(ValueError, match="naive"):
            Event.of(RESCUE, rescue(occurred_at=datetime(2025, 3, 1, 9, 0)))

    def test_the_details_are_the_rest_of_the_record_and_read_only(self):
        event = Event.of(RESCUE, rescue())
        assert "envelope" not in event.details and event.details["rescued_person_refs"] == ["p1"]
        with pytest.raises(TypeError):
            event.details["rescued_person_refs"] = []

    def test_the_event_itself_cannot_change(self):
        event = Event.of(RESCUE, rescue())
        with pytest.raises(AttributeError):
            event.province = "TH-10"

    def test_it_survives_a_pickle_as_it_was(self):
        event = Event.of(RESCUE, rescue())
        restored = pickle.loads(pickle.dumps(event))
        assert restored == event
        with pytest.raises(TypeError):
            restored.details["lead_unit"] = "another"


class TestReadingAPerson:
    def test_absent_optional_fields_take_the_schema_defaults(self):
        assert EventPerson.of({"person_ref": "p1"}) == EventPerson("p1", "Other", (), None, "Unknown", None, "Unknown")

    def test_only_full_names_and_identifiers_with_a_value_are_kept(self):
        person = EventPerson.of({"person_ref": "p1", "names": [{"full": "Aye Aye"}, {"full": ""}],
                                 "identifiers": [{"kind": "Passport", "value": "M1"}, {"kind": "Phone", "value": ""}]})
        assert person.names == ("Aye Aye",) and person.identifiers == (("Passport", "M1"),)


class TestDecodedValues:
    @pytest.mark.parametrize("value, expected", [
        (date(1980, 1, 1), date(1980, 1, 1)), (3652, date(1980, 1, 1)), ("1980-01-01", date(1980, 1, 1)),
        ("1980-01-01T23:30:00Z", date(1980, 1, 1)), ("", None), (None, None)])
    def test_a_date_arrives_as_a_date_days_since_1970_or_iso_text(self, value, expected):
        assert as_date(value) == expected

    def test_a_timestamp_arrives_as_an_aware_datetime_or_milliseconds(self):
        assert as_utc(0) == datetime(1970, 1, 1, tzinfo=timezone.utc)
