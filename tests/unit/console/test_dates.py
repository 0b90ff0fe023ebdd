"""Dates as Thai operators read them: Buddhist Era, Thai months, Thai time; and both languages' words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from console.dates import format_countdown, format_date, format_datetime
from console.i18n import MESSAGES, province_name, t
from console.present import board_order, mask_identifier

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)


class TestBuddhistEraDates:
    def test_the_domain_example_2_aug_2561(self):
        assert format_date(date(2018, 8, 2), "th") == "2 ส.ค. 2561"

    def test_english_keeps_the_common_era(self):
        assert format_date(date(2018, 8, 2), "en") == "2 Aug 2018"

    def test_an_instant_is_shown_on_the_thai_day(self):
        late_utc = datetime(2018, 8, 1, 18, 30, tzinfo=timezone.utc)      # 01:30 on 2 Aug in Bangkok
        assert format_datetime(late_utc, "th") == "2 ส.ค. 2561 01:30"

    @pytest.mark.parametrize("month, abbr", [(1, "ม.ค."), (4, "เม.ย."), (12, "ธ.ค.")])
    def test_every_month_has_its_thai_abbreviation(self, month, abbr):
        assert format_date(date(2025, month, 1), "th") == f"1 {abbr} 2568"

    def test_a_naive_instant_is_refused(self):
        with pytest.raises(ValueError):
            format_datetime(datetime(2025, 1, 1), "th")


class TestCountdowns:
    def test_time_left_in_hours_and_minutes(self):
        assert format_countdown(NOW + timedelta(hours=3, minutes=20), NOW, "en") == "3 h 20 min"

    def test_days_then_hours_only(self):
        assert format_countdown(NOW + timedelta(days=2, hours=5, minutes=7), NOW, "en") == "2 d 5 h"

    def test_overdue_in_thai(self):
        assert format_countdown(NOW - timedelta(minutes=40), NOW, "th") == "เลยกำหนด 40 นาที"

    def test_no_deadline(self):
        assert format_countdown(None, NOW, "en") == "—"


class TestWords:
    def test_every_message_has_english_and_thai(self):
        assert all(en and th for en, th in MESSAGES.values())

    def test_thai_is_chosen_for_th_and_english_otherwise(self):
        assert t("sign_in", "th") == "เข้าสู่ระบบ" and t("sign_in", "en") == "Sign in"

    def test_province_names_in_both_languages(self):
        assert province_name("TH-57", "th") == "เชียงราย"
        assert province_name("TH-57", "en") == "Chiang Rai"
        assert province_name("TH-99", "en") == "TH-99"


class TestPresentation:
    def test_identifiers_are_masked_to_their_last_four(self):
        assert mask_identifier("1101700203451") == "•••••••••3451"

    def test_short_identifiers_reveal_at_most_a_third(self):
        assert mask_identifier("AB12") == "•••2"
        assert mask_identifier("AB") == "••"

    def test_the_board_puts_critical_first_then_the_nearest_deadline_then_none(self):
        def alert(aid, severity, due):
            return {"alert_id": aid, "severity": severity, "due_at": due, "raised_at": NOW}
        alerts = [alert("w-late", "Warning", NOW + timedelta(hours=5)), alert("w-none", "Warning", None),
                  alert("c", "Critical", NOW + timedelta(days=3)), alert("w-soon", "Warning", NOW + timedelta(hours=1))]
        assert [a["alert_id"] for a in sorted(alerts, key=board_order)] == ["c", "w-soon", "w-late", "w-none"]


class TestLabels:
    def test_contract_symbols_have_thai_names_and_stay_themselves_in_english(self):
        from console.i18n import label
        assert label("stage", "Protection", "th") == "คุ้มครอง"
        assert label("stage", "Protection", "en") == "Protection"
        assert label("severity", "Unheard", "th") == "Unheard"
        assert label("agency", None, "th") == "—"


class TestSearchDays:
    def test_a_day_starts_at_midnight_thai_time(self):
        from console.dates import day_bound
        assert day_bound("2025-03-01") == datetime(2025, 2, 28, 17, 0, tzinfo=timezone.utc)

    def test_until_a_day_includes_that_day(self):
        from console.dates import day_bound
        assert day_bound("2025-03-31", end=True) == datetime(2025, 3, 31, 17, 0, tzinfo=timezone.utc)

    def test_no_or_a_bad_day_is_no_bound(self):
        from console.dates import day_bound
        assert day_bound("") is None and day_bound("31/03/2568") is None
