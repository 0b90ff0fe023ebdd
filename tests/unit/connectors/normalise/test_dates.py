"""parse_date / parse_datetime: B.E. and C.E., Thai months, Thai digits, times to UTC."""

from datetime import date, datetime, timedelta, timezone

import pytest

from connectors.normalise import BANGKOK, Era, NormaliseError, parse_date, parse_datetime

AUG_2 = date(2018, 8, 2)


class TestBuddhistEraDates:
    def test_reads_thai_abbreviated_month_with_be_year(self):
        assert parse_date("2 ส.ค. 2561") == AUG_2

    def test_reads_thai_full_month_with_be_marker(self):
        assert parse_date("2 สิงหาคม พ.ศ. 2561") == AUG_2

    def test_reads_abbreviated_month_without_dots_or_spaces(self):
        assert parse_date("2สค2561") == AUG_2
        assert parse_date("2 ส. ค. 2561") == AUG_2

    def test_reads_thai_digits(self):
        assert parse_date("๒ ส.ค. ๒๕๖๑") == AUG_2
        assert parse_date("๐๒/๐๘/๒๕๖๑") == AUG_2

    def test_reads_day_month_year_with_be_year(self):
        assert parse_date("02/08/2561") == AUG_2
        assert parse_date("2-8-2561") == AUG_2
        assert parse_date("02.08.2561") == AUG_2

    def test_reads_iso_order_with_be_year_as_thai_databases_store_it(self):
        assert parse_date("2561-08-02") == AUG_2

    def test_reads_the_common_misspelling_of_july(self):
        assert parse_date("2 กรกฏาคม 2561") == date(2018, 7, 2)

    def test_tells_each_abbreviated_month_apart(self):
        abbreviations = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                         "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
        assert [parse_date(f"1 {a} 2561").month for a in abbreviations] == list(range(1, 13))

    def test_tells_each_full_month_apart(self):
        names = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                 "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
        assert [parse_date(f"1 {n} 2561").month for n in names] == list(range(1, 13))

    def test_reads_a_two_digit_year_after_a_thai_month_as_be(self):
        assert parse_date("2 ส.ค. 61") == AUG_2

    def test_reads_a_two_digit_year_as_be_when_the_source_says_so(self):
        assert parse_date("02/08/61", era=Era.BE) == AUG_2

    def test_skips_the_weekday_and_wan_thi(self):
        assert parse_date("วันพฤหัสบดีที่ 2 สิงหาคม 2561") == AUG_2
        assert parse_date("วันที่ 2 ส.ค. 2561") == AUG_2


class TestCommonEraDates:
    def test_reads_iso(self):
        assert parse_date("2018-08-02") == AUG_2

    def test_reads_day_first_with_ce_year(self):
        assert parse_date("2/8/2018") == AUG_2

    def test_reads_compact_iso(self):
        assert parse_date("20180802") == AUG_2

    def test_reads_english_month_names(self):
        assert parse_date("2 Aug 2018") == AUG_2
        assert parse_date("August 2, 2018") == AUG_2
        assert parse_date("02-AUG-2018") == AUG_2
        assert parse_date("Thursday, 2 August 2018") == AUG_2

    def test_honours_a_ce_marker(self):
        assert parse_date("2 ส.ค. ค.ศ. 2018") == AUG_2
        assert parse_date("2 Aug 2018 AD") == AUG_2

    def test_ignores_a_trailing_time(self):
        assert parse_date("02/08/2561 14:30") == AUG_2


class TestEraDecision:
    def test_decides_by_range_without_a_hint(self):
        assert parse_date("01/01/2393") == date(1850, 1, 1)
        assert parse_date("01/01/2150") == date(2150, 1, 1)

    def test_refuses_years_plausible_in_neither_era(self):
        with pytest.raises(NormaliseError, match="plausible neither as B.E. nor as C.E."):
            parse_date("01/01/2151")

    def test_a_be_hint_refuses_a_ce_looking_year(self):
        with pytest.raises(NormaliseError, match=r"B.E. 2018 \(C.E. 1475\).*Is it a C.E. year\?"):
            parse_date("02/08/2018", era=Era.BE)

    def test_a_ce_hint_refuses_a_be_looking_year(self):
        with pytest.raises(NormaliseError, match="Is it a B.E. year"):
            parse_date("02/08/2561", era=Era.CE)

    def test_accepts_the_hint_as_a_plain_string(self):
        assert parse_date("02/08/61", era="BE") == AUG_2

    def test_the_written_marker_wins_over_the_hint(self):
        assert parse_date("2 ส.ค. พ.ศ. 2561", era=Era.CE) == AUG_2

    def test_refuses_text_marked_with_both_eras(self):
        with pytest.raises(NormaliseError, match="both B.E. and C.E."):
            parse_date("2 ส.ค. พ.ศ. 2561 ค.ศ.")

    def test_refuses_an_ambiguous_two_digit_year(self):
        with pytest.raises(NormaliseError, match="two-digit year '61' is ambiguous"):
            parse_date("02/08/61")

    def test_refuses_a_two_digit_year_even_with_a_ce_hint(self):
        with pytest.raises(NormaliseError, match="ambiguous"):
            parse_date("02-AUG-18", era=Era.CE)

    def test_refuses_implausibly_old_years(self):
        with pytest.raises(NormaliseError, match="outside 1850-2150"):
            parse_date("01/01/1800")


class TestInvalidDates:
    def test_refuses_31_february_naming_both_eras(self):
        with pytest.raises(NormaliseError) as caught:
            parse_date("31/02/2561", field="date_of_birth")
        assert str(caught.value) == (
            "date_of_birth '31/02/2561': day 31 does not exist in February 2018 (B.E. 2561)"
        )

    def test_refuses_29_february_outside_leap_years(self):
        assert parse_date("29/02/2563") == date(2020, 2, 29)
        with pytest.raises(NormaliseError, match="day 29 does not exist in February 2019"):
            parse_date("29/02/2562")

    def test_refuses_month_first_dates_saying_dates_are_day_first(self):
        with pytest.raises(NormaliseError, match="month 13 does not exist .dates are read day/month/year."):
            parse_date("08/13/2018")

    def test_refuses_text_after_the_date(self):
        with pytest.raises(NormaliseError, match="unexpected text after the date"):
            parse_date("02/08/2561 และอื่นๆ")

    def test_refuses_non_dates_saying_what_was_expected(self):
        with pytest.raises(NormaliseError, match="expected a date such as 02/08/2561"):
            parse_date("yesterday")

    def test_refuses_non_text(self):
        with pytest.raises(NormaliseError, match="expected text, got int"):
            parse_date(20180802)  # type: ignore[arg-type]


class TestDatetimes:
    def test_reads_thai_time_with_na_in_bangkok_time(self):
        assert parse_datetime("2 ส.ค. 2561 14.30 น.") == datetime(2018, 8, 2, 7, 30, tzinfo=timezone.utc)

    def test_returns_utc_aware_datetimes(self):
        result = parse_datetime("02/08/2561 14:30")
        assert result.tzinfo == timezone.utc and result.hour == 7

    def test_crosses_midnight_when_converting_to_utc(self):
        assert parse_datetime("02/08/2561 03:00") == datetime(2018, 8, 1, 20, 0, tzinfo=timezone.utc)

    def test_honours_a_written_offset(self):
        assert parse_datetime("2018-08-02T14:30:00Z") == datetime(2018, 8, 2, 14, 30, tzinfo=timezone.utc)
        assert parse_datetime("2018-08-02T14:30:00+07:00") == datetime(2018, 8, 2, 7, 30, tzinfo=timezone.utc)
        assert parse_datetime("2018-08-02 14:30 UTC+2") == datetime(2018, 8, 2, 12, 30, tzinfo=timezone.utc)

    def test_reads_seconds_and_fractions(self):
        assert parse_datetime("2018-08-02T14:30:05.25") == datetime(2018, 8, 2, 7, 30, 5, 250000, tzinfo=timezone.utc)

    def test_reads_twelve_hour_clock(self):
        assert parse_datetime("02/08/2561 2:30 pm").hour == 7
        assert parse_datetime("02/08/2561 12:15 am") == datetime(2018, 8, 1, 17, 15, tzinfo=timezone.utc)

    def test_reads_hour_only_with_nalika(self):
        assert parse_datetime("02/08/2561 เวลา 14 นาฬิกา").hour == 7

    def test_uses_the_given_default_zone(self):
        yangon = timezone(timedelta(hours=6, minutes=30))
        assert parse_datetime("02/08/2561 14:30", tz=yangon).minute == 0

    def test_bangkok_is_utc_plus_seven(self):
        assert BANGKOK.utcoffset(None) == timedelta(hours=7)

    def test_refuses_a_date_without_time(self):
        with pytest.raises(NormaliseError, match="has no time of day"):
            parse_datetime("02/08/2561")

    def test_refuses_times_that_do_not_exist(self):
        with pytest.raises(NormaliseError, match="does not exist"):
            parse_datetime("02/08/2561 24:00")
        with pytest.raises(NormaliseError, match="12-hour clock"):
            parse_datetime("02/08/2561 13:00 pm")

    def test_refuses_offsets_that_do_not_exist(self):
        with pytest.raises(NormaliseError, match="offset"):
            parse_datetime("2018-08-02T14:30+15:00")

    def test_refuses_a_bare_number_after_the_date(self):
        with pytest.raises(NormaliseError, match="cannot read '14' as a time"):
            parse_datetime("02/08/2561 14")
