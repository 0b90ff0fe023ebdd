"""The team lead's desk of a case (issue 13): assign its owner, record a trafficking-status decision,
close it. Pages and API alike call `act_on_case`.

The same order as every operator action (`console.acting`): the role and scope first (a case outside
the caller's provinces is 404, as if it did not exist; a case the caller sees but does not lead is
403), then the action on operator.actions.v1 (the worker applies it after its own check,
`streams.worker.admission.desk_refusal`), then the audit entry. The console writes nothing of the
desk to the views itself: the case view the worker publishes is the record.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from console import accounts
from console.acting import NOTE_LIMIT, ActionError, send_action
from console.roles import Permission, Principal, can, may_decide_on, may_own
from console.service import Forbidden, Service, scope
from console.web import ConsoleState
from streams.cases.desk import DECISION_BASES, TRAFFICKING_STATUSES
from streams.cases.model import JOIN_ROLES
from streams.views import tables as T
from streams.views.scope import case_visible, codes

__all__ = ["DESK_VERBS", "CaseHead", "case_head", "case_heads", "owner_candidates", "act_on_case"]

DESK_VERBS: dict[str, tuple[str, Permission, str]] = {    # verb: (OperatorAction kind, permission, audit action)
    "assign": ("AssignOwner", Permission.CASES_ASSIGN, "case.assign_owner"),
    "decide": ("DecideStatus", Permission.CASES_DECIDE, "case.decide_status"),
    "close": ("CloseCase", Permission.CASES_CLOSE, "case.close"),
}


@dataclass(frozen=True)
class CaseHead:
    """What a desk action needs to know of a case: where it is led, who is in it, its state."""

    case_id: str
    case_number: str | None
    lead_province: str
    owner: str | None
    closed: bool
    person_ids: tuple[str, ...]      # on the side of the exploited: whose status a decision is about


def case_head(hub: Service, principal: Principal, case_id: str) -> CaseHead | None:
    """The case in the caller's provinces (not merged away), None otherwise. Not audited: only read
    before an action, which is audited itself."""
    c, roles = T.cases.c, T.case_person_roles.c
    with hub.reader.connect() as conn:
        row = conn.execute(sa.select(T.cases).where(c.case_id == case_id, c.merged_into.is_(None),
                                                    case_visible(codes(scope(principal))))).mappings().first()
        if row is None:
            return None
        persons = tuple(dict.fromkeys(conn.execute(
            sa.select(roles.person_id).where(roles.case_id == case_id, roles.role.in_(sorted(JOIN_ROLES)))
            .order_by(roles.person_id)).scalars()))
    closed = bool((row["desk"] or {}).get("closed_at"))
    return CaseHead(case_id, row["case_number"], row["lead_province"], row["owner"], closed, persons)


def case_heads(hub: Service, principal: Principal, case_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Number and owner of the caller's cases among `case_ids` (the board's case headings)."""
    if not case_ids:
        return {}
    c = T.cases.c
    with hub.reader.connect() as conn:
        rows = conn.execute(sa.select(c.case_id, c.case_number, c.owner).where(
            c.case_id.in_(sorted(set(case_ids))), case_visible(codes(scope(principal))))).mappings()
        return {r["case_id"]: {"case_number": r["case_number"], "owner": r["owner"]} for r in rows}


def owner_candidates(hub: Service, lead_province: str) -> list[Principal]:
    """The users who may own a case led in `lead_province` (`roles.may_own`), by name."""
    with hub.writer.connect() as conn:
        return [u for u in accounts.list_users(conn) if may_own(u, lead_province)]


def _owner(hub: Service, name: str, lead_province: str) -> Principal:
    with hub.writer.connect() as conn:
        user = accounts.load_principal(conn, name)
    if user is None or not may_own(user, lead_province):
        raise ActionError(400, f"{name!r} is not a PSDHS officer of {lead_province}: only they own its cases")
    return user


def _fields(hub: Service, head: CaseHead, verb: str, form: Mapping[str, Any]) -> dict[str, Any]:
    """The action's fields of `verb` from the form or JSON body, checked (400 when they do not fit)."""
    note = str(form.get("note") or "").strip() or None
    if note is not None and len(note) > NOTE_LIMIT:
        raise ActionError(400, f"the note is longer than {NOTE_LIMIT} characters")
    if verb == "assign":
        owner = _owner(hub, str(form.get("owner") or "").strip().lower(), head.lead_province)
        return {"owner": owner.name, "owner_agency": owner.agency, "owner_provinces": sorted(owner.provinces),
                "note": note}
    if verb == "decide":
        person, status, basis = (str(form.get(k) or "") for k in ("person_id", "trafficking_status", "basis"))
        if person not in head.person_ids:
            raise ActionError(400, f"no possible victim {person!r} in case {head.case_number or head.case_id}")
        if status not in TRAFFICKING_STATUSES:
            raise ActionError(400, f"trafficking_status must be one of {', '.join(TRAFFICKING_STATUSES)}")
        if basis not in DECISION_BASES:
            raise ActionError(400, f"basis must be one of {', '.join(DECISION_BASES)}")
        return {"person_id": person, "trafficking_status": status, "status_basis": basis, "note": note}
    return {"note": note}


def _record(hub: Service, principal: Principal, head: CaseHead, audit_action: str, action: dict[str, Any]) -> None:
    hub.audit(principal, audit_action, head.case_id, action["at"], province=head.lead_province,
              action_id=action["action_id"], case_number=head.case_number, note=action["note"],
              **{k: action[k] for k in ("owner", "person_id", "trafficking_status", "status_basis") if action.get(k)})


async def act_on_case(st: ConsoleState, principal: Principal, case_id: str, verb: str,
                      form: Mapping[str, Any]) -> dict[str, Any]:
    """Publish the team lead's `verb` (assign, decide, close) on the case and audit it."""
    if verb not in DESK_VERBS:
        raise ActionError(400, f"unknown action {verb!r}; one of {', '.join(DESK_VERBS)}")
    kind, permission, audit_action = DESK_VERBS[verb]
    if not can(principal, permission):
        raise Forbidden(f"{principal.role.value} users may not {permission.value}")
    head = await asyncio.to_thread(case_head, st.hub, principal, case_id)
    if head is None:
        raise ActionError(404, "no such case in your provinces")
    if not may_decide_on(principal, head.lead_province):
        raise Forbidden(f"only a PSDHS team lead of {head.lead_province} decides on this case")
    if head.closed:
        raise ActionError(409, "the case is closed")
    fields = await asyncio.to_thread(_fields, st.hub, head, verb, form)
    action = {"action_id": uuid.uuid4().hex, "kind": kind, "alert_id": None, "person_id": None, "candidate_id": None,
              "province": head.lead_province, "operator": principal.name, "at": st.now(),
              "role": principal.role.value, "provinces": sorted(principal.provinces), "case_id": head.case_id,
              "agency": principal.agency, "owner": None, "owner_agency": None, "owner_provinces": [],
              "trafficking_status": None, "status_basis": None, **fields}
    await send_action(st, action)
    await asyncio.to_thread(_record, st.hub, principal, head, audit_action, action)
    return action
