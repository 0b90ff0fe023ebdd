"""The person directory's pure part: what is kept of a person in an intake event."""

from __future__ import annotations

import schemas
from console.directory import display_names, entries_of


class TestEntries:
    def test_each_person_of_the_event_is_kept_with_their_spellings(self):
        event = schemas.example("sanpalang.police.RescueConducted")
        entries = entries_of(event)
        victim = next(e for e in entries if e.person_ref == "p1")
        assert victim.event_id == event["envelope"]["event_id"] and victim.agency == "police"
        assert victim.names == ("Aye Aye Khaing", "အေးအေးခိုင်")

    def test_identifiers_are_kept_masked_only(self):
        victim = entries_of(schemas.example("sanpalang.police.RescueConducted"))[0]
        assert victim.identifiers == (("PinkCard", "•" * 12 + "90-1"),)

    def test_a_person_without_names_or_identifiers_is_kept_empty(self):
        event = {"envelope": {"event_id": "e1", "agency": "labour",
                              "persons": [{"person_ref": "w1", "names": [], "identifiers": []}]}}
        assert entries_of(event)[0].names == () and entries_of(event)[0].identifiers == ()


class TestDisplay:
    def test_spellings_are_shown_once_across_agencies_and_capped(self):
        assert display_names([("Somchai", "สมชาย"), ("Somchay", "Somchai"), ("A", "B", "C")], limit=4) == \
            ["Somchai", "สมชาย", "Somchay", "A"]
