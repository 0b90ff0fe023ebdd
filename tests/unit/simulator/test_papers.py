"""The papers persons carry (issue 13 item 3): fishing crews' seabooks, migrants' certificates of
identity, non-Thai 13-digit IDs and pink cards whose leading zeros Excel ate reach the mapped events
as the truth declares them, and handing them out changes nothing else of the feed."""

from __future__ import annotations

from collections import Counter
from unittest import mock

import pytest

from simulator import generate
from tests.unit.simulator.conftest import START

PAPER_OF_KIND = {"Seabook": "seabook", "CertificateOfIdentity": "certificate_of_identity", "NonThaiId": "id13",
                 "PinkCard": "id13", "ThaiId": "id13"}


def mapped_papers(read, truth_records, feed):
    """(kind, value, true person's paper of that kind, written as) for every identifier of those kinds."""
    persons = feed.truth["persons"]
    for ref, truth in truth_records.items():
        if truth["expect"] != "intake":
            continue
        true_of = {p["ref"]: persons[p["person"]] for p in truth["persons"]}
        native = repr(read[ref].source.fields)
        for person in read[ref].event.record["envelope"]["persons"]:
            for found in person["identifiers"]:
                if found["kind"] in PAPER_OF_KIND:
                    true = true_of[person["person_ref"]][PAPER_OF_KIND[found["kind"]]]
                    yield ref, found["kind"], found["value"], true, found["value"] in native


class TestPapersInTheMappedEvents:
    def test_every_kind_is_carried_at_least_once(self, read, truth_records, feed):
        kinds = Counter(kind for _, kind, *_ in mapped_papers(read, truth_records, feed))
        assert {"Seabook", "CertificateOfIdentity", "NonThaiId", "PinkCard", "ThaiId"} <= set(kinds), kinds

    def test_each_is_the_paper_the_true_person_holds(self, read, truth_records, feed):
        wrong = [(ref, kind, value, true) for ref, kind, value, true, _ in mapped_papers(read, truth_records, feed)
                 if value != true]
        assert not wrong, wrong[:5]

    def test_every_seabook_and_certificate_a_record_writes_is_mapped(self, read, truth_records, feed):
        persons, missing, seen = feed.truth["persons"], [], 0
        for ref, truth in truth_records.items():
            if truth["expect"] != "intake":
                continue
            native = repr(read[ref].source.fields)
            mapped = {(i["kind"], i["value"]) for p in read[ref].event.record["envelope"]["persons"]
                      for i in p["identifiers"]}
            for person in truth["persons"]:
                for kind, paper in (("Seabook", "seabook"), ("CertificateOfIdentity", "certificate_of_identity")):
                    value = persons[person["person"]][paper]
                    if value and value in native:
                        seen += 1
                        if (kind, value) not in mapped:
                            missing.append((ref, kind, value))
        assert seen > 20 and not missing, missing[:5]

    def test_pink_cards_written_without_their_leading_zeros_are_padded_back(self, read, truth_records, feed):
        padded = [(ref, value) for ref, kind, value, true, written in mapped_papers(read, truth_records, feed)
                  if kind == "PinkCard" and not written and value.lstrip("0") in repr(read[ref].source.fields)]
        assert padded
        assert {truth_records[ref]["channel"] for ref, _ in padded} == {"labour-file"}

    def test_non_thai_ids_are_held_by_migrants_and_marked_by_their_leading_digit(self, feed):
        holders = [p for p in feed.truth["persons"].values() if p["id13_kind"] == "NonThaiId"]
        assert holders and all(p["nationality"] != "THA" for p in holders)
        assert {p["id13"][0] for p in holders} <= {"0", "6", "7"}
        assert not any(p["id13"].startswith("00") for p in holders)


class TestPapersInTheTruth:
    def test_crew_carry_seabooks_and_only_migrants_without_a_passport_a_certificate(self, feed):
        persons = feed.truth["persons"].values()
        crew = [p for p in persons if p["kind"] == "crew"]
        assert sum(1 for p in crew if p["seabook"]) > len(crew) / 2
        certified = [p for p in persons if p["certificate_of_identity"]]
        assert certified and all(p["passport"] is None and p["nationality"] != "THA" for p in certified)


@pytest.fixture(scope="module")
def without():
    """The default feed as it was before persons held the papers of `papers.py`."""
    with mock.patch("simulator.feed.papers", lambda sim, seed: None):
        return generate(7, start_at=START)


class TestPapersChangeNothingElse:
    def test_the_records_cases_and_alerts_stay_the_same(self, feed, without):
        def shape(f):
            return [(r.ref, r.kind, r.record_id, r.occurred_at, r.expect, r.dead_letter_code) for r in f.records]
        assert shape(feed) == shape(without)
        assert feed.truth["alerts"] == without.truth["alerts"]
        assert feed.truth["cases"] == without.truth["cases"]

    def test_records_of_persons_without_new_papers_are_written_as_before(self, feed, without):
        plain = {pid for pid, p in without.truth["persons"].items()
                 if (p["id13"], None, None) == (feed.truth["persons"][pid]["id13"],
                                                feed.truth["persons"][pid]["seabook"],
                                                feed.truth["persons"][pid]["certificate_of_identity"])}
        same = changed = 0
        for record, before, truth in zip(feed.records, without.records, feed.truth["records"]):
            if truth["persons"] and all(p["person"] in plain for p in truth["persons"]) \
                    and record.channel != "labour-file":
                same += record.native == before.native
                changed += record.native != before.native
        assert same > 100 and changed == 0
