"""What the ``consumer`` principal may see: case views and alerts with every identifier replaced
by a keyed token and every name removed, and aggregates only when k-anonymous.

``for_consumer(name, record, key)`` is the one call: it returns a new record of the same schema
(ready for ``schemas.encode``) and refuses one that would still leak, so a field added to a schema
later fails closed (``leaks`` lists it as not reviewed) instead of flowing out. Pure.

The transform replaces ids the console and the worker rely on (case and alert ids, hub person ids),
so it belongs on topics that only consumers read; see docs/consumers.md.

**Nothing on a per-case record points at a person** (issue 11): times are cut to the day (UTC);
event types are folded into coarse stages (`COARSE_STAGES`: custody, detention and deportation are
all `Enforcement`, like a rescue); a person's nationality and minor flag are not on per-case records
(they are counted in the k-anonymous aggregates only); the persons of ``withdrawn`` (a recorded
consent withdrawal) are left out of later records and an alert about one of them names nobody.
`leaks` checks all of it, so a record that is not coarse fails closed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timezone
from typing import Any, Callable

from streams.privacy.tokens import PrivacyError, is_token, pseudonym

__all__ = ["CONSUMER_SCHEMAS", "COARSE_STAGES", "WITHHELD_RULES", "consumer_message", "for_consumer", "leaks", "shown",
           "to_day"]

CASE_VIEW, ALERT, AGGREGATE = "sanpalang.hub.CaseView", "sanpalang.hub.Alert", "sanpalang.hub.Aggregate"
CONSUMER_SCHEMAS = (CASE_VIEW, ALERT, AGGREGATE)

# Fields reviewed as free of names and identifiers (codes, enums, times, counts).
_PLAIN = {
    CASE_VIEW: {"lead_province", "provinces", "stage", "status", "deadlines", "opened_at", "updated_at",
                "exploitation_types"},
    ALERT: {"rule_number", "rule_key", "severity", "state", "province", "raised_at", "due_at", "resolved_at",
            "runbook_key", "acknowledged_at", "resolution", "version"},
    AGGREGATE: {"table_id", "population", "dimensions", "k", "total", "cells", "merged_cells", "computed_at"},
}
_TOKENS = {CASE_VIEW: {"case_id": "case", "merged_into": "case"}, ALERT: {"alert_id": "alert", "case_id": "case"}}
_NESTED = {CASE_VIEW: {"persons", "organisations", "agency_case_refs", "timeline", "open_alert_ids"},
           ALERT: {"subject", "message", "facts"}, AGGREGATE: set()}
_PERSON_PLAIN = {"roles", "trafficking_status", "is_minor", "nationality"}
_PERSON_WITHHELD = ("is_minor", "nationality")      # per person: only in the k-anonymous aggregates
# The case file of a person (issue 13): dates, district, place, interpreter language and who decided
# single a person out; consumers get the empty values, the case's forms of exploitation only.
_PERSON_FILE_EMPTY: dict[str, Any] = {"exploitation_types": [], "means_of_control": [], "interpreter_language": None,
                                      "exploitation_period": None, "status_decided_by": None, "status_decided_by_name": None}
# The human case numbers (TH57-2569-0042) name a case to the province's operators: consumers get none.
_CASE_WITHHELD: dict[str, Any] = {"case_number": None, "absorbed_case_numbers": [],
                                  # the team lead's desk (issue 13): officers' names, decisions about persons
                                  "owner": None, "owner_assigned_by": None, "owner_assigned_at": None,
                                  "status_decisions": [], "closed_by": None, "closed_at": None}
_CASE_TIMES, _ALERT_TIMES = ("opened_at", "updated_at"), ("raised_at", "due_at", "resolved_at", "acknowledged_at")
WITHHELD_RULES = frozenset({1, 4, 5, 13})
"""Rules whose alert alone says of one person what the consumer case view hides: s.29 custody (1),
a minor (4), immigration detention or deportation (5), charged as an offender (13). Consumers never
see these alerts; the k-anonymous aggregates count what they would."""

_STAGE_OF = {
    "Enforcement": ("RescueConducted", "CustodyStarted", "CustodyExtensionGranted", "CustodyEnded", "DetentionAdmitted",
                    "DetentionReleased", "DeportationScheduled", "DeportationCancelled", "DeportationExecuted"),
    "Report": ("TicacTipReceived", "HotlineReportReceived", "WorkerComplaintFiled", "InspectionCompleted",
               "RorBor1ScreeningSubmitted", "PipoInspectionFindingRecorded"),
    "Movement": ("BorderCrossingRecorded", "PipoPortOutReported", "PipoPortInReported", "EmployerChanged"),
    "Screening": ("MdtScreeningScheduled", "MdtScreeningCompleted"),
    "Protection": ("ShelterIntakeRecorded", "ShelterExitRecorded", "RightsInformed", "SupportPlanCreated",
                   "SupportPlanClosed", "FollowUpVisited", "ConsentRecorded", "ConsentWithdrawn"),
    "Prosecution": ("CriminalCaseOpened", "SuspectIdentified", "ProsecutionMilestoneRecorded"),
    "Return": ("RepatriationApproved", "RepatriationCompleted"),
}
COARSE_STAGES: dict[str, str] = {event: stage for stage, events in _STAGE_OF.items() for event in events}
"""Event type -> the coarse stage consumers see instead; a type not listed is `Other`."""
_STAGES = frozenset({*_STAGE_OF, "Other"})
WITHDRAWN = "withdrawn"
"""What an alert about a person who withdrew consent is keyed by instead of them (one token for all)."""


def to_day(value: datetime | None) -> datetime | None:
    """The UTC day a time falls on (its midnight): what consumers get instead of the time."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def _is_day(value: Any) -> bool:
    return value is None or (isinstance(value, datetime) and to_day(value) == value)
_TIMELINE_PLAIN = {"event_type", "agency", "occurred_at", "province"}


def consumer_message(alert: Mapping[str, Any]) -> str:
    """The message consumers get instead of the operators' text (which may name an employer,
    a vessel or a place): rule, severity and runbook only."""
    return f"Rule {alert['rule_number']} ({alert['rule_key']}), {alert['severity']}; runbook {alert['runbook_key']}."


def _subject_domain(subject: str) -> str:
    """Alert subjects are hub person ids (``prs_<hex>``) or organisation / vessel keys (``org:...``)."""
    return "org" if ":" in subject else "person"


def _case_view(record: Mapping[str, Any], token: Callable[[str, str], str],
               withdrawn: Collection[str]) -> dict[str, Any]:
    out = dict(record)
    out["case_id"] = token("case", record["case_id"])
    out["merged_into"] = token("case", record["merged_into"]) if record.get("merged_into") else None
    out["persons"] = [{**p, "person_id": token("person", p["person_id"]), **dict.fromkeys(_PERSON_WITHHELD),
                       **{k: v for k, v in _PERSON_FILE_EMPTY.items() if k in p}}
                      for p in record.get("persons") or () if p["person_id"] not in withdrawn]
    for field in _CASE_TIMES:
        out[field] = to_day(record[field])
    out["deadlines"] = [{**d, "due_at": to_day(d["due_at"])} for d in record.get("deadlines") or ()]
    out["organisations"] = [{**o, "org_key": token("org", o["org_key"]), "name": ""}
                            for o in record.get("organisations") or ()]
    out["agency_case_refs"] = [{**r, "ref": token("ref", f"{r['agency']}:{r['ref']}")}
                               for r in record.get("agency_case_refs") or ()]
    out["timeline"] = [{**e, "event_id": token("event", e["event_id"]), "occurred_at": to_day(e["occurred_at"]),
                        "event_type": COARSE_STAGES.get(e["event_type"], "Other")} for e in record.get("timeline") or ()]
    out["open_alert_ids"] = [token("alert", a) for a in record.get("open_alert_ids") or ()]
    for field, empty in _CASE_WITHHELD.items():
        if field in out:
            out[field] = empty
    return out


def _alert(record: Mapping[str, Any], token: Callable[[str, str], str], withdrawn: Collection[str]) -> dict[str, Any]:
    out = dict(record)
    out["alert_id"] = token("alert", record["alert_id"])
    out["case_id"] = token("case", record["case_id"]) if record.get("case_id") else None
    subject = WITHDRAWN if record["subject"] in withdrawn else record["subject"]
    out["subject"] = token(_subject_domain(subject), subject)
    for field in _ALERT_TIMES:
        out[field] = to_day(record.get(field))
    out["message"] = consumer_message(record)
    out["facts"] = {}                        # the message as data: names an employer, a vessel, other cases
    return out


def shown(name: str, record: Mapping[str, Any]) -> bool:
    """Whether consumers see this record at all (in its consumer form): not an alert of a
    `WITHHELD_RULES` rule."""
    return not (name == ALERT and record.get("rule_number") in WITHHELD_RULES)


def for_consumer(name: str, record: Mapping[str, Any], key: bytes, *,
                 withdrawn: Collection[str] = frozenset()) -> dict[str, Any]:
    """``record`` of schema ``name`` as the consumer principal may read it; raises PrivacyError
    for a schema not meant for consumers or a record that would still leak. ``withdrawn``: hub
    person ids whose consent was withdrawn (left out)."""
    def token(domain: str, value: str) -> str:
        return pseudonym(key, domain, value)
    if name == CASE_VIEW:
        out = _case_view(record, token, withdrawn)
    elif name == ALERT:
        out = _alert(record, token, withdrawn)
    elif name == AGGREGATE:
        out = dict(record)
    else:
        raise PrivacyError(f"{name} is not meant for consumers; they may read {', '.join(CONSUMER_SCHEMAS)}")
    if problems := leaks(name, out):
        raise PrivacyError(f"{name} would leak to consumers: {'; '.join(problems)}")
    return out


def _unreviewed(path: str, record: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    if record.keys() <= allowed:                    # the usual case, checked without a loop
        return []
    return [f"{path}{k}: field not reviewed for consumers" for k in record if k not in allowed]


_FIELDS = {name: frozenset(_PLAIN[name] | set(_TOKENS.get(name, {})) | _NESTED[name]
                           | (set(_CASE_WITHHELD) if name == CASE_VIEW else set())) for name in CONSUMER_SCHEMAS}
_PERSON_FIELDS = frozenset(_PERSON_PLAIN | {"person_id"} | set(_PERSON_FILE_EMPTY))
_ORG_FIELDS = frozenset({"org_key", "kind", "name"})
_REF_FIELDS = frozenset({"agency", "ref"})
_TIMELINE_FIELDS = frozenset(_TIMELINE_PLAIN | {"event_id"})


def leaks(name: str, record: Mapping[str, Any]) -> list[str]:
    """Where ``record`` would show consumers a name or a raw identifier: one line per field path;
    empty when the record is fit for them."""
    if name not in CONSUMER_SCHEMAS:
        return [f"{name}: not meant for consumers"]
    problems = _unreviewed("", record, _FIELDS[name])
    for field, domain in _TOKENS.get(name, {}).items():
        value = record.get(field)
        if value is not None and not is_token(value, domain):
            problems.append(f"{field}: raw id, not a {domain} token")
    if name == CASE_VIEW:
        problems += _case_view_leaks(record)
    elif name == ALERT:
        if not is_token(record.get("subject")):
            problems.append("subject: raw person id or organisation key, not a token")
        if record.get("message") != consumer_message(record):
            problems.append("message: operators' free text (may name an employer, a vessel or a place)")
        if record.get("facts"):
            problems.append("facts: the operators' message as data (may name an employer, a vessel or other cases)")
        problems += [f"{field}: a time, not a day" for field in _ALERT_TIMES if not _is_day(record.get(field))]
    elif name == AGGREGATE:
        problems += _aggregate_leaks(record)
    return problems


def _case_view_leaks(record: Mapping[str, Any]) -> list[str]:
    """Every nested record of a case view checked; paths (``timeline[3].``) are only written for
    a problem found (most views have none)."""
    problems: list[str] = [f"{field}: a time, not a day" for field in _CASE_TIMES if not _is_day(record.get(field))]
    problems += [f"{field}: the hub's case number, not for consumers" for field, empty in _CASE_WITHHELD.items()
                 if record.get(field, empty) != empty]
    problems += [f"deadlines[{i}].due_at: a time, not a day" for i, d in enumerate(record.get("deadlines") or ())
                 if not _is_day(d.get("due_at"))]
    for i, p in enumerate(record.get("persons") or ()):
        if not p.keys() <= _PERSON_FIELDS:
            problems += _unreviewed(f"persons[{i}].", p, _PERSON_FIELDS)
        problems += [f"persons[{i}].{field}: per person, only in the aggregates" for field in _PERSON_WITHHELD
                     if p.get(field) is not None]
        problems += [f"persons[{i}].{field}: the person's case file, not for consumers"
                     for field, empty in _PERSON_FILE_EMPTY.items() if p.get(field, empty) != empty]
        if not is_token(p.get("person_id"), "person"):
            problems.append(f"persons[{i}].person_id: hub person id, not a person token")
    for i, o in enumerate(record.get("organisations") or ()):
        if not o.keys() <= _ORG_FIELDS:
            problems += _unreviewed(f"organisations[{i}].", o, _ORG_FIELDS)
        if not is_token(o.get("org_key"), "org"):
            problems.append(f"organisations[{i}].org_key: registration number, vessel registration or name")
        if o.get("name"):
            problems.append(f"organisations[{i}].name: an organisation's name (may be a person's)")
    for i, r in enumerate(record.get("agency_case_refs") or ()):
        if not r.keys() <= _REF_FIELDS:
            problems += _unreviewed(f"agency_case_refs[{i}].", r, _REF_FIELDS)
        if not is_token(r.get("ref"), "ref"):
            problems.append(f"agency_case_refs[{i}].ref: an agency's case number")
    for i, e in enumerate(record.get("timeline") or ()):
        if not e.keys() <= _TIMELINE_FIELDS:
            problems += _unreviewed(f"timeline[{i}].", e, _TIMELINE_FIELDS)
        if not is_token(e.get("event_id"), "event"):
            problems.append(f"timeline[{i}].event_id: derived from an agency record id")
        if not _is_day(e.get("occurred_at")):
            problems.append(f"timeline[{i}].occurred_at: a time, not a day")
        if e.get("event_type") not in _STAGES:
            problems.append(f"timeline[{i}].event_type: an event type, not a coarse stage")
    problems += [f"open_alert_ids[{i}]: raw alert id" for i, a in enumerate(record.get("open_alert_ids") or ())
                 if not is_token(a, "alert")]
    return problems


def _aggregate_leaks(record: Mapping[str, Any]) -> list[str]:
    k = int(record.get("k") or 0)
    problems = [f"k: {k} is under CTDC's 11"] if k < 11 else []
    total = record.get("total")
    if total is not None and total < k:
        problems.append(f"total: {total} persons, under k")
    problems += [f"cells[{i}]: {c['count']} persons, under k" for i, c in enumerate(record.get("cells") or ())
                 if c["count"] < k]
    return problems
