"""The `sanpalang.hub.CaseView` record of a case, ready for `schemas.encode`: pseudonymised (hub
person ids, roles, screening outcome, minor or not, nationality - never a name or an identifier)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from streams.cases.ages import is_minor_on, local_date
from streams.cases.desk import Desk, desk_fields
from streams.cases.model import Case, Period, PersonFile
from streams.cases.stage import latest_outcomes

__all__ = ["case_view", "is_minor_in", "person_file"]


def is_minor_in(case: Case, person_id: str) -> bool | None:
    """Under 18 (or possibly, on an imprecise date of birth) at exploitation. The hub cannot know
    when exploitation began; it takes the case's earliest event as the latest day it can have
    happened, so that anyone possibly under 18 on that day counts as a minor."""
    person = case.person(person_id)
    return is_minor_on(person.dob, local_date(case.first_event_at)) if person else None


def case_view(case: Case, *, open_alert_ids: Iterable[str] = (), deadlines: Iterable[tuple[str, datetime]] = (),
              merged_into: str | None = None, desk: Desk | None = None) -> dict[str, Any]:
    """The CaseView record; `deadlines` are (rule key, due_at) pairs from the rules; `desk`: what the
    team lead decided (`streams.cases.desk`: a closed case's status is Closed, whatever its stage).
    Per-case values (outcomes, the day minority is judged on) are worked out once, not once per person."""
    outcomes = latest_outcomes(case.marks)
    day = local_date(case.first_event_at)
    files = {f.person_id: f for f in case.files}
    return {
        "case_id": case.case_id,
        "merged_into": merged_into,
        "lead_province": case.lead_province,
        "provinces": list(case.provinces),
        "stage": case.stage,
        "status": "Closed" if desk is not None and desk.closed else case.status,
        "persons": [{
            "person_id": p.person_id,
            "roles": sorted(set(p.roles)),
            "trafficking_status": outcomes.get(p.person_id),
            "is_minor": is_minor_on(p.dob, day),
            "nationality": p.nationality,
            **person_file(files.get(p.person_id)),
        } for p in case.persons],
        "organisations": [{"org_key": o.org_key, "kind": o.kind, "name": o.name} for o in case.orgs],
        "agency_case_refs": [{"agency": agency, "ref": ref} for agency, ref in case.refs],
        "timeline": [{"event_id": e.event_id, "event_type": e.event_type, "agency": e.agency,
                      "occurred_at": e.occurred_at, "province": e.province} for e in case.timeline],
        "deadlines": [{"rule": rule, "due_at": due_at} for rule, due_at in sorted(deadlines, key=lambda d: (d[1], d[0]))],
        "open_alert_ids": sorted(open_alert_ids),
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "exploitation_types": list(case.exploitation),
        "case_number": case.number,
        "absorbed_case_numbers": list(case.absorbed),
        **desk_fields(desk),
    }


def person_file(found: PersonFile | None) -> dict[str, Any]:
    """A person's case-file fields of the CaseView (HTCDS 2.0 victim context)."""
    if found is None:
        return dict(_NO_FILE)
    period = found.period
    return {"exploitation_types": list(found.exploitation), "means_of_control": list(found.means),
            "interpreter_language": found.interpreter,
            "exploitation_period": dict(zip(Period._fields, period)) if period else None,
            "status_decided_by": found.decided_by, "status_decided_by_name": found.decided_by_name}


_NO_FILE: dict[str, Any] = {"exploitation_types": [], "means_of_control": [], "interpreter_language": None,
                            "exploitation_period": None, "status_decided_by": None, "status_decided_by_name": None}
