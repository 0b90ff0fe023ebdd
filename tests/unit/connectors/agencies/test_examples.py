"""Every example native record of every agency maps to valid events, and together they cover the
whole contract: every event type of every agency namespace."""

import pytest

import schemas
from connectors.agencies import AGENCIES, mapper_for, translate
from connectors.routing import route

from .examples import RECEIVED_AT, records

CASES = [(agency, record) for agency in AGENCIES for record in records(agency)]
IDS = [f"{agency}:{record.origin.location}" for agency, record in CASES]


class TestExampleRecords:
    @pytest.mark.parametrize(("agency", "record"), CASES, ids=IDS)
    def test_maps_to_events_the_codec_accepts_and_decodes_back_equal(self, agency, record):
        events = mapper_for(agency)(record.fields, record.origin)
        assert len(events) == 1
        for event in events:
            assert event.schema.startswith(f"sanpalang.{agency}.")
            name, decoded = schemas.decode(schemas.encode(event.schema, event.record))
            assert name == event.schema
            assert decoded == event.record

    @pytest.mark.parametrize(("agency", "record"), CASES, ids=IDS)
    def test_routes_to_intake_only(self, agency, record):
        publications = route(agency, record, mapper_for(agency), RECEIVED_AT)
        assert publications and all(p.topic == f"intake.{agency}.v1" and not p.dead_letter for p in publications)

    @pytest.mark.parametrize(("agency", "record"), CASES, ids=IDS)
    def test_leave_nothing_out(self, agency, record):
        """The examples are realistic but clean: apart from unknown partner agencies, nothing is dropped."""
        notes = translate(agency, record.fields, record.origin).notes
        assert all("not an agency of the hub" in note for note in notes), notes

    @pytest.mark.parametrize("agency", AGENCIES)
    def test_cover_every_event_type_of_the_agency(self, agency):
        mapped = {mapper_for(agency)(r.fields, r.origin)[0].schema for r in records(agency)}
        assert mapped == set(schemas.names_in_namespace(f"sanpalang.{agency}"))

    @pytest.mark.parametrize("agency", AGENCIES)
    def test_have_distinct_event_ids(self, agency):
        ids = [mapper_for(agency)(r.fields, r.origin)[0].event_id for r in records(agency)]
        assert len(ids) == len(set(ids))

    def test_every_event_time_is_utc_and_whole_milliseconds(self):
        for agency, record in CASES:
            envelope = mapper_for(agency)(record.fields, record.origin)[0].record["envelope"]
            for moment in (envelope["occurred_at"], envelope["recorded_at"]):
                assert moment.utcoffset().total_seconds() == 0 and moment.microsecond % 1000 == 0
