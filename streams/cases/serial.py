"""JSON-able forms of the fold's state (for faust tables, changelogs and snapshots): datetimes as
integer milliseconds since the epoch (UTC), dates as ISO strings, records as short lists."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from typing import Any

from streams.cases.book import CaseBook
from streams.cases.model import Case, CaseOrg, CasePerson, Mark, Period, PersonFile, TimelineEntry, Voyage

__all__ = ["ms", "from_ms", "case_to_dict", "case_from_dict", "voyage_to_list", "voyage_from_list",
           "book_to_dict", "book_from_dict"]

_i = sys.intern


def ms(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def case_to_dict(case: Case) -> dict[str, Any]:
    return {
        "case_id": case.case_id, "opened_at": ms(case.opened_at), "updated_at": ms(case.updated_at),
        "lead_province": case.lead_province, "provinces": list(case.provinces),
        "stage": case.stage, "status": case.status,
        "persons": [[p.person_id, list(p.roles), p.nationality,
                     p.dob_earliest.isoformat() if p.dob_earliest else None,
                     p.dob_latest.isoformat() if p.dob_latest else None,
                     ms(p.first_at), ms(p.last_at), p.joinable, ms(p.ended_at)] for p in case.persons],
        "orgs": [list(o) for o in case.orgs],
        "refs": [list(r) for r in case.refs],
        "timeline": [[e.event_id, e.event_type, e.agency, ms(e.occurred_at), e.province] for e in case.timeline],
        "marks": [[ms(m.at), m.kind, m.subject, m.value, ms(m.until_at)] for m in case.marks],
        "files": [[f.person_id, list(f.exploitation), list(f.means), f.interpreter, _period_to_list(f.period),
                   f.decided_by, f.decided_by_name] for f in case.files],
        "exploitation": list(case.exploitation),
        "number": case.number, "absorbed": list(case.absorbed),
    }


def _period_to_list(period: Period | None) -> list[Any] | None:
    if period is None:
        return None
    return [d.isoformat() if d else None for d in period[:2]] + list(period[2:])


def _period_from_list(data: list[Any] | None) -> Period | None:
    return None if data is None else Period(_day(data[0]), _day(data[1]), *data[2:])


def case_from_dict(data: dict[str, Any]) -> Case:
    return Case(
        case_id=data["case_id"], opened_at=from_ms(data["opened_at"]), updated_at=from_ms(data["updated_at"]),
        lead_province=_i(data["lead_province"]), provinces=tuple(_i(p) for p in data["provinces"]),
        stage=_i(data["stage"]), status=_i(data["status"]),
        persons=tuple(CasePerson(p[0], tuple(_i(r) for r in p[1]), p[2], _day(p[3]), _day(p[4]),
                                 from_ms(p[5]), from_ms(p[6]), bool(p[7]), from_ms(p[8]))
                      for p in data["persons"]),
        orgs=tuple(CaseOrg(o[0], _i(o[1]), o[2], bool(o[3])) for o in data["orgs"]),
        refs=tuple((_i(r[0]), r[1]) for r in data["refs"]),
        timeline=tuple(TimelineEntry(e[0], _i(e[1]), _i(e[2]), from_ms(e[3]), _i(e[4])) for e in data["timeline"]),
        marks=tuple(Mark(from_ms(m[0]), _i(m[1]), m[2], m[3], from_ms(m[4])) for m in data["marks"]),
        files=tuple(PersonFile(f[0], tuple(_i(x) for x in f[1]), tuple(_i(x) for x in f[2]), f[3],
                               _period_from_list(f[4]), f[5], f[6]) for f in data.get("files", ())),
        exploitation=tuple(_i(x) for x in data.get("exploitation", ())),
        number=data.get("number"), absorbed=tuple(data.get("absorbed", ())),
    )


def voyage_to_list(voyage: Voyage) -> list[Any]:
    return [voyage.voyage_id, voyage.vessel_key, ms(voyage.out_at), list(voyage.crew),
            voyage.vms_tracker_id, voyage.licence, voyage.province, voyage.event_id,
            ms(voyage.due_at) if voyage.due_at else None]


def voyage_from_list(data: list[Any]) -> Voyage:
    due = data[8] if len(data) > 8 else None
    return Voyage(data[0], data[1], from_ms(data[2]), tuple(data[3]), data[4], data[5], _i(data[6]), data[7],
                  from_ms(due) if due is not None else None)


def book_to_dict(book: CaseBook) -> dict[str, Any]:
    """The whole book (tests, snapshots); the worker stores namespaces key by key instead."""
    return {
        "cases": {k: case_to_dict(v) for k, v in book.cases.items()},
        "refs": dict(book.refs),
        "person_cases": {k: list(v) for k, v in book.person_cases.items()},
        "org_cases": {k: [v[0], ms(v[1])] for k, v in book.org_cases.items()},
        "voyages": {k: voyage_to_list(v) for k, v in book.voyages.items()},
        "merged": dict(book.merged),
        "org_names": dict(book.org_names),
        "held": {k: case_to_dict(v) for k, v in book.held.items()},
        "numbers": dict(book.numbers),
    }


def book_from_dict(data: dict[str, Any]) -> CaseBook:
    return CaseBook(
        cases={k: case_from_dict(v) for k, v in data["cases"].items()},
        refs=dict(data["refs"]),
        person_cases={k: tuple(v) for k, v in data["person_cases"].items()},
        org_cases={k: (v[0], from_ms(v[1])) for k, v in data["org_cases"].items()},
        voyages={k: voyage_from_list(v) for k, v in data["voyages"].items()},
        merged=dict(data["merged"]),
        org_names=dict(data.get("org_names", {})),
        held={k: case_from_dict(v) for k, v in data.get("held", {}).items()},
        numbers=dict(data.get("numbers", {})),
    )
