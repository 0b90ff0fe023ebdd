"""The pages' HTML: what comes from the bus or an agency is escaped, and forms carry the CSRF token."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.render import alert_row, board_page, sign_in_page
from console.roles import Principal, Role

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)
PROV57 = Principal("prov57", Role.PROVINCIAL, frozenset({"TH-57"}))


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
