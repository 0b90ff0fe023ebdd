"""Who has withdrawn consent: their tokens leave every consumer record published after it (issue 11).

Pure state kept by the correlator: a recorded `ConsentWithdrawn` (any scope: consumers are
research and reporting partners, and the conservative reading is that the person no longer wants to
be followed there) adds the withdrawing person's hub id; a merge of persons carries it to the
survivor. A later `ConsentRecorded` does not restore it: the tokens stay out (docs/consumers.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from streams.events import Event

__all__ = ["ConsentLedger", "WITHDRAWN_EVENT"]

WITHDRAWN_EVENT = "sanpalang.social.ConsentWithdrawn"


class ConsentLedger:
    def __init__(self) -> None:
        self.withdrawn: set[str] = set()

    def observe(self, event: Event, person_ids: Mapping[tuple[str, str], str]) -> bool:
        """An event correlated; `person_ids`: (event id, person ref) -> hub person id. True when it
        withdrew a person's consent."""
        if event.name != WITHDRAWN_EVENT:
            return False
        person = person_ids.get((event.event_id, event.details.get("person_ref") or ""))
        if person is None:
            return False
        self.withdrawn.add(person)
        return True

    def merged(self, merged: Iterable[str], into: str) -> None:
        if any(person in self.withdrawn for person in merged):
            self.withdrawn.add(into)
