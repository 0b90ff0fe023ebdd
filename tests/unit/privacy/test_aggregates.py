"""CTDC-style aggregates: k-anonymous tables of victims from case views."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

import schemas
from streams.aggregates import (K, TABLES, AggregateCounts, Counted, PersonDetails, age_band, age_band_of_dob, aggregate_case_views,
                                changed_tables, counted_persons, tabulate)

AT = datetime(2025, 3, 31, 12, 0, tzinfo=timezone.utc)


def view(case_id: str, *persons: dict, province: str = "TH-57", opened_at: datetime = AT, merged_into=None) -> dict:
    record = schemas.example("sanpalang.hub.CaseView")
    record.update(case_id=case_id, lead_province=province, opened_at=opened_at, updated_at=opened_at,
                  merged_into=merged_into, persons=list(persons))
    return record


def victim(pid: str, nationality: str = "MMR", status: str | None = "ActualVictimOfTrafficking",
           roles=("Victim",), is_minor: bool | None = False) -> dict:
    return {"person_id": pid, "roles": list(roles), "trafficking_status": status, "is_minor": is_minor,
            "nationality": nationality}


def rows(n: int, **values) -> list[Counted]:
    base = dict(province="TH-57", year="2025", stage="Protection", trafficking_status="ActualVictimOfTrafficking",
                nationality="MMR", sex="Female", age_band="18-20")
    return [Counted(**{**base, **values})] * n


class TestAgeBands:
    @pytest.mark.parametrize("age, band", [(0, "0-8"), (8, "0-8"), (9, "9-17"), (17, "9-17"), (18, "18-20"),
                                           (29, "27-29"), (30, "30-38"), (47, "39-47"), (48, "48+"), (90, "48+"),
                                           (None, "Unknown")])
    def test_follow_the_ctdc_bands(self, age, band):
        assert age_band(age) == band

    def test_a_date_of_birth_range_inside_one_band_gives_that_band(self):
        assert age_band_of_dob(date(1996, 6, 1), date(1996, 12, 31), date(2025, 3, 1)) == "27-29"
        assert age_band_of_dob(date(1996, 6, 1), date(1996, 6, 1), date(2025, 3, 1)) == "27-29"

    def test_a_range_across_bands_falls_back_to_minor_or_adult(self):
        assert age_band_of_dob(date(2000, 1, 1), date(2005, 12, 31), date(2025, 3, 1)) == "18+"
        assert age_band_of_dob(date(2010, 1, 1), date(2018, 12, 31), date(2025, 3, 1)) == "0-17"
        assert age_band_of_dob(date(2000, 1, 1), date(2010, 1, 1), date(2025, 3, 1)) == "Unknown"


class TestCountedPersons:
    def test_counts_screened_and_unscreened_victims_but_not_suspects_or_non_victims(self):
        record = view("c1", victim("p1"), victim("p2", status=None, roles=("PotentialVictim",)),
                      victim("p3", status=None, roles=("Suspect",)), victim("p4", status="NotAVictimOfTrafficking"))
        assert [c.trafficking_status for c in counted_persons(record)] == ["ActualVictimOfTrafficking", "NotScreened"]

    def test_a_merged_case_counts_nobody_its_survivor_does(self):
        assert counted_persons(view("c1", victim("p1"), merged_into="c0")) == []

    def test_the_year_is_the_thai_calendar_year_the_case_opened(self):
        new_year_eve_utc = datetime(2024, 12, 31, 18, 0, tzinfo=timezone.utc)  # 01:00 on 1 January in Bangkok
        assert counted_persons(view("c1", victim("p1"), opened_at=new_year_eve_utc))[0].year == "2025"

    def test_without_details_sex_is_unknown_and_age_is_minor_or_adult(self):
        (minor,) = counted_persons(view("c1", victim("p1", is_minor=True)))
        assert (minor.sex, minor.age_band) == ("Unknown", "0-17")

    def test_details_from_the_worker_add_sex_and_age_band(self):
        (person,) = counted_persons(view("c1", victim("p1")), {"p1": PersonDetails("Female", "21-23")})
        assert (person.sex, person.age_band) == ("Female", "21-23")


class TestTabulate:
    def test_every_cell_has_at_least_k_persons(self):
        table = tabulate(rows(30) + rows(12, nationality="KHM") + rows(4, nationality="LAO") + rows(9, nationality="THA"),
                         ["nationality"], computed_at=AT)
        assert all(cell["count"] >= K for cell in table["cells"])
        assert table["total"] == 55

    def test_cells_under_k_are_merged_into_one_starred_cell(self):
        table = tabulate(rows(30) + rows(6, nationality="LAO") + rows(7, nationality="THA"), ["nationality"], computed_at=AT)
        assert table["cells"] == [{"values": ["MMR"], "count": 30, "merged": False},
                                  {"values": ["*"], "count": 13, "merged": True}]
        assert table["merged_cells"] == 2

    def test_a_merged_cell_under_k_takes_in_the_next_smallest_cell_so_differencing_isolates_no_one(self):
        table = tabulate(rows(30) + rows(12, nationality="KHM") + rows(3, nationality="LAO"), ["nationality"], computed_at=AT)
        assert table["cells"] == [{"values": ["MMR"], "count": 30, "merged": False},
                                  {"values": ["*"], "count": 15, "merged": True}]
        assert table["merged_cells"] == 2

    def test_a_table_of_fewer_than_k_persons_publishes_nothing(self):
        table = tabulate(rows(10), ["province"], computed_at=AT)
        assert (table["total"], table["cells"]) == (None, [])

    def test_cells_list_the_largest_first(self):
        table = tabulate(rows(11, sex="Male") + rows(20), ["sex"], computed_at=AT)
        assert [c["values"] for c in table["cells"]] == [["Female"], ["Male"]]

    def test_refuses_an_unknown_dimension_or_a_k_that_protects_nobody(self):
        with pytest.raises(ValueError, match="unknown dimension"):
            tabulate(rows(20), ["name"], computed_at=AT)
        with pytest.raises(ValueError, match="k must be"):
            tabulate(rows(20), ["sex"], computed_at=AT, k=1)


class TestAggregateCaseViews:
    def views(self) -> list[dict]:
        provinces = ["TH-57"] * 14 + ["TH-10"] * 4 + ["TH-50"] * 8
        return [view(f"c{i}", victim(f"p{i}"), province=p) for i, p in enumerate(provinces)]

    def test_gives_one_encodable_aggregate_record_per_table(self):
        tables = aggregate_case_views(self.views())
        assert [t["table_id"] for t in tables] == [f"victims/{'+'.join(d)}" for d in TABLES]
        for table in tables:
            name, decoded = schemas.decode(schemas.encode("sanpalang.hub.Aggregate", table))
            assert decoded["table_id"] == table["table_id"]

    def test_counts_the_latest_view_of_each_case_once(self):
        later = view("c0", victim("p0"), victim("p0b"), province="TH-57")
        by_province = aggregate_case_views([*self.views(), later], tables=[("province",)])[0]
        assert by_province["total"] == 27
        assert by_province["cells"] == [{"values": ["TH-57"], "count": 15, "merged": False},
                                        {"values": ["*"], "count": 12, "merged": True}]

    def test_a_lone_small_cell_pulls_the_other_into_the_merged_cell_as_the_total_would_betray_it(self):
        views = [view(f"c{i}", victim(f"p{i}"), province="TH-57" if i < 15 else "TH-10") for i in range(21)]
        by_province = aggregate_case_views(views, tables=[("province",)])[0]
        assert by_province["cells"] == [{"values": ["*"], "count": 21, "merged": True}]

    def test_is_stamped_with_the_newest_view_so_a_replay_publishes_the_same(self):
        assert aggregate_case_views(self.views()) == aggregate_case_views(self.views())
        assert aggregate_case_views(self.views())[0]["computed_at"] == AT


class TestAggregateCounts:
    def test_kept_as_views_come_they_count_what_a_recount_of_the_latest_views_counts(self):
        views = TestAggregateCaseViews().views()
        later = [view("c0", victim("p0"), victim("p0b"), province="TH-57"),     # a second victim
                 view("c1", province="TH-57"),                                  # its victim gone
                 {**view("c2", victim("p2"), province="TH-57"), "merged_into": "c0"}]
        counts = AggregateCounts()
        for record in [*views, *later]:
            counts.add(record)
        assert counts.tables() == aggregate_case_views([*views, *later])
        assert counts.tables()[0]["total"] == 25

    def test_have_no_tables_before_a_first_view(self):
        with pytest.raises(ValueError, match="no case views yet"):
            AggregateCounts().tables()


class TestChangedTables:
    def test_only_tables_whose_cells_changed_are_published_again(self):
        first = aggregate_case_views(TestAggregateCaseViews().views())
        published = {t["table_id"]: t for t in first}
        again = [{**t, "computed_at": datetime(2025, 4, 1, tzinfo=timezone.utc)} for t in first]
        assert changed_tables(published, again) == []
        assert changed_tables({}, first) == first
