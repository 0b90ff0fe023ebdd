"""The pages' HTML: what comes from the bus or an agency is escaped, and forms carry the CSRF token."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import schemas
from console.render import alert_row, board_page, case_page, sign_in_page
from console.roles import Principal, Role

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)
PROV57 = Principal("prov57", Role.PROVINCIAL, frozenset({"TH-57"}))
LEAD57 = Principal("lead57", Role.TEAM_LEAD, frozenset({"TH-57"}), agency="social")
HOSTILE = """Aye<script>alert("x")</script>' onmouseover='evil()"""
SHOWN = "Aye&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39; onmouseover=&#39;evil()"


def alert(**changes) -> dict:
    return {"alert_id": "a1", "rule_number": 1, "rule_key": "custody-s29-deadline", "severity": "Critical",
            "state": "Firing", "province": "TH-57", "case_id": "case-1", "message": "m", "raised_at": NOW,
            "due_at": NOW + timedelta(hours=2), **changes}


class TestEscaping:
    def test_markup_in_an_alert_message_is_shown_not_run(self):
        html = alert_row(alert(message='<script>alert("x")</script>'), lang="en", csrf="t", now=NOW, can_act=True)
        assert "<script>" not in html and "&lt;script&gt;" in html

    def test_a_hostile_case_id_cannot_break_out_of_its_link(self):
        html = alert_row(alert(case_id='x" onclick="evil()'), lang="en", csrf="t", now=NOW, can_act=False)
        assert 'onclick="evil()"' not in html


    def test_a_hostile_name_is_shown_as_text_on_the_case_page_and_in_an_alert_row(self):
        case = copy.deepcopy(schemas.example("sanpalang.hub.CaseView"))
        victim = case["persons"][0]["person_id"]
        case["persons"][0].update(names=[HOSTILE], status_decided_by_name=HOSTILE)
        case.update(owner=HOSTILE, owner_assigned_by=HOSTILE, owner_assigned_at=NOW,
                    alerts=[alert(case_id=case["case_id"], person={"id": victim, "label": HOSTILE})])
        row = alert_row(case["alerts"][0], lang="en", csrf="t", now=NOW, can_act=True)
        html = case_page(case, principal=LEAD57, lang="th", csrf="t", now=NOW, candidates=[HOSTILE])
        for shown in (row, html):
            assert "<script>alert" not in shown and "onmouseover='" not in shown and SHOWN in shown
        assert html.count(SHOWN) >= 6     # names, case file, owner, assigned by, the owner form's option, the alert


class TestForms:
    def test_every_action_form_carries_the_csrf_token(self):
        html = board_page([alert()], principal=PROV57, lang="en", csrf="TOKEN123", now=NOW)
        assert html.count('name="csrf_token" value="TOKEN123"') == html.count("<form")

    def test_the_sign_in_form_carries_its_double_submit_value(self):
        assert 'name="csrf_token" value="PRE"' in sign_in_page(lang="th", csrf="PRE")

    def test_thai_pages_say_so_for_screen_readers_and_fonts(self):
        assert '<html lang="th">' in sign_in_page(lang="th", csrf="x")

    def test_no_page_links_anything_outside_the_console(self):
        html = board_page([alert()], principal=PROV57, lang="th", csrf="x", now=NOW)
        assert "http://" not in html and "https://" not in html and "//" not in html.replace("<!doctype", "")


class TestAlertRows:
    def test_an_alert_names_its_person_escaped_and_links_to_them_on_the_case_page(self):
        row = alert_row(alert(person={"id": "prs_1", "label": "<b>Aye</b>"}), lang="th", csrf="t", now=NOW, can_act=False)
        assert 'href="/cases/case-1#person-prs_1"' in row and "&lt;b&gt;Aye&lt;/b&gt;" in row

    def test_a_resolved_alert_says_when_and_why_it_closed_and_runs_no_countdown(self):
        row = alert_row(alert(state="Resolved", resolved_at=NOW, resolution="auto",
                              facts={"what": "custody", "since": "2025-03-02T00:00:00Z", "cleared_by": "custody-ended"}),
                        lang="th", csrf="t", now=NOW, can_act=True)
        assert "countdown" not in row and "<form" not in row
        assert "ปิดเมื่อ" in row and "2 มี.ค. 2568 19:00" in row and "สิ้นสุดการควบคุมตัวแล้ว" in row

    def test_the_board_groups_alerts_under_their_case_in_the_order_of_its_most_urgent(self):
        html = board_page([alert(alert_id="a1", case_id="c2"), alert(alert_id="a2", case_id="c1"),
                           alert(alert_id="a3", case_id="c2", severity="Warning")],
                          principal=PROV57, lang="en", csrf="t", now=NOW)
        groups = [part.split('"')[0] for part in html.split('<tbody class="case-group" data-case-id="')[1:]]
        assert groups == ["c2", "c1"]
        assert html.index('id="alert-a3"') < html.index('data-case-id="c1"')

    def test_on_event_time_the_page_says_which_clock_time_left_counts_from(self):
        from streams.views.clock import HubClock
        html = board_page([alert()], principal=PROV57, lang="en", csrf="t", now=NOW, clock=HubClock(NOW, "event"))
        assert 'id="hub-clock"' in html and '<meta name="hub-clock" content="2025-03-02T12:00:00+00:00" data-mode="event">' in html
        walled = board_page([alert()], principal=PROV57, lang="en", csrf="t", now=NOW, clock=HubClock(NOW, "wall"))
        assert 'id="hub-clock"' not in walled
