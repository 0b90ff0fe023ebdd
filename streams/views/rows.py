"""Hub records -> table rows, and back: pure (no SQL, no clock, no environment).

The sink (`streams.views.sink`) is the shell: it asks this module which rows a record becomes and
which of two versions of a record is the newer, then writes. Every record is the decoded Avro dict
of its `sanpalang.hub.*` schema (datetimes timezone-aware).

Which version is newer:
- a case view by `updated_at`; on a tie the later arrival wins (the compacted topic keeps the last
  one too), and an identical view (same `view_digest`) is a no-op;
- an alert by `alert_order`: (raised_at, severity rank, state rank), which the alert lifecycle
  (`streams.rules.lifecycle`) never lowers: severity only rises while open, a resolution follows
  the firing it ends, a reopening is a new episode (later `raised_at`) or a higher severity;
- a person link by `decided_at`; a referral is last-writer-wins.
The Avro records carry no version number, hence these keys (see the package README note).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from streams.views.errors import ViewRecordError

__all__ = [
    "CASE_CHILDREN", "SEVERITY_RANK", "STATE_RANK", "RESOLVED", "ViewRecordError", "CaseRows",
    "utc", "digest", "case_rows", "view_from_rows", "alert_row", "alert_order", "ack_is_current",
    "link_key", "link_row", "referral_rows", "latest",
]

SEVERITY_RANK = {"Info": 1, "Warning": 2, "Critical": 3}
STATE_RANK = {"Firing": 1, "Acknowledged": 2, "Resolved": 3}
RESOLVED = "Resolved"

# Child tables of `cases`, parents first (insert in this order, delete in the reverse).
CASE_CHILDREN = ("case_provinces", "case_events", "case_persons", "case_person_roles", "case_organisations",
                 "case_agency_refs", "case_deadlines", "case_open_alerts")

T = TypeVar("T")


def utc(value: datetime | None, what: str = "datetime") -> datetime | None:
    """The same instant in UTC; a naive datetime is refused (the records are aware UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ViewRecordError(f"{what}: expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(timezone.utc)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON-able: {value!r}")


def digest(record: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON: equal digests, equal records."""
    text = json.dumps(record, default=_jsonable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CaseRows:
    """One case view as rows: the `cases` row and each child table's rows (keys of CASE_CHILDREN)."""

    case: dict[str, Any]
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _unique(view_id: str, what: str, keys: Iterable[Hashable]) -> None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise ViewRecordError(f"case view {view_id}: {what} {key!r} appears twice")
        seen.add(key)


def case_rows(view: Mapping[str, Any]) -> CaseRows:
    """The rows of a `sanpalang.hub.CaseView`; list order is kept in a `position` column."""
    cid = view["case_id"]
    persons, timeline = view.get("persons", []), view.get("timeline", [])
    _unique(cid, "province", view.get("provinces", []))
    _unique(cid, "person", (p["person_id"] for p in persons))
    _unique(cid, "event", (e["event_id"] for e in timeline))
    _unique(cid, "organisation", (o["org_key"] for o in view.get("organisations", [])))
    _unique(cid, "agency case reference", ((r["agency"], r["ref"]) for r in view.get("agency_case_refs", [])))
    _unique(cid, "open alert", view.get("open_alert_ids", []))
    for p in persons:
        _unique(cid, f"role of {p['person_id']}", p.get("roles", []))
    case = {
        "case_id": cid, "merged_into": view.get("merged_into"), "lead_province": view["lead_province"],
        "stage": view["stage"], "status": view["status"],
        "opened_at": utc(view["opened_at"], f"{cid}.opened_at"), "updated_at": utc(view["updated_at"], f"{cid}.updated_at"),
        "view_digest": digest(view),
        "case_file": _case_file(view),
        "case_number": view.get("case_number"),
        "owner": view.get("owner"),
        "desk": _desk(view),
    }
    children = {
        "case_provinces": [{"case_id": cid, "province": p, "position": i} for i, p in enumerate(view.get("provinces", []))],
        "case_events": [{"case_id": cid, "event_id": e["event_id"], "event_type": e["event_type"], "agency": e["agency"],
                         "occurred_at": utc(e["occurred_at"], f"{cid}.timeline.occurred_at"), "province": e["province"],
                         "position": i} for i, e in enumerate(timeline)],
        "case_persons": [{"case_id": cid, "person_id": p["person_id"], "trafficking_status": p.get("trafficking_status"),
                          "is_minor": p.get("is_minor"), "nationality": p.get("nationality"), "position": i}
                         for i, p in enumerate(persons)],
        "case_person_roles": [{"case_id": cid, "person_id": p["person_id"], "role": role, "position": j}
                              for p in persons for j, role in enumerate(p.get("roles", []))],
        "case_organisations": [{"case_id": cid, "org_key": o["org_key"], "kind": o["kind"], "name": o["name"], "position": i}
                               for i, o in enumerate(view.get("organisations", []))],
        "case_agency_refs": [{"case_id": cid, "agency": r["agency"], "ref": r["ref"], "position": i}
                             for i, r in enumerate(view.get("agency_case_refs", []))],
        "case_deadlines": [{"case_id": cid, "position": i, "rule": d["rule"], "due_at": utc(d["due_at"], f"{cid}.deadlines.due_at")}
                           for i, d in enumerate(view.get("deadlines", []))],
        "case_open_alerts": [{"case_id": cid, "alert_id": a, "position": i} for i, a in enumerate(view.get("open_alert_ids", []))],
    }
    return CaseRows(case, children)


_PERSON_FILE = ("exploitation_types", "means_of_control", "interpreter_language", "exploitation_period", "status_decided_by",
                "status_decided_by_name")
_NO_PERSON_FILE = {"exploitation_types": [], "means_of_control": [], "interpreter_language": None, "exploitation_period": None,
                   "status_decided_by": None, "status_decided_by_name": None}
_PERIOD_DAYS = ("started_on", "ended_on")


def _case_file(view: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON of `cases.case_file`: the view's case-file fields (dates as ISO text)."""
    persons = {}
    for p in view.get("persons", []):
        fields = {k: p.get(k, _NO_PERSON_FILE[k]) for k in _PERSON_FILE}
        if fields != _NO_PERSON_FILE:
            period = fields["exploitation_period"]
            if period:
                fields["exploitation_period"] = {**period, **{k: period[k].isoformat() for k in _PERIOD_DAYS if period.get(k)}}
            persons[p["person_id"]] = fields
    return {"exploitation_types": list(view.get("exploitation_types", [])), "persons": persons,
            "absorbed_case_numbers": list(view.get("absorbed_case_numbers", []))}


def _person_file(case_file: Mapping[str, Any] | None, person_id: str) -> dict[str, Any]:
    fields = dict(((case_file or {}).get("persons") or {}).get(person_id) or _NO_PERSON_FILE)
    period = fields.get("exploitation_period")
    if period:
        fields["exploitation_period"] = {**period, **{k: date.fromisoformat(period[k]) for k in _PERIOD_DAYS if period.get(k)}}
    return {**_NO_PERSON_FILE, **fields}


def _iso(at: datetime | None) -> str | None:
    return utc(at).isoformat() if at is not None else None


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _desk(view: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON of `cases.desk`: the view's desk fields but the owner (a column of its own), times
    as ISO text; None for a case nobody has decided on."""
    if not (view.get("owner") or view.get("status_decisions") or view.get("closed_at")):
        return None
    return {"owner_assigned_by": view.get("owner_assigned_by"), "owner_assigned_at": _iso(view.get("owner_assigned_at")),
            "status_decisions": [{**d, "decided_at": _iso(d["decided_at"])} for d in view.get("status_decisions", [])],
            "closed_by": view.get("closed_by"), "closed_at": _iso(view.get("closed_at"))}


def _desk_fields(desk: Mapping[str, Any] | None) -> dict[str, Any]:
    desk = desk or {}
    return {"owner_assigned_by": desk.get("owner_assigned_by"), "owner_assigned_at": _at(desk.get("owner_assigned_at")),
            "status_decisions": [{**d, "decided_at": _at(d["decided_at"])} for d in desk.get("status_decisions") or []],
            "closed_by": desk.get("closed_by"), "closed_at": _at(desk.get("closed_at"))}


def _ordered(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda r: r["position"])


def view_from_rows(case: Mapping[str, Any], children: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, Any]:
    """The `CaseView` record back from its rows (the inverse of `case_rows`)."""
    roles: dict[str, list[Mapping[str, Any]]] = {}
    for row in children.get("case_person_roles", ()):
        roles.setdefault(row["person_id"], []).append(row)
    return {
        "case_id": case["case_id"], "merged_into": case["merged_into"], "lead_province": case["lead_province"],
        "provinces": [r["province"] for r in _ordered(children.get("case_provinces", ()))],
        "stage": case["stage"], "status": case["status"],
        "persons": [{"person_id": p["person_id"], "roles": [r["role"] for r in _ordered(roles.get(p["person_id"], ()))],
                     "trafficking_status": p["trafficking_status"], "is_minor": p["is_minor"],
                     "nationality": p["nationality"], **_person_file(case.get("case_file"), p["person_id"])}
                    for p in _ordered(children.get("case_persons", ()))],
        "organisations": [{"org_key": o["org_key"], "kind": o["kind"], "name": o["name"]}
                          for o in _ordered(children.get("case_organisations", ()))],
        "agency_case_refs": [{"agency": r["agency"], "ref": r["ref"]} for r in _ordered(children.get("case_agency_refs", ()))],
        "timeline": [{"event_id": e["event_id"], "event_type": e["event_type"], "agency": e["agency"],
                      "occurred_at": e["occurred_at"], "province": e["province"]}
                     for e in _ordered(children.get("case_events", ()))],
        "deadlines": [{"rule": d["rule"], "due_at": d["due_at"]} for d in _ordered(children.get("case_deadlines", ()))],
        "open_alert_ids": [a["alert_id"] for a in _ordered(children.get("case_open_alerts", ()))],
        "opened_at": case["opened_at"], "updated_at": case["updated_at"],
        "exploitation_types": list((case.get("case_file") or {}).get("exploitation_types") or []),
        "case_number": case.get("case_number"),
        "absorbed_case_numbers": list((case.get("case_file") or {}).get("absorbed_case_numbers") or []),
        "owner": case.get("owner"),
        **_desk_fields(case.get("desk")),
    }


def alert_row(alert: Mapping[str, Any]) -> dict[str, Any]:
    """The worker's columns of an `alerts` row (never the operator's acknowledgement columns)."""
    aid = alert["alert_id"]
    try:
        severity_rank, state_rank = SEVERITY_RANK[alert["severity"]], STATE_RANK[alert["state"]]
    except KeyError as e:
        raise ViewRecordError(f"alert {aid}: unknown severity or state {e.args[0]!r}") from e
    return {
        "alert_id": aid, "rule_number": alert["rule_number"], "rule_key": alert["rule_key"],
        "severity": alert["severity"], "severity_rank": severity_rank, "state": alert["state"], "state_rank": state_rank,
        "province": alert["province"], "case_id": alert.get("case_id"), "subject": alert["subject"],
        "raised_at": utc(alert["raised_at"], f"{aid}.raised_at"), "due_at": utc(alert.get("due_at"), f"{aid}.due_at"),
        "resolved_at": utc(alert.get("resolved_at"), f"{aid}.resolved_at"),
        "runbook_key": alert["runbook_key"], "message": alert["message"], "facts": dict(alert.get("facts") or {}),
        "record_digest": digest(alert),
    }


def alert_order(alert: Mapping[str, Any]) -> tuple[datetime, int, int]:
    """The alert lifecycle never lowers this key (module doc); a record or an `alerts` row."""
    return utc(alert["raised_at"]), SEVERITY_RANK[alert["severity"]], STATE_RANK[alert["state"]]


def ack_is_current(row: Mapping[str, Any]) -> bool:
    """An operator's acknowledgement holds while the alert is open and is still the alert the operator
    saw: same episode (raised_at) and no higher severity since. The columns themselves are kept."""
    if row.get("state") == "Acknowledged":
        return True
    return (row.get("acknowledged_at") is not None and row["state"] != RESOLVED
            and row.get("acknowledged_raised_at") == row["raised_at"]
            and SEVERITY_RANK.get(row.get("acknowledged_severity"), 0) >= row["severity_rank"])


def link_key(link: Mapping[str, Any]) -> str:
    """`agency:source_event_id:person_ref`: one hub decision per person in one event."""
    return f"{link['agency']}:{link['source_event_id']}:{link['person_ref']}"


def link_row(link: Mapping[str, Any]) -> dict[str, Any]:
    key = link_key(link)
    return {
        "source_key": key, "agency": link["agency"], "source_event_id": link["source_event_id"],
        "person_ref": link["person_ref"], "person_id": link["person_id"], "weight": float(link["weight"]),
        "decision": link["decision"], "matcher_version": link["matcher_version"], "merged_from": link.get("merged_from"),
        "candidate_id": link.get("candidate_id"), "decided_at": utc(link["decided_at"], f"{key}.decided_at"), "record_digest": digest(link),
    }


def referral_rows(ref: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `referrals` row and its `referral_persons` rows."""
    rid = ref["referral_id"]
    _unique(rid, "person", ref.get("person_ids", []))
    row = {
        "referral_id": rid, "to_agency": ref["to_agency"], "from_rule_key": ref.get("from_rule_key"),
        "from_stage": ref.get("from_stage"), "case_id": ref["case_id"], "province": ref["province"],
        "reason_code": ref["reason_code"], "reason": ref["reason"], "requested_action": ref["requested_action"],
        "created_at": utc(ref["created_at"], f"{rid}.created_at"), "record_digest": digest(ref),
    }
    return row, [{"referral_id": rid, "person_id": p, "position": i} for i, p in enumerate(ref.get("person_ids", []))]


def latest(records: Iterable[T], key: Callable[[T], str], order: Callable[[T], Any] | None = None) -> list[T]:
    """Per key, the newest record by `order` (ties: the later one; no order: the last one), sorted
    by key so that concurrent writers lock rows in the same order."""
    best: dict[str, tuple[Any, T]] = {}
    for record in records:
        k = key(record)
        rank = order(record) if order else None
        if k not in best or order is None or not rank < best[k][0]:
            best[k] = (rank, record)
    return [best[k][1] for k in sorted(best)]

