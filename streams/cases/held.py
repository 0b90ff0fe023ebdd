"""A stranger's detention and deportation events (rule 5): an IDC admission or a deportation of a
person who is in no case joins nothing, yet is what rule 5 must see once the person turns up in a
case (named in a hotline report while still held, or linked later to a rescued person). They are
kept per person in the book's `held` namespace and added to the case the person joins within the
fold's `person_window`."""

from __future__ import annotations

from datetime import datetime

from streams.cases.book import CaseBook, Delta
from streams.cases.casework import add_fact, merge_cases, new_case
from streams.cases.config import FoldConfig
from streams.cases.events import Fact
from streams.cases.ids import case_id_for
from streams.cases.model import Case

__all__ = ["HELD", "keep_held", "with_held"]


HELD = frozenset({"DetentionAdmitted", "DetentionReleased", "DeportationScheduled", "DeportationHalted",
                  "DeportationExecuted"})
"""Routine immigration custody events kept for a person in no case (`CaseBook.held`): a stranger
in an IDC may turn out to be a potential victim (a hotline report naming them, or the matcher or an
operator joining them to a rescued person), and rule 5 fires while they are held."""


def keep_held(book: CaseBook, fact: Fact, delta: Delta, now: datetime) -> None:
    """An IDC or deportation event that joins no case: kept for its persons, not dropped."""
    if fact.event_type not in HELD:
        return
    held = book.namespace_after(delta, "held")
    for person_id in fact.joiners:
        kept = held.get(person_id)
        if kept is None:
            delta.held[person_id] = new_case(case_id_for(fact.event_id), fact, now)
        elif not kept.has_event(fact.event_id):
            delta.held[person_id] = add_fact(kept, fact, now)


def with_held(book: CaseBook, case: Case, fact: Fact, delta: Delta, now: datetime, config: FoldConfig) -> Case:
    """The case with the custody events kept for the event's persons (within `person_window`)."""
    held = book.namespace_after(delta, "held")
    kept = []
    for person_id in fact.joiners:
        found = held.get(person_id)
        if found is not None:
            delta.held[person_id] = None
            if abs(fact.occurred_at - found.timeline[-1].occurred_at) <= config.person_window:
                kept.append(found)
    return merge_cases(case, kept, now) if kept else case
