"""The `prevention` table: prevention activities from the social intake, one row per activity,
read per province (issue 13 item 4)."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest

import schemas
from streams.views import ALL_PROVINCES, CASE_VIEW, make_engine
from streams.views.prevention import PREVENTION, open_cases_by_stage, prevention_activities


def activity(record_id="PV-57-2568-0107", province="TH-57", district="5709", reached=46,
             recorded=datetime(2025, 3, 5, 4, tzinfo=timezone.utc), held=date(2025, 3, 4)):
    record = copy.deepcopy(schemas.default_registry.example(PREVENTION))
    record["envelope"]["source"]["record_id"] = record_id
    record["envelope"]["province"], record["envelope"]["recorded_at"] = province, recorded
    record["envelope"]["occurred_at"] = datetime(held.year, held.month, held.day, tzinfo=timezone.utc)
    record.update(district=district, people_reached=reached, held_on=held)
    return schemas.decode(schemas.encode(PREVENTION, record))[1]


def read(sink, provinces, **options):
    with make_engine(sink.url).connect() as conn:
        return prevention_activities(conn, provinces, **options)


class TestThePreventionTable:
    def test_stores_an_activity_once_however_often_it_arrives(self, sink):
        assert sink.apply_many([(PREVENTION, activity())]).prevention == 1
        assert sink.apply_many([(PREVENTION, activity())]).prevention == 0
        (row,) = read(sink, ALL_PROVINCES)
        assert (row["district"], row["held_on"], row["people_reached"], row["audience"]) == \
            ("5709", date(2025, 3, 4), 46, "MigrantWorkers")

    def test_a_later_version_replaces_the_count_and_an_older_one_changes_nothing(self, sink):
        later = datetime(2025, 3, 6, tzinfo=timezone.utc)
        sink.apply_many([(PREVENTION, activity(reached=52, recorded=later))])
        assert sink.apply_many([(PREVENTION, activity(reached=46))]).prevention == 0
        assert [r["people_reached"] for r in read(sink, ALL_PROVINCES)] == [52]

    def test_a_provincial_reader_sees_its_province_only_latest_first(self, sink):
        sink.apply_many([(PREVENTION, activity()), (PREVENTION, activity("PV-63-1", "TH-63", "6306")),
                         (PREVENTION, activity("PV-57-2", held=date(2025, 3, 9)))])
        assert [r["source_key"] for r in read(sink, {"TH-57"})] == ["MSDHS-CMS:PV-57-2", "MSDHS-CMS:PV-57-2568-0107"]
        assert read(sink, set()) == []
        assert len(read(sink, ALL_PROVINCES, province="TH-63")) == 1
        assert [r["held_on"] for r in read(sink, {"TH-57"}, since=date(2025, 3, 5))] == [date(2025, 3, 9)]

    def test_a_bare_string_of_provinces_is_refused(self, sink):
        with pytest.raises(TypeError):
            read(sink, "TH-57")


def case(case_id, lead, stage="Protection", status="Active", merged_into=None, touches=()):
    record = copy.deepcopy(schemas.default_registry.example(CASE_VIEW))
    record.update(case_id=case_id, lead_province=lead, provinces=[lead, *touches], stage=stage, status=status,
                  merged_into=merged_into, case_number=None)
    for entry in record["timeline"]:
        entry["event_id"] = f"{case_id}:{entry['event_id']}"
    return schemas.decode(schemas.encode(CASE_VIEW, record))[1]


class TestOpenCasesByStage:
    def test_counts_the_open_cases_leading_in_or_touching_the_province_per_stage(self, sink):
        sink.apply_many([(CASE_VIEW, case("c1", "TH-57")), (CASE_VIEW, case("c2", "TH-57", "Screening")),
                         (CASE_VIEW, case("c3", "TH-10", "Screening", touches=("TH-57",))),
                         (CASE_VIEW, case("c4", "TH-57", "Closed", "Closed")),
                         (CASE_VIEW, case("c5", "TH-57", merged_into="c1")),
                         (CASE_VIEW, case("c6", "TH-63"))])
        with make_engine(sink.url).connect() as conn:
            assert open_cases_by_stage(conn, {"TH-57"}) == {"Protection": 1, "Screening": 2}
            assert open_cases_by_stage(conn, ALL_PROVINCES) == {"Protection": 2, "Screening": 2}
            assert open_cases_by_stage(conn, set()) == {}
