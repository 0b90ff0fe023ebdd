"""Age at exploitation, to the day, from imprecise evidence."""

from datetime import date, datetime, timezone

from streams.cases import CaseBook, dob_range, fold, is_minor_in, is_minor_on, local_date, surely_minor_on
from streams.cases.ages import add_years
from tests.unit.streams.cases.builders import at, event, person

ON = date(2025, 3, 1)


def minor(*events, pid="A"):
    book = CaseBook()
    for ev in events:
        book.apply(fold(book, ev.event, ev.person_ids, ev.occurred_at).delta)
    return is_minor_in(next(iter(book.cases.values())), pid)


class TestAgeAtExploitation:
    def test_under_18_until_the_day_before_the_18th_birthday(self):
        assert minor(event("RescueConducted", at(0), person("A", dob=date(2007, 3, 2)))) is True
        assert minor(event("RescueConducted", at(0), person("A", dob=date(2007, 3, 1)))) is False

    def test_the_day_is_the_bangkok_day(self):
        late_evening_utc = datetime(2025, 2, 28, 20, 0, tzinfo=timezone.utc)     # 1 March, 03:00 in Bangkok
        assert local_date(late_evening_utc) == ON
        assert minor(event("RescueConducted", late_evening_utc, person("A", dob=date(2007, 3, 1)))) is False

    def test_age_is_taken_at_the_first_event_of_the_case(self):
        seventeen = person("A", dob=date(2007, 3, 10))
        events = [event("HotlineReportReceived", at(0), seventeen), event("RescueConducted", at(30), seventeen)]
        assert minor(*events) is True
        assert minor(events[1]) is False

    def test_a_year_only_date_of_birth_counts_while_possibly_under_18(self):
        assert dob_range(date(2007, 1, 1), "Year", None, at(0)) == (date(2007, 1, 1), date(2007, 12, 31))
        assert minor(event("RescueConducted", at(0), person("A", dob=date(2007, 1, 1), precision="Year"))) is True
        assert minor(event("RescueConducted", at(0), person("A", dob=date(2006, 1, 1), precision="Year"))) is False

    def test_a_month_only_date_of_birth_spans_the_month(self):
        assert dob_range(date(2007, 2, 1), "Month", None, at(0)) == (date(2007, 2, 1), date(2007, 2, 28))

    def test_an_estimated_date_of_birth_spans_a_year_either_side(self):
        assert dob_range(date(2006, 6, 1), "Estimated", None, at(0)) == (date(2005, 6, 1), date(2007, 6, 1))

    def test_an_age_in_years_gives_the_range_of_birthdays(self):
        assert dob_range(None, None, 17, at(0)) == (date(2007, 3, 2), date(2008, 3, 1))
        assert minor(event("RescueConducted", at(0), person("A", age=17))) is True
        assert minor(event("RescueConducted", at(0), person("A", age=18))) is False

    def test_a_date_and_an_age_together_narrow_the_range(self):
        assert dob_range(date(2008, 1, 1), "Year", 17, at(0)) == (date(2008, 1, 1), date(2008, 3, 1))

    def test_contradicting_evidence_keeps_every_possibility(self):
        assert dob_range(date(2000, 5, 5), "Day", 17, at(0)) == (date(2000, 5, 5), date(2008, 3, 1))

    def test_unknown_age_is_neither_minor_nor_adult(self):
        assert minor(event("RescueConducted", at(0), person("A"))) is None

    def test_surely_minor_only_when_every_possible_birthday_says_so(self):
        year_2007 = (date(2007, 1, 1), date(2007, 12, 31))
        assert is_minor_on(year_2007, ON) and not surely_minor_on(year_2007, ON)
        assert surely_minor_on(year_2007, date(2024, 12, 31))

    def test_a_29_february_birthday_comes_of_age_on_1_march(self):
        assert add_years(date(2008, 2, 29), 17) == date(2025, 3, 1)
        assert is_minor_on((date(2007, 2, 28), date(2007, 2, 28)), date(2025, 2, 28)) is False
