"""Signing in, sessions, CSRF, lock-out, and the pages' scope (the browser test drives the rest)."""

from __future__ import annotations


import pytest

from console import accounts
from console.roles import Role
from console.server import open_hub
from tests.integration.console.conftest import Browserless, csrf_token, sign_in
from tests.integration.console.world import ALERT_57, CASE_10, CASE_57, NOW, PASSWORD


class TestSignIn:
    def test_a_good_password_opens_a_session_with_a_strict_http_only_cookie(self, client):
        form = client.request("GET", "/sign-in")
        reply = client.request("POST", "/sign-in", form={"csrf_token": csrf_token(form.text), "username": "prov57",
                                                         "password": PASSWORD, "next": "/"})
        assert reply.status == 303
        cookie = next(c for c in reply.set_cookies if c.startswith("spl_session="))
        assert "spl_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert client.request("GET", "/").status == 200

    def test_a_wrong_password_is_a_401_page(self, client):
        assert sign_in(client, "prov57", "not the password").status == 401

    def test_the_sign_in_form_needs_its_csrf_value(self, client):
        client.request("GET", "/sign-in")
        reply = client.request("POST", "/sign-in", form={"csrf_token": "forged", "username": "prov57",
                                                         "password": PASSWORD})
        assert reply.status == 403

    def test_five_failures_lock_the_name_even_for_the_right_password(self, server, world):
        client = Browserless(server.url)
        hub = open_hub(world.url)
        with hub.writer.begin() as conn:
            accounts.add_user(conn, "victim.of.guessing", Role.AUDITOR, PASSWORD, at=NOW)
        for _ in range(4):
            assert sign_in(client, "victim.of.guessing", "guess").status == 401
        assert sign_in(client, "victim.of.guessing", "guess").status == 429      # the fifth locks
        assert sign_in(client, "victim.of.guessing").status == 429

    def test_unknown_names_are_answered_like_wrong_passwords(self, client):
        assert sign_in(client, "nobody.here").status == 401

    def test_a_page_without_a_session_redirects_to_sign_in(self, client):
        reply = client.request("GET", f"/cases/{CASE_57}")
        assert reply.status == 303 and reply.headers["Location"].startswith("/sign-in?next=")

    def test_the_next_page_must_be_local(self, client):
        form = client.request("GET", "/sign-in?next=//evil.example/x")
        assert "evil.example" not in form.text

    def test_signing_out_ends_the_session(self, client):
        sign_in(client, "prov57")
        board = client.request("GET", "/")
        client.request("POST", "/sign-out", form={"csrf_token": csrf_token(board.text)})
        assert client.request("GET", "/").status == 303


class TestCsrf:
    def test_a_session_post_without_the_token_is_refused(self, client, server):
        sign_in(client, "prov57")
        before = len(server.sink.sent)
        reply = client.request("POST", f"/alerts/{ALERT_57}/act", form={"verb": "escalate"})
        assert reply.status == 403 and len(server.sink.sent) == before

    def test_a_session_post_with_the_token_goes_through(self, client, server):
        sign_in(client, "prov57")
        board = client.request("GET", "/")
        reply = client.request("POST", f"/alerts/{ALERT_57}/act",
                               form={"verb": "acknowledge", "note": "ok", "csrf_token": csrf_token(board.text)})
        assert reply.status == 303 and server.sink.sent[-1]["kind"] == "Acknowledge"

    def test_an_api_post_on_a_session_needs_the_header(self, client):
        sign_in(client, "prov57")
        board = client.request("GET", "/")
        assert client.request("POST", f"/api/alerts/{ALERT_57}/escalate", json_body={}).status == 403
        ok = client.request("POST", f"/api/alerts/{ALERT_57}/escalate", json_body={},
                            headers={"X-CSRF-Token": csrf_token(board.text)})
        assert ok.status == 202


class TestPagesScope:
    def test_a_provincial_operator_cannot_open_another_provinces_case_by_url(self, client):
        sign_in(client, "prov57")
        reply = client.request("GET", f"/cases/{CASE_10}")
        assert reply.status == 404 and CASE_10 not in reply.text.replace(f"/cases/{CASE_10}", "")

    def test_their_own_case_opens_with_its_timeline(self, client):
        sign_in(client, "prov57")
        reply = client.request("GET", f"/cases/{CASE_57}")
        assert reply.status == 200 and "RescueConducted" in reply.text

    def test_the_board_shows_only_their_provinces_alerts(self, client):
        sign_in(client, "prov57")
        html = client.request("GET", "/").text
        assert 'data-alert-id="alr_57_0001"' in html and "alr_10_0001" not in html

    @pytest.mark.parametrize("path", ["/", "/cases", f"/cases/{CASE_57}", "/links"])
    def test_an_auditor_opens_no_case_data(self, client, path):
        sign_in(client, "auditor")
        assert client.request("GET", path).status in (303, 403)

    def test_an_auditor_reads_the_audit_log_with_every_case_read(self, client):
        sign_in(client, "prov57")
        client.request("GET", f"/cases/{CASE_57}")
        client.request("GET", f"/cases/{CASE_10}")
        auditor = Browserless(client.base)
        sign_in(auditor, "auditor")
        html = auditor.request("GET", "/audit").text
        assert "case.read" in html and "case.read.refused" in html and 'id="chain"' in html

    def test_pages_carry_a_strict_content_security_policy(self, client):
        reply = client.request("GET", "/sign-in")
        assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
        assert "http" not in reply.text.replace("http-equiv", "")


class TestCaseSearch:
    def test_search_by_stage_agency_and_dates_in_the_callers_provinces(self, client):
        sign_in(client, "nat")
        html = client.request("GET", "/cases?stage=Protection&agency=police&since=2025-03-01&until=2025-03-31").text
        assert CASE_57 in html and CASE_10 in html

    def test_a_stage_the_case_is_not_in_finds_nothing(self, client):
        sign_in(client, "nat")
        assert CASE_57 not in client.request("GET", "/cases?stage=Closed").text

    def test_a_date_window_before_the_case_finds_nothing(self, client):
        sign_in(client, "nat")
        assert CASE_57 not in client.request("GET", "/cases?until=2025-01-31").text

    def test_a_provincial_operator_searching_another_province_finds_nothing(self, client):
        sign_in(client, "prov57")
        assert CASE_10 not in client.request("GET", "/cases?province=TH-10").text

    def test_a_case_is_found_by_its_number_as_people_say_it(self, client, world):
        sign_in(client, "prov57")
        html = client.request("GET", "/cases?number=th57-2568-1").text
        assert f'href="/cases/{CASE_57}"' in html and "TH57-2568-0001" in html
        assert CASE_10 not in client.request("GET", "/cases?number=TH10-2568-0001").text   # not their province
        found = client.request("GET", "/api/cases?number=TH10-2568-0001", token=world.tokens["nat"]).json()
        assert [(c["case_id"], c["case_number"]) for c in found["items"]] == [(CASE_10, "TH10-2568-0001")]

    def test_the_case_page_shows_its_number_and_its_case_file(self, client):
        sign_in(client, "prov57")
        client.request("GET", "/lang/th")
        html = client.request("GET", f"/cases/{CASE_57}").text
        for shown in ("TH57-2568-0001", "แฟ้มคดี", "แสวงประโยชน์ทางเพศ", "หนี้ผูกมัด", "พม่า", "แม่สาย",
                      "1 พ.ย. 2567", "MDT จังหวัดเชียงราย"):
            assert shown in html, shown

    def test_the_api_filters_alike(self, client, world):
        found = client.request("GET", "/api/cases?province=TH-10&stage=Protection", token=world.tokens["nat"]).json()
        assert [c["case_id"] for c in found["items"]] == [CASE_10]


class TestBusDown:
    def test_an_action_the_bus_refuses_is_not_recorded_and_the_operator_is_told(self, client, server, world):
        class Down:
            async def send(self, action):
                raise ConnectionError("broker unreachable")
        sign_in(client, "prov57")
        board = client.request("GET", "/")
        server.running.state.actions = Down()
        try:
            reply = client.request("POST", f"/alerts/{ALERT_57}/act",
                                   form={"verb": "resolve", "csrf_token": csrf_token(board.text)})
            api = client.request("POST", f"/api/alerts/{ALERT_57}/resolve", token=world.tokens["prov57"], json_body={})
        finally:
            server.running.state.actions = server.sink
        assert reply.status == 303 and reply.headers["Location"] == "/?done=busy"
        assert api.status == 503
        assert "could not be sent" in client.request("GET", "/?done=busy").text


class TestBehindTls:
    def test_with_secure_cookies_the_session_cookie_is_secure(self, world, tmp_path):
        from runtime.settings import Settings
        from tests.integration.console.conftest import ServerThread
        server = ServerThread(Settings(home=tmp_path, database_url=world.url), secure_cookies=True)
        try:
            client = Browserless(server.url)
            reply = sign_in(client, "nat")
            cookie = next(c for c in reply.set_cookies if c.startswith("spl_session="))
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        finally:
            server.stop()
