"""The team lead's desk on the pages (issue 13 item 2): the board heads a case by its number and
owner, the case page shows the owner and the decisions, and only the team lead of the lead province
gets the forms (with the CSRF token), never on a closed case."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import schemas
from console.deskblock import desk_block
from console.render import board_page
from console.roles import Principal, Role

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)
LEAD57 = Principal("lead57", Role.TEAM_LEAD, frozenset({"TH-57"}), agency="social")
LEAD10 = Principal("lead10", Role.TEAM_LEAD, frozenset({"TH-10"}), agency="social")
PROV57 = Principal("prov57", Role.PROVINCIAL, frozenset({"TH-57"}))
VICTIM, SUSPECT = "prs_4f9a1c2e7b", "prs_91b0d3aa05"     # the example case's


def case(**changes) -> dict:
    record = copy.deepcopy(schemas.example("sanpalang.hub.CaseView"))
    record.update(lead_province="TH-57", **changes)
    return record


def alert(case_id: str) -> dict:
    return {"alert_id": f"a-{case_id}", "rule_number": 1, "rule_key": "custody-s29-deadline", "severity": "Critical",
            "state": "Firing", "province": "TH-57", "case_id": case_id, "message": "m", "raised_at": NOW, "due_at": None}


class TestTheBoard:
    def test_a_case_is_headed_by_its_number_and_owner(self):
        html = board_page([alert("c1")], principal=PROV57, lang="th", csrf="t", now=NOW,
                          heads={"c1": {"case_number": "TH57-2568-0001", "owner": "officer57"}})
        group = html.split('<tr class="group">')[1].split("</tr>")[0]
        assert "TH57-2568-0001" in group and "officer57" in group and "ผู้รับผิดชอบคดี" in group and ">c1<" not in group

    def test_a_case_the_views_do_not_have_yet_is_headed_by_its_id_and_nobody(self):
        html = board_page([alert("c1")], principal=PROV57, lang="en", csrf="t", now=NOW)
        group = html.split('<tr class="group">')[1].split("</tr>")[0]
        assert ">c1<" in group and "nobody yet" in group


class TestTheCasePage:
    def test_the_team_lead_of_the_lead_province_gets_the_forms_with_the_csrf_token(self):
        html = desk_block(case(), principal=LEAD57, lang="en", csrf="tok", candidates=["officer57"])
        assert html.count('name="csrf_token" value="tok"') == 3
        assert '<option value="officer57">' in html
        assert f'<option value="{VICTIM}">' in html and f'<option value="{SUSPECT}">' not in html

    def test_nobody_else_gets_a_form(self):
        for who in (LEAD10, PROV57):
            assert "<form" not in desk_block(case(), principal=who, lang="en", csrf="tok", candidates=["officer57"])

    def test_a_closed_case_shows_who_closed_it_and_takes_no_form(self):
        html = desk_block(case(closed_by="lead57", closed_at=NOW, status="Closed"), principal=LEAD57, lang="en",
                          csrf="tok", candidates=["officer57"])
        assert 'id="case-closed"' in html and "lead57" in html and "<form" not in html

    def test_a_decision_says_who_recorded_it_when_and_on_what_in_thai(self):
        decided = {"person_id": VICTIM, "trafficking_status": "ActualVictimOfTrafficking",
                   "basis": "NonPoliceGovernmentalOrganization", "decided_by": "lead57", "decided_at": NOW,
                   "note": "<b>MDT</b>"}
        html = desk_block(case(status_decisions=[decided]), principal=PROV57, lang="th", csrf="tok")
        table = html.split('<table id="status-decisions">')[1]
        assert "ผู้เสียหายจากการค้ามนุษย์" in table and "การคัดแยกของทีมสหวิชาชีพ" in table and "lead57" in table
        assert "2568" in table and "&lt;b&gt;MDT&lt;/b&gt;" in table
