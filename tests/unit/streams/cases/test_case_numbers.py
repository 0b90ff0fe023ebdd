"""Case numbers people can say (issue 13): TH57-2568-0001, per province and Buddhist-Era year, given
in fold order so that a replay of the same lane, or a restart from saved state, numbers alike;
a merge keeps the surviving case's number and lists the absorbed ones."""

import pickle
from datetime import datetime, timezone

import pytest

from streams.cases import parse_case_number
from tests.unit.streams.cases.builders import Feed, at, event, person


def rescue(who, when, province="TH-57"):
    return event("RescueConducted", when, person(who), province=province)


def numbers(feed):
    return {v["case_id"]: v["case_number"] for v in feed.views.values()}


def number_of(feed, ev):
    return feed.case_of(ev).number


class TestCaseNumbers:
    def test_cases_of_a_province_are_numbered_in_the_order_they_open(self):
        feed = Feed()
        first, second = rescue("A", at(0)), rescue("B", at(1))
        feed.send(first, second)
        assert (number_of(feed, first), number_of(feed, second)) == ("TH57-2568-0001", "TH57-2568-0002")

    def test_each_province_counts_on_its_own(self):
        feed = Feed()
        feed.send(rescue("A", at(0)), rescue("B", at(1), "TH-63"))
        assert sorted(numbers(feed).values()) == ["TH57-2568-0001", "TH63-2568-0001"]

    def test_the_buddhist_year_is_the_bangkok_date_the_case_opened(self):
        feed = Feed()
        new_year_in_bangkok = datetime(2025, 12, 31, 17, 30, tzinfo=timezone.utc)   # 00:30 on 1 Jan 2026 there
        feed.send(rescue("A", at(0)), rescue("B", new_year_in_bangkok))
        assert sorted(numbers(feed).values()) == ["TH57-2568-0001", "TH57-2569-0001"]

    def test_an_event_joining_a_case_or_sent_twice_takes_no_number(self):
        feed = Feed()
        first = rescue("A", at(0))
        feed.send(first, event("ShelterIntakeRecorded", at(1), person("A"), shelter_kind="Temporary"), first,
                  rescue("B", at(2)))
        assert sorted(numbers(feed).values()) == ["TH57-2568-0001", "TH57-2568-0002"]

    def test_a_merge_keeps_the_survivors_number_and_lists_the_absorbed_one(self):
        feed = Feed()
        feed.send(rescue("A", at(0)), event("HotlineReportReceived", at(1), person("B")),
                  event("ShelterIntakeRecorded", at(2), person("A"), person("B"), shelter_kind="Temporary"))
        (survivor,) = [v for v in feed.views.values() if not v["merged_into"]]
        (absorbed,) = [v for v in feed.views.values() if v["merged_into"]]
        assert survivor["case_number"] == "TH57-2568-0001" and survivor["absorbed_case_numbers"] == ["TH57-2568-0002"]
        assert absorbed["case_number"] == "TH57-2568-0002" and absorbed["merged_into"] == survivor["case_id"]

    def test_a_replay_of_the_same_events_numbers_the_same_cases_alike(self):
        events = [rescue(p, at(i), "TH-57" if i % 3 else "TH-90") for i, p in enumerate("ABCDEFG")]
        once, again = Feed(), Feed()
        once.send(*events)
        again.send(*events)
        assert numbers(once) == numbers(again) and len(set(numbers(once).values())) == 7

    def test_a_restart_from_saved_state_goes_on_with_the_next_number(self):
        events = [rescue(p, at(i)) for i, p in enumerate("ABCD")]
        never_stopped, restarted = Feed(), Feed()
        never_stopped.send(*events)
        restarted.send(*events[:2])
        restarted.hub = pickle.loads(pickle.dumps(restarted.hub))          # as its snapshot restores it
        restarted.send(*events[2:])
        assert numbers(restarted) == numbers(never_stopped)


class TestReadingACaseNumber:
    @pytest.mark.parametrize("written", ["TH57-2568-0042", "th57-2568-42", "57/2568/0042", " TH 57-2568-0042 "])
    def test_the_ways_people_write_it_read_as_one(self, written):
        assert parse_case_number(written) == "TH57-2568-0042"

    @pytest.mark.parametrize("written", ["", "TH57", "2568-0042", "b459f24c-f346-52c9-aa37-139209118734"])
    def test_anything_else_is_no_case_number(self, written):
        assert parse_case_number(written) is None
