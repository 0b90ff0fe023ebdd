"""parse_date_of_birth / parse_age: the precision of a birth date travels with it."""

from datetime import date

import pytest

from connectors.normalise import Age, Era, NormaliseError, PartialDate, Precision, parse_age, parse_date_of_birth

RECORDED = date(2024, 5, 1)


def dob(value, **kwargs):
    return parse_date_of_birth(value, as_of=RECORDED, **kwargs)


class TestFullDatesOfBirth:
    def test_reads_a_full_be_date_at_day_precision(self):
        assert dob("02/08/2530") == PartialDate(date(1987, 8, 2), Precision.DAY)

    def test_reads_a_thai_month_name(self):
        assert dob("2 ส.ค. 2530") == PartialDate(date(1987, 8, 2), Precision.DAY)

    def test_refuses_an_impossible_date(self):
        with pytest.raises(NormaliseError, match="day 31 does not exist in February 1987 .B.E. 2530."):
            dob("31/02/2530")

    def test_refuses_a_birth_after_the_record_date(self):
        with pytest.raises(NormaliseError, match="is after the record date 2024-05-01"):
            dob("02/08/2570")


class TestYearOnlyDatesOfBirth:
    def test_reads_a_be_year(self):
        assert dob("2530") == PartialDate(date(1987, 1, 1), Precision.YEAR)

    def test_reads_a_ce_year(self):
        assert dob("1990") == PartialDate(date(1990, 1, 1), Precision.YEAR)

    def test_reads_a_year_with_be_marker_or_pi(self):
        assert dob("พ.ศ. 2530") == dob("ปี 2530") == dob("เกิดปี ๒๕๓๐") == PartialDate(date(1987, 1, 1), Precision.YEAR)

    def test_reads_zero_day_and_month_as_thai_civil_records_write_them(self):
        assert dob("00/00/2530") == PartialDate(date(1987, 1, 1), Precision.YEAR)
        assert dob("0/0/2530") == PartialDate(date(1987, 1, 1), Precision.YEAR)


class TestMonthAndYearDatesOfBirth:
    def test_reads_a_thai_month_and_year(self):
        assert dob("ส.ค. 2530") == dob("สิงหาคม 2530") == PartialDate(date(1987, 8, 1), Precision.MONTH)

    def test_reads_numeric_month_and_year_both_orders(self):
        assert dob("08/1990") == dob("1990-08") == PartialDate(date(1990, 8, 1), Precision.MONTH)

    def test_reads_an_english_month_and_year(self):
        assert dob("August 1990") == PartialDate(date(1990, 8, 1), Precision.MONTH)

    def test_reads_zero_day_as_month_precision(self):
        assert dob("00/08/2530") == PartialDate(date(1987, 8, 1), Precision.MONTH)

    def test_refuses_month_thirteen(self):
        with pytest.raises(NormaliseError, match="month 13 does not exist"):
            dob("13/1990")


class TestEstimatedDatesOfBirth:
    @pytest.mark.parametrize("value", ["ประมาณ 1990", "ประมาณ พ.ศ. 2533", "about 1990", "approx. 1990",
                                       "circa 1990", "~1990", "1990?", "1990 (estimated)", "ราวๆ 2533"])
    def test_reads_an_estimated_year(self, value):
        assert dob(value) == PartialDate(date(1990, 1, 1), Precision.ESTIMATED)

    def test_keeps_the_date_of_an_estimated_full_date(self):
        assert dob("ประมาณ 2 ส.ค. 2530") == PartialDate(date(1987, 8, 2), Precision.ESTIMATED)


class TestAgeInsteadOfDateOfBirth:
    @pytest.mark.parametrize("value", ["อายุ 25 ปี", "25 ปี", "อายุ 25", "25 years", "25 years old", "age 25", "aged: 25", "25 yrs"])
    def test_reads_an_age_with_the_record_date(self, value):
        assert dob(value) == Age(25, RECORDED, approximate=False)

    def test_marks_an_approximate_age(self):
        assert dob("about 25 years") == dob("ประมาณ 25 ปี") == Age(25, RECORDED, approximate=True)

    def test_reads_an_infant_age_in_months_as_zero_years(self):
        assert dob("8 เดือน") == Age(0, RECORDED)
        assert dob("30 months") == Age(2, RECORDED)

    def test_refuses_an_age_without_a_record_date(self):
        with pytest.raises(NormaliseError, match="is an age, and no record date .as_of. was given"):
            parse_date_of_birth("อายุ 25 ปี")

    def test_refuses_an_implausible_age(self):
        with pytest.raises(NormaliseError, match="age 200 years is not plausible"):
            dob("200 years")

    def test_refuses_a_bare_number_which_could_be_an_age_or_a_year(self):
        with pytest.raises(NormaliseError, match="an age .อายุ 25 ปี, 25 years."):
            dob("25")


class TestAgeColumns:
    def test_reads_a_bare_number(self):
        assert parse_age("25", as_of=RECORDED) == Age(25, RECORDED)

    def test_reads_an_estimated_bare_number(self):
        assert parse_age("ประมาณ 30", as_of=RECORDED) == Age(30, RECORDED, approximate=True)

    def test_reads_thai_digits(self):
        assert parse_age("๑๗ ปี", as_of=RECORDED) == Age(17, RECORDED)

    def test_refuses_a_date(self):
        with pytest.raises(NormaliseError, match="expected an age in years"):
            parse_age("02/08/2530", as_of=RECORDED)


class TestEraOfDatesOfBirth:
    def test_a_two_digit_year_needs_the_be_hint(self):
        with pytest.raises(NormaliseError, match="ambiguous"):
            dob("02/08/30")
        assert dob("02/08/30", era=Era.BE) == PartialDate(date(1987, 8, 2), Precision.DAY)
