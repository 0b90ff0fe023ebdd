"""What may enter the worker, decided from where a record came from, never from what it says it is.

Two checks, both pure (no Kafka, no clock):

**A record is what its topic says** (`refusal`). A source topic admits only the schemas the
catalogue gives it (`schemas/topics.toml`, `value`): `intake.<agency>.v1` only that agency's event
types, with that agency in the envelope; `operator.actions.v1` only `OperatorAction`, and only
the console principal may write it (its ACL). The schema name inside the bytes is a claim of the
writer; the topic is what the broker vouches for. The lane's own entries (ticks, `flush`) are
admitted from the lane alone: a `tick:` written to an intake topic would move the hub's clock.

**An operator action takes effect only within its operator's scope** (`action_refusal`). The
console checked the operator before it published the action; the worker checks again, from the
scope the action records (role and provinces, as the console knew them when the operator acted)
against the hub's state when the action is applied: every case a link confirmation would rewrite
or merge, the alert an acknowledgement or resolution touches. A forged action (no scope), a role
that may not act, or a stale one (the persons were merged into another province's case since) is
refused there, whatever the console said.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schemas.catalogue import Catalogue, CatalogueError, load_catalogue

__all__ = ["Refusal", "refusal", "action_refusal", "desk_refusal", "refused_record", "ACTION_SCHEMA", "ACTING_ROLES",
           "DESK_KINDS", "DESK_AGENCY", "HUB_DLQ", "REFUSED_SCHEMA", "ACTIONS_TOPIC"]

ACTION_SCHEMA = "sanpalang.hub.OperatorAction"
ACTIONS_TOPIC = "operator.actions.v1"
HUB_DLQ, REFUSED_SCHEMA = "dlq.hub.v1", "sanpalang.hub.RefusedRecord"
ACTING_ROLES = frozenset({"national", "provincial", "team_lead"})
"""The console's roles that may act on alerts and links (`console.roles.PERMISSIONS`)."""
DESK_KINDS = frozenset({"AssignOwner", "DecideStatus", "CloseCase"})
"""Actions on a case's desk (issue 13): a team lead's only."""
DESK_AGENCY = "social"
"""PSDHS (the Provincial Office of Social Development and Human Security) leads the provincial MDT:
its team lead decides on a case, and only its officers own one."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a record is not applied: a short machine code and the reason in words."""

    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


def _carries(catalogue: Catalogue, topic: str, schema: str) -> tuple[Refusal | None, str | None]:
    """(why `topic` never carries `schema` records, or None; the agency its envelopes must name)."""
    try:
        declared = catalogue.topic(topic)
    except CatalogueError:
        return Refusal("unknown-topic", f"{topic} is not a topic of the catalogue"), None
    if declared.value_pattern is None or not fnmatch.fnmatchcase(schema, declared.value_pattern):
        return Refusal("wrong-topic", f"{schema} records do not belong on {topic} "
                                      f"(it carries {declared.value_pattern or declared.value_format})"), None
    return None, declared.agency


@functools.lru_cache(maxsize=1024)
def _carries_by_default(topic: str, schema: str) -> tuple[Refusal | None, str | None]:
    return _carries(load_catalogue(), topic, schema)


def refusal(topic: str, schema: str, record: Mapping[str, Any],
            catalogue: Catalogue | None = None) -> Refusal | None:
    """None when `topic` may carry a `schema` record with this content; otherwise why not."""
    refused, agency = (_carries(catalogue, topic, schema) if catalogue is not None
                       else _carries_by_default(topic, schema))
    if refused is not None:
        return refused
    if agency is not None:
        envelope = record.get("envelope") or {}
        if envelope.get("agency") != agency:
            return Refusal("wrong-agency", f"an event of agency {envelope.get('agency')!r} on {topic}, "
                                           f"which only {agency} writes")
    return None


def _visible(case_provinces: Iterable[str], provinces: frozenset[str]) -> bool:
    return any(p in provinces for p in case_provinces)


def action_refusal(action: Mapping[str, Any], *, touched: Iterable[tuple[str, Iterable[str]]] = (),
                   alert_province: str | None = None) -> Refusal | None:
    """None when the action's recorded operator may take it here and now.

    `touched`: (case id, provinces of the case: lead first, then those it touches) for every case the
    action would change (for a link confirmation: every case of either person). `alert_province`:
    the province of the alert an alert action is on. A provincial operator's action applies only
    when each of those is in their provinces (a case is theirs when it leads in or touches one of
    them, as the console's views show it); a national operator's everywhere; any other role, or an
    action without a role (not made by this console), never."""
    role = action.get("role")
    if role not in ACTING_ROLES:
        return Refusal("no-authority", f"operator {action.get('operator')!r} acted with role {role!r}, "
                                       f"not one of {', '.join(sorted(ACTING_ROLES))}")
    if role == "national":
        return None
    provinces = frozenset(action.get("provinces") or ())
    if not provinces:
        return Refusal("out-of-scope", "a provincial action that names no province")
    if action.get("province") not in provinces:
        return Refusal("out-of-scope", f"the action is in {action.get('province')}, not one of the operator's "
                                       f"provinces {', '.join(sorted(provinces))}")
    if alert_province is not None and alert_province not in provinces:
        return Refusal("out-of-scope", f"the alert is in {alert_province}, outside the operator's provinces")
    outside = sorted(case_id for case_id, case_provinces in touched if not _visible(case_provinces, provinces))
    if outside:
        return Refusal("out-of-scope", f"the action would change case(s) {', '.join(outside)}, outside the "
                                       f"operator's provinces {', '.join(sorted(provinces))}")
    return None


def desk_refusal(action: Mapping[str, Any], *, lead_province: str, closed: bool) -> Refusal | None:
    """None when the action's recorded operator may take this desk action on a case led in
    `lead_province` (`closed`: the case's team lead closed it already).

    Only a team lead of PSDHS whose provinces include the case's lead province decides on it: not a
    national or provincial operator, not a team lead of a province the case merely touches. An owner
    must be a PSDHS officer of the lead province, as the console knew them when the team lead
    assigned them. A closed case takes no more decisions (closing it again is harmless)."""
    operator = action.get("operator")
    if action.get("role") != "team_lead" or action.get("agency") != DESK_AGENCY:
        return Refusal("no-authority", f"operator {operator!r} acted as {action.get('role')!r} of "
                                       f"{action.get('agency')!r}, not as a team lead of {DESK_AGENCY}")
    provinces = frozenset(action.get("provinces") or ())
    if lead_province not in provinces or action.get("province") != lead_province:
        return Refusal("out-of-scope", f"the case is led in {lead_province}, not one of the team lead's provinces "
                                       f"{', '.join(sorted(provinces)) or '(none)'}")
    kind = action.get("kind")
    if closed and kind != "CloseCase":
        return Refusal("case-closed", f"case {action.get('case_id')} is closed: no more {kind}")
    if kind == "AssignOwner":
        if not action.get("owner"):
            return Refusal("no-owner", "an assignment that names no owner")
        if action.get("owner_agency") != DESK_AGENCY or lead_province not in (action.get("owner_provinces") or ()):
            return Refusal("wrong-owner", f"{action.get('owner')!r} is not a {DESK_AGENCY} officer of {lead_province}")
    return None


def refused_record(topic: str, refused: Refusal, original: bytes, produced_at: datetime, *,
                   partition: int | None = None, offset: int | None = None,
                   schema: str | None = None, key: str | None = None) -> tuple[str, dict[str, Any]]:
    """(key, record) of the dead letter on `HUB_DLQ` for a refused record."""
    key = key or f"{topic}:{partition}:{offset}"
    return key, {"topic": topic, "partition": partition, "offset": offset, "schema_name": schema,
                 "reason_code": refused.code, "reason": refused.reason, "original": original,
                 "produced_at": produced_at}
