"""From an event's person (`streams.events.EventPerson`) to the matcher's record, and matching on it."""

from datetime import date, datetime, timezone

import pytest

import schemas
from streams.events import Event, EventPerson
from streams.matching import DecisionKind, Matcher, SpecError, pairwise_scores, parse_spec
from streams.matching.persons import load_persons_parameters, person_record, persons_spec, persons_text

RESCUE = "sanpalang.police.RescueConducted"


def example_persons():
    event = Event.of(RESCUE, schemas.example(RESCUE))
    return event.persons, event.occurred_at


def person(**fields):
    """An event person decoded from these fields (the Avro shape; absent optional fields take their defaults)."""
    return EventPerson.of({"person_ref": "p1", **fields})


class TestPersonAdapter:
    def test_every_spelling_becomes_an_alternative_name(self):
        persons, occurred_at = example_persons()
        record = person_record(persons[1], occurred_at=occurred_at)
        assert record["name"] == ["สมชาย ใจดี", "Somchai Jaidee"]

    def test_thai_ids_and_pink_cards_share_one_column(self):
        persons, occurred_at = example_persons()
        assert person_record(persons[0], occurred_at=occurred_at)["national_id"] == ["00-1234-567890-1"]
        assert person_record(persons[1], occurred_at=occurred_at)["national_id"] == ["3570100012345"]

    def test_the_date_of_birth_keeps_its_precision(self):
        persons, occurred_at = example_persons()
        assert person_record(persons[0], occurred_at=occurred_at)["date_of_birth"] == [(date(2008, 1, 1), "Year")]

    def test_an_age_becomes_an_estimated_year_on_the_event_date(self):
        record = person_record(person(age_years=25), occurred_at=datetime(2025, 3, 1, 15, 30, tzinfo=timezone.utc))
        assert record["date_of_birth"] == [(date(2000, 1, 1), "Estimated")]

    def test_raw_avro_days_since_1970_are_read_as_a_date(self):
        record = person_record(person(date_of_birth=3652, dob_precision="Day"))
        assert record["date_of_birth"] == [(date(1980, 1, 1), "Day")]

    def test_unknown_sex_counts_as_missing(self):
        assert person_record(person(sex="Unknown"))["sex"] == []

    def test_the_same_person_from_two_agencies_links(self):
        police = {"names": [{"full": "สมชาย ใจดี", "script": "Thai"}], "date_of_birth": "1979-11-03",
                  "dob_precision": "Day", "sex": "Male", "nationality": "THA",
                  "identifiers": [{"kind": "ThaiId", "value": "3570100012345"}]}
        labour = {"names": [{"full": "Jaidee Somchay", "script": "Latin"}], "date_of_birth": "1979-01-01",
                  "dob_precision": "Year", "sex": "Male", "nationality": "THA",
                  "identifiers": [{"kind": "ThaiId", "value": "3-5701-00012-34-5"}]}
        matcher = Matcher(persons_spec())
        first = matcher.add(person_record(person(**police)))
        second = matcher.add(person_record(person(**labour)))
        assert second.kind is DecisionKind.LINKED and second.person_id == first.person_id


    def test_the_event_province_is_a_column_when_given(self):
        persons, occurred_at = example_persons()
        assert person_record(persons[1], occurred_at=occurred_at, province="TH-57")["province"] == ["TH-57"]
        assert person_record(persons[1], occurred_at=occurred_at)["province"] == []


class TestStoredParameters:
    def test_the_stored_parameters_fit_the_persons_spec(self):
        params = load_persons_parameters()
        params.check(persons_spec())
        assert params.version.startswith("er-") and params.method == "labels"

    def test_parameters_of_an_older_spec_are_refused(self):
        changed = parse_spec(persons_text().replace("link = 6.0", "link = 7.0"))
        with pytest.raises(SpecError, match="another spec"):
            load_persons_parameters().check(changed)


class TestPairwiseScores:
    def test_counts_pairs_inside_clusters(self):
        scores = pairwise_scores(["a", "a", "a", "b"], [1, 1, 2, 2])
        assert (scores.true_positives, scores.predicted_pairs, scores.true_pairs) == (1, 3, 2)
        assert scores.precision == 1 / 3 and scores.recall == 1 / 2
