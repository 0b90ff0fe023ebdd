"""A province stays its own (issue 11, item 2), on PostgreSQL, pages and API alike.

The attack: as the TH-50 operator, confirm a possible link whose source case is in TH-50 but whose
candidate person is the TH-57 victim; the worker would merge the cases and the TH-57 victim's case
would come into scope. The console refuses it on both sides (404, as for a link that does not
exist), publishes nothing, and the TH-57 case stays 404. The worker's own check of the same
action is in `test_worker_admission` and `tests/unit/streams/worker/test_admission.py`."""

from __future__ import annotations

from datetime import timedelta

import pytest

import schemas
from console import accounts
from console.roles import Role
from console.server import open_hub
from runtime.settings import Settings
from streams.views import CASE_VIEW, PERSON_LINK, ViewSink
from tests.integration.console.conftest import Browserless, ServerThread, csrf_token, sign_in
from tests.integration.console.world import NOW, PASSWORD, VICTIM, case_view

CASE_50 = "case_50_0001"
CASE_57 = "case_57_0001"
STRANGER, OWN = "prs_50_stranger", "prs_50_own"


def _case_50() -> dict:
    view = case_view(CASE_50, "TH-50")
    for n, person in enumerate(view["persons"]):          # persons of its own, not the TH-57 victim
        person["person_id"] = (STRANGER, OWN)[n]
    for entry in view["timeline"]:
        entry["province"] = "TH-50"
    return view


def _link(person_id: str, candidate_id: str, ref: str) -> dict:
    return {**schemas.example("sanpalang.hub.PersonLink"), "source_event_id": _case_50()["timeline"][0]["event_id"],
            "person_ref": ref, "decision": "Possible", "person_id": person_id, "candidate_id": candidate_id}


def _key(link: dict) -> str:
    return f"{link['agency']}:{link['source_event_id']}:{link['person_ref']}"


ACROSS = _link(STRANGER, VICTIM, "p1")            # the candidate is the TH-57 victim
WITHIN = _link(STRANGER, OWN, "p2")               # both persons in TH-50 only


@pytest.fixture(scope="module")
def console(postgres_url, tmp_path_factory):
    from tests.integration.postgres import create_database
    import uuid
    url = create_database(postgres_url, f"scope_{uuid.uuid4().hex[:12]}")
    with ViewSink(url) as sink:
        sink.apply_many([(CASE_VIEW, case_view(CASE_57, "TH-57")), (CASE_VIEW, _case_50()),
                         (PERSON_LINK, ACROSS), (PERSON_LINK, WITHIN)])
    hub = open_hub(url)
    tokens = {}
    with hub.writer.begin() as conn:
        for name, role, provinces in (("prov50", Role.PROVINCIAL, {"TH-50"}), ("nat", Role.NATIONAL, set())):
            accounts.add_user(conn, name, role, PASSWORD, provinces=frozenset(provinces), at=NOW - timedelta(days=1))
            tokens[name] = accounts.issue_token(conn, name, at=NOW - timedelta(days=1)).token
    hub.reader.dispose()
    hub.writer.dispose()
    server = ServerThread(Settings(home=tmp_path_factory.mktemp("home"), database_url=url))
    yield server, tokens
    server.stop()


class TestAProvincialOperatorCannotPullAnotherProvincesCaseIntoScope:
    def test_the_link_across_provinces_is_not_listed_for_them_but_the_one_within_is(self, console):
        server, tokens = console
        reply = Browserless(server.url).request("GET", "/api/persons-for-review", token=tokens["prov50"])
        assert [item["source_key"] for item in reply.json()["items"]] == [_key(WITHIN)]

    def test_confirming_it_by_the_api_is_404_and_publishes_nothing(self, console):
        server, tokens = console
        before = len(server.sink.sent)
        reply = Browserless(server.url).request("POST", f"/api/persons-for-review/{_key(ACROSS)}/confirm",
                                                token=tokens["prov50"])
        assert reply.status == 404 and len(server.sink.sent) == before

    def test_confirming_it_on_the_page_is_404_and_publishes_nothing(self, console):
        server, _ = console
        client = Browserless(server.url)
        assert sign_in(client, "prov50").status == 303
        form = client.request("GET", "/links")
        before = len(server.sink.sent)
        reply = client.request("POST", "/links/act", form={"csrf_token": csrf_token(form.text),
                                                             "source_key": _key(ACROSS), "verb": "confirm"})
        assert reply.status == 404 and len(server.sink.sent) == before

    def test_the_th57_case_stays_404_to_them(self, console):
        server, tokens = console
        client = Browserless(server.url)
        assert client.request("GET", f"/api/cases/{CASE_57}", token=tokens["prov50"]).status == 404
        assert sign_in(client, "prov50").status == 303
        assert client.request("GET", f"/cases/{CASE_57}").status == 404

    def test_a_link_within_their_province_is_theirs_to_confirm_with_their_scope_on_the_action(self, console):
        server, tokens = console
        reply = Browserless(server.url).request("POST", f"/api/persons-for-review/{_key(WITHIN)}/confirm",
                                                token=tokens["prov50"])
        assert reply.status == 202
        sent = server.sink.sent[-1]
        assert (sent["kind"], sent["role"], sent["provinces"], sent["province"]) == \
            ("ConfirmLink", "provincial", ["TH-50"], "TH-50")

    def test_a_national_operator_may_confirm_the_link_across_provinces(self, console):
        server, tokens = console
        reply = Browserless(server.url).request("POST", f"/api/persons-for-review/{_key(ACROSS)}/confirm",
                                                token=tokens["nat"])
        assert reply.status == 202 and server.sink.sent[-1]["role"] == "national"
