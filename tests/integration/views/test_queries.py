"""What the console reads: cases, the alert board, possible links and referrals, by province."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.views import (ALERT, ALL_PROVINCES, CASE_VIEW, PERSON_LINK, REFERRAL, case_detail, count_cases,
                           open_alerts, possible_links, review_link, search_cases, search_referrals)
from tests.integration.views.records import alert, case_view, link, referral

CHIANG_RAI, BANGKOK, CHIANG_MAI, SONGKHLA = "TH-57", "TH-10", "TH-50", "TH-90"


@pytest.fixture
def hub(sink):
    """Four cases: Chiang Rai (touching Bangkok), Bangkok, Chiang Mai (merged into Bangkok's), Songkhla
    (police only, Identified); alerts and possible links on them; referrals."""
    raised = alert()["raised_at"]
    sink.apply_many([
        (CASE_VIEW, case_view("cr", province=CHIANG_RAI, provinces=[CHIANG_RAI, BANGKOK], minutes=30)),
        (CASE_VIEW, case_view("bkk", province=BANGKOK, minutes=20)),
        (CASE_VIEW, case_view("cm", province=CHIANG_MAI, minutes=10, merged_into="bkk")),
        (CASE_VIEW, case_view("sk", province=SONGKHLA, stage="Identified", agency_case_refs=[],
                              timeline=case_view("sk")["timeline"][:1], opened_at=raised + timedelta(days=30),
                              updated_at=raised + timedelta(days=31))),
        (ALERT, alert("a-cr-warn", province=CHIANG_RAI, case_id="cr", due_at=raised + timedelta(hours=1))),
        (ALERT, alert("a-cr-crit-late", province=CHIANG_RAI, case_id="cr", severity="Critical",
                      due_at=raised + timedelta(hours=9))),
        (ALERT, alert("a-cr-crit-soon", province=CHIANG_RAI, case_id="cr", severity="Critical",
                      due_at=raised + timedelta(hours=2))),
        (ALERT, alert("a-cr-info-none", province=CHIANG_RAI, case_id="cr", severity="Info", due_at=None)),
        (ALERT, alert("a-cr-resolved", province=CHIANG_RAI, case_id="cr", state="Resolved",
                      resolved_at=raised + timedelta(hours=1))),
        (ALERT, alert("a-bkk", province=BANGKOK, case_id="bkk")),
        (PERSON_LINK, link(case_view("cr")["timeline"][0]["event_id"])),
        (PERSON_LINK, link(case_view("bkk")["timeline"][0]["event_id"])),
        (PERSON_LINK, link(case_view("bkk")["timeline"][1]["event_id"], decision="Linked")),
        (REFERRAL, referral("r-cr", province=CHIANG_RAI, case_id="cr")),
        (REFERRAL, referral("r-bkk", province=BANGKOK, case_id="bkk", to_agency="police")),
    ])
    with sink.engine.connect() as conn:
        yield conn


def ids(rows, key="case_id"):
    return [r[key] for r in rows]


class TestQueries:
    def test_a_provincial_operator_sees_only_their_provinces(self, hub):
        assert ids(search_cases(hub, {CHIANG_RAI})) == ["cr"]
        assert ids(search_cases(hub, {BANGKOK})) == ["cr", "bkk"]            # Chiang Rai's case touches Bangkok
        assert {a["province"] for a in open_alerts(hub, {BANGKOK})} == {BANGKOK}
        assert [link["case_ids"] for link in possible_links(hub, {CHIANG_RAI})] == [["cr"]]
        assert ids(search_referrals(hub, {BANGKOK}), "referral_id") == ["r-bkk"]

    def test_case_detail_of_another_province_is_none(self, hub):
        assert case_detail(hub, "bkk", {CHIANG_RAI}) is None
        assert case_detail(hub, "bkk", {BANGKOK})["case_id"] == "bkk"

    def test_case_detail_shows_the_case_alerts_in_the_callers_provinces(self, hub):
        assert ids(case_detail(hub, "cr", {CHIANG_RAI})["alerts"], "alert_id")[0] == "a-cr-crit-soon"
        assert case_detail(hub, "cr", {BANGKOK})["alerts"] == []

    def test_the_province_filter_is_never_optional(self, hub):
        for wrong in (None, CHIANG_RAI):
            with pytest.raises(TypeError, match="ALL_PROVINCES"):
                search_cases(hub, wrong)
        assert search_cases(hub, set()) == [] and open_alerts(hub, set()) == []
        assert ids(search_cases(hub, ALL_PROVINCES)) == ["sk", "cr", "bkk"]

    def test_cases_are_found_by_stage_agency_and_date(self, hub):
        everywhere = ALL_PROVINCES
        assert ids(search_cases(hub, everywhere, stage="Identified")) == ["sk"]
        assert ids(search_cases(hub, everywhere, agency="social")) == ["cr", "bkk"]
        late = case_detail(hub, "sk", everywhere)["opened_at"]
        assert ids(search_cases(hub, everywhere, since=late)) == ["sk"]
        assert ids(search_cases(hub, everywhere, until=late)) == ["cr", "bkk"]
        assert count_cases(hub, everywhere, agency="social") == 2

    def test_merged_cases_are_left_out_unless_asked_for(self, hub):
        assert "cm" not in ids(search_cases(hub, {CHIANG_MAI}, include_merged=False))
        assert ids(search_cases(hub, {CHIANG_MAI}, include_merged=True)) == ["cm"]
        assert case_detail(hub, "cm", {CHIANG_MAI})["merged_into"] == "bkk"

    def test_search_pages_through_the_cases(self, hub):
        pages = [ids(search_cases(hub, ALL_PROVINCES, limit=2, offset=offset)) for offset in (0, 2)]
        assert pages == [["sk", "cr"], ["bkk"]]

    def test_the_alert_board_puts_the_most_severe_first_then_the_nearest_deadline(self, hub):
        assert ids(open_alerts(hub, {CHIANG_RAI}), "alert_id") == [
            "a-cr-crit-soon", "a-cr-crit-late", "a-cr-warn", "a-cr-info-none"]

    def test_possible_links_await_review_until_an_operator_decides(self, hub):
        (waiting,) = possible_links(hub, {CHIANG_RAI})
        assert not review_link(hub, waiting["source_key"], {SONGKHLA}, by="somchai", at=waiting["decided_at"],
                               verdict="confirmed")
        assert review_link(hub, waiting["source_key"], {CHIANG_RAI}, by="somchai", at=waiting["decided_at"],
                           verdict="rejected")
        assert possible_links(hub, {CHIANG_RAI}) == []
        assert len(possible_links(hub, ALL_PROVINCES)) == 1

    def test_an_agency_liaison_sees_its_agencys_referrals(self, hub):
        assert ids(search_referrals(hub, ALL_PROVINCES, to_agency="police"), "referral_id") == ["r-bkk"]


@pytest.fixture
def numbered(sink):
    """Chiang Rai's cases 0041 and 0042 of B.E. 2568, 0007 merged into 0042; Songkhla's 0042."""
    sink.apply_many([
        (CASE_VIEW, case_view("cr41", province=CHIANG_RAI, case_number="TH57-2568-0041", minutes=1)),
        (CASE_VIEW, case_view("cr42", province=CHIANG_RAI, case_number="TH57-2568-0042",
                              absorbed_case_numbers=["TH57-2568-0007"], minutes=2)),
        (CASE_VIEW, case_view("cr07", province=CHIANG_RAI, case_number="TH57-2568-0007", merged_into="cr42")),
        (CASE_VIEW, case_view("sk42", province=SONGKHLA, case_number="TH90-2568-0042", minutes=3)),
    ])
    with sink.engine.connect() as conn:
        yield conn


class TestFindingACaseByItsNumber:
    def test_a_number_as_people_write_it_finds_its_case(self, numbered):
        assert ids(search_cases(numbered, ALL_PROVINCES, number="th57-2568-42")) == ["cr42"]
        assert count_cases(numbered, ALL_PROVINCES, number="57/2568/0042") == 1

    def test_the_start_of_a_number_lists_a_provinces_year(self, numbered):
        assert ids(search_cases(numbered, ALL_PROVINCES, number="TH57-2568")) == ["cr42", "cr41", "cr07"]

    def test_an_absorbed_number_finds_the_merged_case_which_names_the_survivor(self, numbered):
        (found,) = search_cases(numbered, ALL_PROVINCES, number="TH57-2568-0007")
        assert found["merged_into"] == "cr42"
        detail = case_detail(numbered, "cr42", ALL_PROVINCES)
        assert (detail["case_number"], detail["absorbed_case_numbers"]) == ("TH57-2568-0042", ["TH57-2568-0007"])

    def test_a_number_of_another_province_stays_out_of_reach(self, numbered):
        assert search_cases(numbered, {CHIANG_RAI}, number="TH90-2568-0042") == []

    def test_wildcards_in_a_number_are_taken_literally(self, numbered):
        assert search_cases(numbered, ALL_PROVINCES, number="TH5_%") == []
