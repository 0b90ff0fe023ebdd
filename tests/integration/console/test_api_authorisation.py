"""Every API endpoint for every role: a table of (endpoint, caller) -> expected status.

401 without credentials, 403 when the role may not use the endpoint, 404 for anything outside a
provincial operator's provinces (the same answer as an unknown id: no hint that it exists). Calls
use bearer API tokens, as partner systems do; session calls are in test_console_sessions.py.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.console.world import ALERT_10, ALERT_57, CASE_10, CASE_57, link_key

ANON, NAT, PROV, LIAISON, AUDITOR = None, "nat", "prov57", "liaison.police", "auditor"
EVERYONE_SIGNED_IN = {NAT: 200, PROV: 200, LIAISON: 200, AUDITOR: 200, ANON: 401}
OPERATORS = {NAT: 200, PROV: 200, LIAISON: 403, AUDITOR: 403, ANON: 401}
NATIONAL_ONLY = {NAT: 200, PROV: 404, LIAISON: 403, AUDITOR: 403, ANON: 401}
AUDITORS = {NAT: 403, PROV: 403, LIAISON: 403, AUDITOR: 200, ANON: 401}
REFERRALS = {NAT: 200, PROV: 200, LIAISON: 200, AUDITOR: 403, ANON: 401}


def _review(case_id: str, ref: str, verb: str) -> str:
    return f"/api/persons-for-review/{quote(link_key(case_id, ref), safe='')}/{verb}"


TABLE: list[tuple[str, str, dict]] = [
    ("GET", "/api/me", EVERYONE_SIGNED_IN),
    ("GET", "/api/cases", OPERATORS),
    ("GET", "/api/cases?province=TH-10", OPERATORS),
    ("GET", f"/api/cases/{CASE_57}", OPERATORS),
    ("GET", f"/api/cases/{CASE_10}", NATIONAL_ONLY),
    ("GET", "/api/cases/no-such-case", {NAT: 404, PROV: 404, LIAISON: 403, AUDITOR: 403, ANON: 401}),
    ("GET", "/api/alerts", OPERATORS),
    ("GET", f"/api/alerts/{ALERT_57}", OPERATORS),
    ("GET", f"/api/alerts/{ALERT_10}", NATIONAL_ONLY),
    ("POST", f"/api/alerts/{ALERT_57}/escalate", {k: (202 if v == 200 else v) for k, v in OPERATORS.items()}),
    ("POST", f"/api/alerts/{ALERT_10}/escalate", {k: (202 if v == 200 else v) for k, v in NATIONAL_ONLY.items()}),
    ("POST", f"/api/alerts/{ALERT_57}/delete", {NAT: 400, PROV: 400, LIAISON: 403, AUDITOR: 403, ANON: 401}),
    ("GET", "/api/persons-for-review", OPERATORS),
    ("POST", _review(CASE_57, "p8", "confirm"), {ANON: 401, AUDITOR: 403, LIAISON: 403, PROV: 202}),
    ("POST", _review(CASE_57, "p9", "reject"), {NAT: 202}),
    ("POST", _review(CASE_10, "p8", "reject"), {PROV: 404, NAT: 202}),
    ("GET", "/api/referrals", REFERRALS),
    ("GET", "/api/audit", AUDITORS),
    ("GET", "/api/audit/verify", AUDITORS),
    ("GET", "/api/openapi.json", {NAT: 200, ANON: 200}),
]
CASES = [pytest.param(method, path, role, status, id=f"{method} {path} as {role or 'anonymous'}")
         for method, path, expected in TABLE for role, status in expected.items()]


@pytest.mark.parametrize("method, path, role, status", CASES)
def test_the_api_answers_each_role_as_the_table_says(client, world, method, path, role, status):
    reply = client.request(method, path, token=world.tokens[role] if role else None,
                           json_body={"note": "table"} if method == "POST" else None)
    assert reply.status == status, reply.text


class TestScopeInLists:
    def test_a_provincial_operator_lists_only_their_provinces_cases_and_alerts(self, client, world):
        token = world.tokens[PROV]
        assert [c["case_id"] for c in client.request("GET", "/api/cases", token=token).json()["items"]] == [CASE_57]
        assert {a["province"] for a in client.request("GET", "/api/alerts", token=token).json()["items"]} == {"TH-57"}

    def test_asking_for_another_province_by_filter_finds_nothing(self, client, world):
        reply = client.request("GET", "/api/cases?province=TH-10", token=world.tokens[PROV]).json()
        assert reply["items"] == [] and reply["total"] == 0

    def test_a_national_operator_lists_every_province(self, client, world):
        found = client.request("GET", "/api/cases", token=world.tokens[NAT]).json()["items"]
        assert {c["case_id"] for c in found} == {CASE_57, CASE_10}

    def test_a_liaison_sees_only_referrals_to_their_agency(self, client, world):
        found = client.request("GET", "/api/referrals", token=world.tokens[LIAISON]).json()["items"]
        assert [r["to_agency"] for r in found] == ["police"]

    def test_persons_for_review_are_those_of_the_callers_cases(self, client, world):
        found = client.request("GET", "/api/persons-for-review", token=world.tokens[PROV]).json()["items"]
        assert all(CASE_57 in link["case_ids"] for link in found)


class TestPagination:
    def test_a_cursor_walks_every_case_once(self, client, world):
        seen, cursor = [], None
        while True:
            path = "/api/cases?limit=1" + (f"&cursor={cursor}" if cursor else "")
            page = client.request("GET", path, token=world.tokens[NAT]).json()
            seen += [c["case_id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted({CASE_57, CASE_10}) and len(seen) == 2

    @pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "cursor=not-ours"])
    def test_bad_paging_is_a_400(self, client, world, query):
        assert client.request("GET", f"/api/cases?{query}", token=world.tokens[NAT]).status == 400


class TestTokens:
    def test_an_unknown_token_is_a_401(self, client):
        assert client.request("GET", "/api/me", token="spl_000000000000_" + "x" * 43).status == 401

    def test_a_token_of_the_right_id_and_wrong_secret_is_a_401(self, client, world):
        token_id = world.tokens[NAT].split("_")[1]
        assert client.request("GET", "/api/me", token=f"spl_{token_id}_{'y' * 43}").status == 401


class TestActionsReachTheBus:
    def test_an_acknowledgement_is_published_with_the_alerts_province_and_the_operator(self, client, world, server):
        before = len(server.sink.sent)
        reply = client.request("POST", f"/api/alerts/{ALERT_57}/acknowledge", token=world.tokens[PROV],
                               json_body={"note": "Called Mae Sai station"})
        assert reply.status == 202
        action = server.sink.sent[before]
        assert (action["kind"], action["alert_id"], action["province"], action["operator"], action["note"]) == \
            ("Acknowledge", ALERT_57, "TH-57", PROV, "Called Mae Sai station")

    def test_an_acknowledgement_shows_on_the_board(self, client, world):
        client.request("POST", f"/api/alerts/{ALERT_57}/acknowledge", token=world.tokens[PROV], json_body={})
        alerts = client.request("GET", "/api/alerts", token=world.tokens[PROV]).json()["items"]
        assert next(a for a in alerts if a["alert_id"] == ALERT_57)["acknowledged"] is True

    def test_a_refused_action_publishes_nothing(self, client, world, server):
        before = len(server.sink.sent)
        client.request("POST", f"/api/alerts/{ALERT_10}/resolve", token=world.tokens[PROV], json_body={})
        assert len(server.sink.sent) == before
