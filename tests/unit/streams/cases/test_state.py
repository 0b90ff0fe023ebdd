"""The fold's state is JSON-able, survives a round trip, and works over any mutable mapping."""

import json
from collections.abc import MutableMapping

from streams.cases import CaseBook, book_from_dict, book_to_dict, case_from_dict, case_to_dict, expire, fold
from streams.cases.config import FoldConfig
from tests.unit.streams.cases.builders import at, event, org, person

A, B = person("A", age=17), person("B")
EVENTS = [event("RescueConducted", at(0), A, ref="R1", orgs=(org("o1", registration="99"),)),
          event("CustodyExtensionGranted", at(1), A, extended_until=at(5)),
          event("PipoPortOutReported", at(2), B, voyage_id="V1", crew_person_refs=["B"]),
          event("HotlineReportReceived", at(3), B),
          event("DetentionAdmitted", at(3), person("X", "Other"))]        # a stranger's custody: kept (held)


class Table(MutableMapping):
    """A stand-in for a faust table: values pass through JSON on every write."""

    def __init__(self, to_json, from_json):
        self.data, self.to_json, self.from_json = {}, to_json, from_json

    def __getitem__(self, key):
        return self.from_json(json.loads(self.data[key]))

    def __setitem__(self, key, value):
        self.data[key] = json.dumps(self.to_json(value))

    def __delitem__(self, key):
        del self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


def run(book, events):
    for ev in events:
        book.apply(fold(book, ev.event, ev.person_ids, ev.occurred_at).delta)
    return book


class TestState:
    def test_the_book_round_trips_through_json(self):
        book = run(CaseBook(), EVENTS)
        data = json.loads(json.dumps(book_to_dict(book)))
        assert book.held and book_from_dict(data) == book

    def test_folding_goes_on_identically_after_a_round_trip(self):
        later = [event("ShelterIntakeRecorded", at(4), A, B, shelter_kind="Temporary")]
        straight = run(run(CaseBook(), EVENTS), later)
        restored = run(book_from_dict(json.loads(json.dumps(book_to_dict(run(CaseBook(), EVENTS))))), later)
        assert book_to_dict(straight) == book_to_dict(restored)

    def test_each_case_round_trips_on_its_own(self):
        for case in run(CaseBook(), EVENTS).cases.values():
            assert case_from_dict(json.loads(json.dumps(case_to_dict(case)))) == case

    def test_namespaces_can_be_tables_that_store_json(self):
        tabled = CaseBook(cases=Table(case_to_dict, case_from_dict))
        assert book_to_dict(run(tabled, EVENTS)) == book_to_dict(run(CaseBook(), EVENTS))

    def test_expiry_forgets_closed_and_idle_cases_and_old_port_outs(self):
        book = run(CaseBook(), [*EVENTS, event("MdtScreeningCompleted", at(10), B, outcome="ActualVictimOfTrafficking"),
                                event("RepatriationCompleted", at(20), B, destination_country="MMR"),
                                event("FollowUpVisitRecorded", at(25), B, follow_up_complete=True)])
        config = FoldConfig(closed_retention=at(30) - at(0), idle_retention=at(400) - at(0))
        folded = expire(book, at(100), config)
        book.apply(folded.delta)
        assert [c.stage for c in folded.removed] == ["Closed"]
        assert not book.voyages and "B" not in book.person_cases
        assert len(book.cases) == 1 and "X" in book.held
        book.apply(expire(book, at(4) + FoldConfig().person_window, config).delta)
        assert not book.held                                  # a stranger's custody kept for person_window
        folded = expire(book, at(500), config)
        book.apply(folded.delta)
        assert not book.cases and not book.refs and not book.person_cases and not book.org_cases
