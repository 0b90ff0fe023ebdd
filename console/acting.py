"""An operator's decision, from a page or the API: check scope, put it on the bus, record it.

Order matters: the scope check first (404 for an alert the caller cannot see, exactly as if it did
not exist), then the action on operator.actions.v1 (acks=all: the worker will apply it), then the
SQL acknowledgement and the audit entry. If the bus refuses, nothing is recorded and the caller
hears 503; the decision is never claimed without being on its way to the worker.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from console.roles import Permission, Principal, can, sees_province
from console.service import ALERT_ACTIONS, LINK_ACTIONS, Forbidden
from console.web import ConsoleState

__all__ = ["ActionError", "act_on_alert", "review_link", "send_action"]

NOTE_LIMIT = 2000


class ActionError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def _alert_in_scope(st: ConsoleState, principal: Principal, alert_id: str) -> dict[str, Any] | None:
    alert = await asyncio.to_thread(st.hub.alert, principal, alert_id, at=None)   # the action is audited
    if alert is None:                     # not written to SQL yet: the live feed may have it
        live = st.broadcaster.latest.get(alert_id)
        if live is not None and sees_province(principal, live["province"]):
            alert = live
    return alert


def _scope_of(principal: Principal) -> dict[str, Any]:
    """The operator's role and provinces, on the action: the worker applies it only within them
    (`streams.worker.admission.action_refusal`), against its own state when it applies it."""
    return {"role": principal.role.value, "provinces": sorted(principal.provinces)}


async def send_action(st: ConsoleState, action: dict[str, Any]) -> None:
    """Publish `action` on operator.actions.v1 (503 when the bus is not there or refuses it)."""
    if st.actions is None:
        raise ActionError(503, "operator actions are unavailable: the console has no connection to the bus")
    try:
        await st.actions.send(action)
    except Exception as e:                 # broker down, timeout: the decision did not leave
        raise ActionError(503, f"the action could not be published, try again: {e}") from e
    st.metrics.published(action["kind"])


async def act_on_alert(st: ConsoleState, principal: Principal, alert_id: str, verb: str, note: str | None) -> dict[str, Any]:
    if not can(principal, Permission.ALERTS_ACT):
        raise Forbidden(f"{principal.role.value} users may not act on alerts")
    if verb not in ALERT_ACTIONS:
        raise ActionError(400, f"unknown action {verb!r}; one of {', '.join(ALERT_ACTIONS)}")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LIMIT:
        raise ActionError(400, f"the note is longer than {NOTE_LIMIT} characters")
    alert = await _alert_in_scope(st, principal, alert_id)
    if alert is None:
        raise ActionError(404, "no such alert in your provinces")
    if alert["state"] == "Resolved":
        raise ActionError(409, "the alert is resolved already")
    at = st.now()
    action = {"action_id": uuid.uuid4().hex, "kind": ALERT_ACTIONS[verb], "alert_id": alert_id, "person_id": None,
              "candidate_id": None, "province": alert["province"], "operator": principal.name, "note": note, "at": at,
              **_scope_of(principal)}
    await send_action(st, action)
    await asyncio.to_thread(st.hub.record_alert_action, principal, alert, verb, note, at, action["action_id"])
    if verb == "acknowledge":
        st.broadcaster.acknowledged_here(alert_id, at)
    return action


async def review_link(st: ConsoleState, principal: Principal, source_key: str, verb: str) -> dict[str, Any]:
    if not can(principal, Permission.LINKS_REVIEW):
        raise Forbidden(f"{principal.role.value} users may not review links")
    if verb not in LINK_ACTIONS:
        raise ActionError(400, f"unknown decision {verb!r}; one of {', '.join(LINK_ACTIONS)}")
    link = await asyncio.to_thread(st.hub.link, principal, source_key)
    if link is None:
        raise ActionError(404, "no such possible link awaiting review in your provinces")
    province = await asyncio.to_thread(st.hub.province_of_cases, principal, link["case_ids"])
    at = st.now()
    action = {"action_id": uuid.uuid4().hex, "kind": LINK_ACTIONS[verb][0], "alert_id": None,
              "person_id": link["person_id"], "candidate_id": link.get("candidate_id"), "province": province,
              "operator": principal.name, "note": f"source {source_key}", "at": at, **_scope_of(principal)}
    await send_action(st, action)
    await asyncio.to_thread(st.hub.record_link_review, principal, link, verb, province, at, action["action_id"])
    return action
