"""The team lead's desk in the console (issue 13 item 2), without a broker: who may assign an owner,
record a status decision and close a case, what goes to operator.actions.v1 (a recording sink
here), what the audit log keeps, and what the pages show. The browser test walks it on a real
broker and worker (`test_team_lead_day`)."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from console import accounts, auditlog
from console.roles import Role
from console.server import open_hub
from streams.views import ViewSink
from tests.integration.console.conftest import Browserless, csrf_token, sign_in
from tests.integration.console.world import CASE_10, CASE_57, NOW, PASSWORD, VICTIM, case_view

DESK_USERS = {  # name: (role, provinces, agency)
    "lead57": (Role.TEAM_LEAD, frozenset({"TH-57"}), "social"),
    "lead10": (Role.TEAM_LEAD, frozenset({"TH-10"}), "social"),
    "officer57": (Role.PROVINCIAL, frozenset({"TH-57"}), "social"),
    "police57": (Role.PROVINCIAL, frozenset({"TH-57"}), "police"),
    "liaison.bkk.police": (Role.LIAISON, frozenset({"TH-10"}), "police"),
}
CLOSED_57 = "case_57_closed"


@pytest.fixture(scope="module")
def desk(world):
    """The world's users and these, with their API tokens; and a closed case of TH-57."""
    hub = open_hub(world.url)
    tokens = dict(world.tokens)
    with hub.writer.begin() as conn:
        for name, (role, provinces, agency) in DESK_USERS.items():
            accounts.add_user(conn, name, role, PASSWORD, provinces=provinces, agency=agency, at=NOW - timedelta(days=1))
            tokens[name] = accounts.issue_token(conn, name, at=NOW - timedelta(days=1)).token
    hub.reader.dispose()
    hub.writer.dispose()
    closed = copy.deepcopy(case_view(CLOSED_57, "TH-57"))
    closed.update(case_number="TH57-2568-0099", status="Closed", closed_by="lead57", closed_at=NOW)
    with ViewSink(world.url) as sink:
        sink.apply_case(closed)
    return tokens


def _act(client, desk, who, verb, case_id=CASE_57, **body):
    return client.request("POST", f"/api/cases/{case_id}/desk/{verb}", token=desk[who], json_body=body)


def _audit(url, target):
    hub = open_hub(url)
    try:
        with hub.writer.connect() as conn:
            return auditlog.read_page(conn, before=None, limit=50, target=target)
    finally:
        hub.reader.dispose()
        hub.writer.dispose()


class TestTheTeamLeadActsThroughTheApi:
    def test_assigning_a_psdhs_officer_goes_on_the_bus_and_into_the_audit_log(self, client, server, desk, world):
        reply = _act(client, desk, "lead57", "assign", owner="officer57")
        assert reply.status == 202, reply.text
        sent = next(a for a in server.sink.sent if a["action_id"] == reply.json()["action_id"])
        assert (sent["kind"], sent["case_id"], sent["owner"], sent["owner_agency"], sent["owner_provinces"]) == \
            ("AssignOwner", CASE_57, "officer57", "social", ["TH-57"])
        assert (sent["role"], sent["agency"], sent["provinces"], sent["province"]) == ("team_lead", "social", ["TH-57"], "TH-57")
        entry = next(e for e in _audit(world.url, CASE_57) if e.action == "case.assign_owner")
        assert entry.actor == "lead57" and entry.province == "TH-57" and "officer57" in entry.detail

    def test_the_mdt_decision_is_sent_with_the_person_status_and_basis(self, client, server, desk, world):
        reply = _act(client, desk, "lead57", "decide", person_id=VICTIM, trafficking_status="ActualVictimOfTrafficking",
                     basis="NonPoliceGovernmentalOrganization", note="MDT meeting 3/2568")
        assert reply.status == 202, reply.text
        sent = server.sink.sent[-1]
        assert (sent["kind"], sent["person_id"], sent["trafficking_status"], sent["status_basis"], sent["note"]) == \
            ("DecideStatus", VICTIM, "ActualVictimOfTrafficking", "NonPoliceGovernmentalOrganization", "MDT meeting 3/2568")
        assert any(e.action == "case.decide_status" for e in _audit(world.url, CASE_57))

    @pytest.mark.parametrize("owner", ["police57", "prov57", "lead10", "nobody"])
    def test_only_a_psdhs_officer_of_the_lead_province_may_own_the_case(self, client, desk, owner):
        assert _act(client, desk, "lead57", "assign", owner=owner).status == 400

    @pytest.mark.parametrize("body", [{"person_id": "prs_not_in_case", "trafficking_status": "ActualVictimOfTrafficking",
                                       "basis": "CourtOrProsecution"},
                                      {"person_id": "prs_91b0d3aa05", "trafficking_status": "NotAVictimOfTrafficking",
                                       "basis": "CourtOrProsecution"},    # the example case's suspect
                                      {"person_id": VICTIM, "trafficking_status": "Unknown", "basis": "CourtOrProsecution"},
                                      {"person_id": VICTIM, "trafficking_status": "ActualVictimOfTrafficking", "basis": "Rumour"}])
    def test_a_decision_that_does_not_fit_is_refused(self, client, desk, body):
        assert _act(client, desk, "lead57", "decide", **body).status == 400

    @pytest.mark.parametrize("who, status", [("prov57", 403), ("officer57", 403), ("nat", 403), ("liaison.police", 403),
                                             ("auditor", 403), ("lead10", 404)])
    def test_nobody_else_decides_and_another_provinces_team_lead_does_not_find_the_case(self, client, desk, who, status):
        assert _act(client, desk, who, "close").status == status

    def test_a_closed_case_takes_no_more_decisions(self, client, desk):
        assert _act(client, desk, "lead57", "assign", case_id=CLOSED_57, owner="officer57").status == 409

    def test_an_unknown_verb_is_a_400(self, client, desk):
        assert _act(client, desk, "lead57", "reopen").status == 400


class TestLiaisonsAreScopedToProvinces:
    def test_a_liaison_reads_their_agencys_referrals_in_their_provinces_only(self, client, desk):
        ours = client.request("GET", "/api/referrals", token=desk["liaison.police"]).json()["items"]
        theirs = client.request("GET", "/api/referrals", token=desk["liaison.bkk.police"]).json()["items"]
        assert [r["referral_id"] for r in ours] == ["ref_57_police"] and theirs == []


class TestThePages:
    def test_the_team_lead_gets_the_desk_forms_with_the_psdhs_officers_to_choose_from(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "lead57")
        page = client.request("GET", f"/cases/{CASE_57}").text
        assert 'id="desk-assign"' in page and 'id="desk-decide"' in page and 'id="desk-close"' in page
        assert '<option value="officer57">' in page and '<option value="lead57">' in page
        assert '<option value="police57">' not in page
        assert f'<option value="{VICTIM}">' in page and '<option value="prs_91b0d3aa05">' not in page   # no suspect

    def test_a_provincial_operator_sees_the_desk_but_no_form(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "prov57")
        page = client.request("GET", f"/cases/{CASE_57}").text
        assert 'id="desk"' in page and 'id="desk-assign"' not in page

    def test_the_form_sends_the_decision_and_returns_to_the_case(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "lead57")
        page = client.request("GET", f"/cases/{CASE_57}").text
        reply = client.request("POST", f"/cases/{CASE_57}/desk", form={
            "csrf_token": csrf_token(page), "verb": "decide", "person_id": VICTIM,
            "trafficking_status": "PossibleVictimOfTrafficking", "basis": "NonPoliceGovernmentalOrganization"})
        assert reply.status == 303 and reply.headers["Location"] == f"/cases/{CASE_57}?desk=1"
        assert server.sink.sent[-1]["kind"] == "DecideStatus"

    def test_the_form_without_its_csrf_value_is_refused(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "lead57")
        reply = client.request("POST", f"/cases/{CASE_57}/desk", form={"verb": "close"})
        assert reply.status == 403

    def test_another_provinces_team_lead_gets_a_404_page(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "lead10")
        page = client.request("GET", f"/cases/{CASE_10}").text
        reply = client.request("POST", f"/cases/{CASE_57}/desk", form={"csrf_token": csrf_token(page), "verb": "close"})
        assert reply.status == 404

    def test_the_board_heads_a_cases_alerts_with_its_number_and_owner(self, server, desk):
        client = Browserless(server.url)
        sign_in(client, "prov57")
        board = client.request("GET", "/").text
        assert "TH57-2568-0001" in board and f'>{CASE_57}</code>' not in board
