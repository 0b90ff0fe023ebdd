"""The team lead's desk of one case (issue 13): who owns it, the trafficking-status decisions
recorded on it (who decided, when, on what), and whether it is closed.

The desk is what people decide about a case, not what the agencies' events say: it is kept beside
the case (`streams.rules.Hub.desks`, by case id), never folded from events, and changed only by
operator actions (`AssignOwner`, `DecideStatus`, `CloseCase`) that the worker admitted
(`streams.worker.admission.desk_refusal`). Pure values and functions: no Kafka, SQL or clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

__all__ = ["Desk", "StatusDecision", "assign_owner", "decide_status", "close_case", "merge_desks", "carry_desk", "rename_persons", "desk_fields",
           "TRAFFICKING_STATUSES", "DECISION_BASES"]

TRAFFICKING_STATUSES = ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking")
"""What a team lead may record (`sanpalang.htcds.TraffickingStatus` without Unknown: not a decision)."""
DECISION_BASES = ("NonPoliceGovernmentalOrganization", "CourtOrProsecution", "Police", "NGO", "Other")
"""What a decision rests on (`sanpalang.htcds.StatusDecisionMaker`): the provincial MDT screening
(NonPoliceGovernmentalOrganization, led by PSDHS) first, then a court or prosecutor."""


class StatusDecision(NamedTuple):
    person_id: str
    trafficking_status: str
    basis: str
    decided_by: str
    decided_at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Desk:
    owner: str | None = None
    owner_assigned_by: str | None = None
    owner_assigned_at: datetime | None = None
    decisions: tuple[StatusDecision, ...] = ()     # oldest first
    closed_by: str | None = None
    closed_at: datetime | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


_EMPTY = Desk()


def assign_owner(desk: Desk | None, owner: str, *, by: str, at: datetime) -> Desk:
    """The desk with `owner` owning the case (the same owner again changes nothing)."""
    desk = desk or _EMPTY
    if desk.owner == owner:
        return desk
    return replace(desk, owner=owner, owner_assigned_by=by, owner_assigned_at=at)


def decide_status(desk: Desk | None, person_id: str, status: str, basis: str, *, by: str, at: datetime,
                  note: str | None = None) -> Desk:
    """The desk with one more decision about `person_id`; earlier ones stay (the record of who
    decided what and when is the point). Raises ValueError for a status or basis not decidable."""
    if status not in TRAFFICKING_STATUSES:
        raise ValueError(f"{status!r} is not a trafficking status a team lead records: {', '.join(TRAFFICKING_STATUSES)}")
    if basis not in DECISION_BASES:
        raise ValueError(f"{basis!r} is not a basis of a status decision: {', '.join(DECISION_BASES)}")
    desk = desk or _EMPTY
    return replace(desk, decisions=(*desk.decisions, StatusDecision(person_id, status, basis, by, at, note)))


def close_case(desk: Desk | None, *, by: str, at: datetime) -> Desk:
    """The desk of a closed case (closing it again changes nothing: the first closing stands)."""
    desk = desk or _EMPTY
    return desk if desk.closed else replace(desk, closed_by=by, closed_at=at)


def merge_desks(survivor: Desk | None, absorbed: Desk | None) -> Desk | None:
    """The desk of a case another was merged into: the survivor's owner (the absorbed case's when it
    had none), every decision of both in time order, closed only if the survivor was (a merge
    brings new facts to the case: an open case absorbed into a closed one is still work)."""
    if absorbed is None or survivor is None:
        return survivor or (replace(absorbed, closed_by=None, closed_at=None) if absorbed else None)
    owner = survivor if survivor.owner else absorbed
    decisions = tuple(sorted(dict.fromkeys((*survivor.decisions, *absorbed.decisions)), key=lambda d: d.decided_at))
    return replace(survivor, owner=owner.owner, owner_assigned_by=owner.owner_assigned_by,
                   owner_assigned_at=owner.owner_assigned_at, decisions=decisions)


def carry_desk(desks: dict[str, Desk], removed: str, into: str) -> None:
    """Case `removed` was merged into `into`: its desk goes with it (`merge_desks`), in place."""
    if removed in desks:
        merged = merge_desks(desks.get(into), desks.pop(removed))
        if merged is not None:
            desks[into] = merged


def rename_persons(desks: dict[str, Desk], case_ids: Iterable[str], renamed: Mapping[str, str]) -> None:
    """The matcher merged persons (`renamed`: old id -> surviving id): decisions about them in the
    desks of `case_ids` now name the survivor, in place (as the case's persons and marks do)."""
    for case_id in case_ids:
        desk = desks.get(case_id)
        if desk is not None and any(d.person_id in renamed for d in desk.decisions):
            desks[case_id] = replace(desk, decisions=tuple(d._replace(person_id=renamed.get(d.person_id, d.person_id))
                                                           for d in desk.decisions))


def desk_fields(desk: Desk | None) -> dict[str, Any]:
    """The desk's fields of the `sanpalang.hub.CaseView` record."""
    desk = desk or _EMPTY
    return {"owner": desk.owner, "owner_assigned_by": desk.owner_assigned_by, "owner_assigned_at": desk.owner_assigned_at,
            "status_decisions": [d._asdict() for d in desk.decisions],
            "closed_by": desk.closed_by, "closed_at": desk.closed_at}
