"""The fold's state survives a snapshot (the worker pickles it), and expiry forgets what is done."""

import pickle

from streams.cases import CaseBook, expire, fold
from streams.cases.config import FoldConfig
from tests.unit.streams.cases.builders import at, event, org, person

A, B = person("A", age=17), person("B")
EVENTS = [event("RescueConducted", at(0), A, ref="R1", orgs=(org("o1", registration="99"),)),
          event("CustodyExtensionGranted", at(1), A, extended_until=at(5)),
          event("PipoPortOutReported", at(2), B, voyage_id="V1", crew_person_refs=["B"]),
          event("HotlineReportReceived", at(3), B),
          event("DetentionAdmitted", at(3), person("X", "Other"))]        # a stranger's custody: kept (held)


def run(book, events):
    for ev in events:
        book.apply(fold(book, ev.event, ev.person_ids, ev.occurred_at).delta)
    return book


class TestState:
    def test_the_book_survives_a_snapshot(self):
        book = run(CaseBook(), EVENTS)
        assert book.held and pickle.loads(pickle.dumps(book)) == book

    def test_folding_goes_on_identically_after_a_snapshot(self):
        later = [event("ShelterIntakeRecorded", at(4), A, B, shelter_kind="Temporary")]
        straight = run(run(CaseBook(), EVENTS), later)
        restored = run(pickle.loads(pickle.dumps(run(CaseBook(), EVENTS))), later)
        assert restored == straight

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
