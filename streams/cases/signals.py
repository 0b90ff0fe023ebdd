"""What the fold tells the cross-case rules (7, 8, 12, 13, and 9 for an overdue vessel): small
facts keyed by the subject they are about, so that a worker can send them to an index partitioned
by person id or organisation key."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

__all__ = ["PersonSeen", "OrgFlagged", "CaseMerged", "PersonsMerged", "OrgsNamed", "VoyageDeparted", "VoyageReturned",
           "Signal"]


class PersonSeen(NamedTuple):
    """A person appeared in a case: kind `appeared` (rescue, screening, inspection, hotline),
    `identified` (screened Actual), `left-shelter`, or `suspect`; `province` is the event's.
    Key: person_id."""

    person_id: str
    kind: str
    at: datetime
    case_id: str
    province: str


class OrgFlagged(NamedTuple):
    """An agency flagged an organisation (rule 8). Key: org_key. `case_id` None when the flagging
    event joined no case (a routine immigration detention at an employer)."""

    org_key: str
    kind: str
    name: str
    at: datetime
    agency: str
    case_id: str | None
    province: str


class CaseMerged(NamedTuple):
    """Case `from_case` merged into `into_case`; `subjects` are the person ids and organisation keys
    whose index entries mention it (send one copy per subject)."""

    from_case: str
    into_case: str
    subjects: tuple[str, ...]


class PersonsMerged(NamedTuple):
    """The matcher merged persons `merged` into `into`. Key: each merged id, then `into`."""

    merged: tuple[str, ...]
    into: str


class OrgsNamed(NamedTuple):
    """A registered organisation `into` was seen for the first time with a name in a province: the
    organisations recorded before by that name only there (`named`, their name keys) are it, and
    their flags count for it (rule 8), as they would had the registration come first. Key: each
    named key, then `into`."""

    named: tuple[str, ...]
    into: str


class VoyageDeparted(NamedTuple):
    """A vessel left port declaring when it will be back (`due_at`, rule 9 overdue). Key: org_key
    (the vessel)."""

    org_key: str
    voyage_id: str
    at: datetime
    due_at: datetime
    province: str


class VoyageReturned(NamedTuple):
    """A vessel reported back in port (a port-in of the voyage). Key: org_key."""

    org_key: str
    voyage_id: str
    at: datetime


Signal = PersonSeen | OrgFlagged | CaseMerged | PersonsMerged | OrgsNamed | VoyageDeparted | VoyageReturned
