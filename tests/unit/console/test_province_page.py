"""The province page's HTML (issue 13 item 4): hotspots, prevention by district, open cases by
stage, in Thai (B.E. days, Thai district names) and English, everything escaped."""

from __future__ import annotations

from datetime import date, datetime, timezone

from console.province import ProvinceView, in_scope
from console.province_render import by_district, district_name, province_page
from console.roles import Principal, Role

NATIONAL = Principal("nat", Role.NATIONAL, frozenset())
PROV57 = Principal("prov57", Role.PROVINCIAL, frozenset({"TH-57"}))


def activity(district="5709", held=date(2025, 3, 4), reached=46, **changes):
    return {"source_key": f"MSDHS-CMS:PV-{district}-{held}", "event_id": "e", "province": "TH-57", "district": district,
            "held_on": held, "activity_kind": "Outreach", "audience": "MigrantWorkers", "people_reached": reached,
            "languages": ["tha", "mya"], "organiser": "พมจ.เชียงราย", "title": "ลงพื้นที่ตลาดแม่สาย", **changes}


def hotspot(**changes):
    return {"alert_id": "alr-8", "rule_number": 8, "rule_key": "multi-agency-hotspot", "severity": "Warning",
            "state": "Firing", "province": "TH-57", "case_id": "case-1", "subject": "org:1",
            "message": "Employer Golden Fish flagged by police, labour", "facts": {},
            "raised_at": datetime(2025, 3, 2, 20, tzinfo=timezone.utc), **changes}


VIEW = ProvinceView("TH-57", [hotspot()], [activity(), activity("5708", date(2025, 3, 9), 32, activity_kind="Training"),
                                          activity(None, date(2025, 3, 5), 1200, activity_kind="Campaign")],
                    {"Screening": 2, "Identified": 1})


class TestTheProvincePage:
    def test_in_thai_shows_b_e_days_thai_district_names_and_thai_labels(self):
        html = province_page(VIEW, principal=PROV57, lang="th", csrf="t")
        assert "4 มี.ค. 2568" in html and "แม่สาย" in html and "เชียงแสน" in html and "ทั้งจังหวัด" in html
        assert "ลงพื้นที่ให้ความรู้" in html and "แรงงานข้ามชาติ" in html and "จุดเสี่ยง" in html
        assert "คดีที่ยังไม่ปิดแยกตามขั้นตอน" in html and "คัดแยกผู้เสียหาย" in html and "<h1>จังหวัด เชียงราย</h1>" in html

    def test_in_english_shows_c_e_days_and_english_names(self):
        html = province_page(VIEW, principal=PROV57, lang="en", csrf="t")
        assert "4 Mar 2025" in html and "Mae Sai" in html and "Outreach" in html and "Migrant workers" in html
        assert "Province-wide" in html and "1,200" in html and "Burmese" in html

    def test_a_hotspot_is_shown_with_its_case_and_the_day_it_was_raised_in_thai_time(self):
        html = province_page(VIEW, principal=PROV57, lang="en", csrf="t")
        assert 'id="hotspots"' in html and 'href="/cases/case-1"' in html and "3 Mar 2025" in html

    def test_open_cases_link_to_the_search_of_that_stage_and_add_up(self):
        html = province_page(VIEW, principal=PROV57, lang="en", csrf="t")
        assert 'href="/cases?province=TH-57&amp;stage=Screening"' in html and "<td>Total</td><td>3</td>" in html

    def test_hotspots_without_prevention_are_pointed_out(self):
        bare = ProvinceView("TH-57", [hotspot()], [], {})
        assert 'id="no-prevention"' in province_page(bare, principal=PROV57, lang="en", csrf="t")
        assert 'id="no-prevention"' not in province_page(VIEW, principal=PROV57, lang="en", csrf="t")

    def test_what_an_agency_wrote_is_shown_not_run(self):
        hostile = ProvinceView("TH-57", [], [activity(organiser='<script>alert(1)</script>', title='<img src=x>')], {})
        html = province_page(hostile, principal=PROV57, lang="en", csrf="t")
        assert "<script>alert" not in html and "<img src=x>" not in html and "&lt;script&gt;" in html


class TestPreventionByDistrict:
    def test_adds_up_activities_and_people_per_district_most_reached_first(self):
        rows = by_district([activity(), activity(reached=4, held=date(2025, 3, 8)), activity("5708", reached=30)])
        assert rows == [("5709", 2, 50, date(2025, 3, 8)), ("5708", 1, 30, date(2025, 3, 4))]

    def test_names_a_district_the_gazetteer_lacks_by_its_code(self):
        assert district_name("9999", "th") == "9999" and district_name("6306", "en") == "Mae Sot"


class TestWhoMayOpenAProvince:
    def test_a_national_operator_any_a_provincial_one_their_own_and_nobody_an_unknown_code(self):
        assert in_scope(NATIONAL, "TH-63") and in_scope(PROV57, "TH-57")
        assert not in_scope(PROV57, "TH-63") and not in_scope(NATIONAL, "TH-99")
