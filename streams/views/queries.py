"""What the console and the API read: functions of a connection, returning plain dicts.

Every function takes the caller's provinces, and there is no default: a provincial operator passes
their province codes, a national operator passes `ALL_PROVINCES` explicitly. A case is in a
province when it is its lead province or one it touches (`CaseView.provinces`); an alert and a
referral by their own `province`; a possible link by the cases its event belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from streams.cases.ids import parse_case_number
from streams.views import rows as R
from streams.views import tables as T
from streams.views.scope import ALL_PROVINCES, AllProvinces, Provinces, case_visible, codes, in_provinces

__all__ = ["ALL_PROVINCES", "AllProvinces", "Provinces", "search_cases", "count_cases", "case_detail",
           "open_alerts", "possible_links", "search_referrals"]


_INTERNAL = {"view_digest", "record_digest", "severity_rank", "state_rank", "case_file", "desk"}


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _INTERNAL}


def _number_filter(number: str) -> sa.ColumnElement[bool]:
    """A whole case number as written (`th57-2569-42`) finds that case; anything else is the start of
    numbers (`TH57-2569` lists Chiang Rai's cases of B.E. 2569)."""
    whole = parse_case_number(number)
    if whole:
        return T.cases.c.case_number == whole
    prefix = number.strip().upper()
    return T.cases.c.case_number.startswith(prefix, autoescape=True) if prefix else sa.false()


def _case_filters(provinces: Provinces, stage: str | None, agency: str | None, since: datetime | None,
                  until: datetime | None, include_merged: bool, number: str | None = None) -> list[sa.ColumnElement[bool]]:
    c = T.cases.c
    where = [case_visible(codes(provinces))]
    if number:
        where.append(_number_filter(number))
        include_merged = True     # an absorbed number finds the merged case, which names its survivor
    if stage is not None:
        where.append(c.stage == stage)
    if agency is not None:
        ev, ref = T.case_events, T.case_agency_refs
        where.append(sa.or_(sa.exists().where(ev.c.case_id == c.case_id, ev.c.agency == agency),
                            sa.exists().where(ref.c.case_id == c.case_id, ref.c.agency == agency)))
    if since is not None:             # active in [since, until): updated on or after since ...
        where.append(c.updated_at >= R.utc(since, "since"))
    if until is not None:             # ... and opened before until
        where.append(c.opened_at < R.utc(until, "until"))
    if not include_merged:
        where.append(c.merged_into.is_(None))
    return where


def search_cases(conn: sa.Connection, provinces: Provinces, *, stage: str | None = None, agency: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, include_merged: bool = False,
                 limit: int = 50, offset: int = 0, number: str | None = None) -> list[dict[str, Any]]:
    """Cases in the caller's provinces, most recently updated first. ``agency``: an agency with an
    event or a case reference in the case; ``since``/``until``: cases active in that window.
    ``number``: a case number, whole or its start (merged cases included). Each dict: the `cases`
    columns and ``provinces`` (the view's list)."""
    where = _case_filters(provinces, stage, agency, since, until, include_merged, number)
    query = (sa.select(T.cases).where(*where).order_by(T.cases.c.updated_at.desc(), T.cases.c.case_id)
             .limit(limit).offset(offset))
    found = [_public(r._mapping) for r in conn.execute(query)]
    touched = _provinces_of(conn, [f["case_id"] for f in found])
    for f in found:
        f["provinces"] = touched.get(f["case_id"], [])
    return found


def count_cases(conn: sa.Connection, provinces: Provinces, *, stage: str | None = None, agency: str | None = None,
                since: datetime | None = None, until: datetime | None = None, include_merged: bool = False,
                number: str | None = None) -> int:
    """How many cases `search_cases` would find without limit and offset."""
    where = _case_filters(provinces, stage, agency, since, until, include_merged, number)
    return conn.execute(sa.select(sa.func.count()).select_from(T.cases).where(*where)).scalar_one()


def _provinces_of(conn: sa.Connection, case_ids: list[str]) -> dict[str, list[str]]:
    if not case_ids:
        return {}
    cp = T.case_provinces
    out: dict[str, list[str]] = {}
    for case_id, province in conn.execute(sa.select(cp.c.case_id, cp.c.province).where(cp.c.case_id.in_(case_ids))
                                          .order_by(cp.c.case_id, cp.c.position)):
        out.setdefault(case_id, []).append(province)
    return out


def case_detail(conn: sa.Connection, case_id: str, provinces: Provinces) -> dict[str, Any] | None:
    """The case as its `CaseView` record, plus ``alerts`` (the case's alerts in the caller's provinces,
    board order); None when there is no such case or it is not in the caller's provinces."""
    scope = codes(provinces)
    case = conn.execute(sa.select(T.cases).where(T.cases.c.case_id == case_id, case_visible(scope))).mappings().first()
    if case is None:
        return None
    children = {table.name: [dict(r) for r in conn.execute(sa.select(table).where(table.c.case_id == case_id)).mappings()]
                for table in T.CASE_CHILD_TABLES}
    detail = R.view_from_rows(case, children)
    detail["alerts"] = _alerts(conn, [T.alerts.c.case_id == case_id, in_provinces(T.alerts.c.province, scope)])
    return detail


def _alerts(conn: sa.Connection, where: list[sa.ColumnElement[bool]], limit: int | None = None) -> list[dict[str, Any]]:
    a = T.alerts.c
    query = (sa.select(T.alerts).where(*where)
             .order_by(a.severity_rank.desc(), a.due_at.asc().nulls_last(), a.raised_at, a.alert_id).limit(limit))
    out = []
    for row in conn.execute(query).mappings():
        alert = _public(row)
        alert["acknowledged"] = R.ack_is_current(row)
        out.append(alert)
    return out


def open_alerts(conn: sa.Connection, provinces: Provinces, *, limit: int = 500) -> list[dict[str, Any]]:
    """The alert board: alerts not resolved in the caller's provinces, most severe first, then the
    nearest deadline (none last). ``acknowledged`` tells whether an acknowledgement still holds."""
    return _alerts(conn, [T.alerts.c.state != R.RESOLVED, in_provinces(T.alerts.c.province, codes(provinces))], limit)


def _link_cases(scope: frozenset[str] | None) -> sa.Select:
    ev = T.case_events
    return (sa.select(ev.c.event_id, ev.c.case_id).join(T.cases, T.cases.c.case_id == ev.c.case_id)
            .where(case_visible(scope)))


def possible_links(conn: sa.Connection, provinces: Provinces, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Possible links awaiting an operator's review, oldest decision first, each with ``case_ids``:
    the caller's cases its event is in. A provincial operator sees those of their cases only."""
    scope = codes(provinces)
    pl = T.person_links
    where = [pl.c.decision == "Possible", pl.c.reviewed_at.is_(None)]
    if scope is not None:
        visible = _link_cases(scope).subquery()
        where.append(sa.exists().where(visible.c.event_id == pl.c.source_event_id))
    query = sa.select(pl).where(*where).order_by(pl.c.decided_at, pl.c.source_key).limit(limit).offset(offset)
    links = [_public(r) for r in conn.execute(query).mappings()]
    events = sorted({link["source_event_id"] for link in links})
    cases: dict[str, list[str]] = {}
    if events:
        sub = _link_cases(scope).where(T.case_events.c.event_id.in_(events)).order_by(T.case_events.c.case_id)
        for event_id, case_id in conn.execute(sub):
            cases.setdefault(event_id, []).append(case_id)
    for link in links:
        link["case_ids"] = cases.get(link["source_event_id"], [])
    return links


def search_referrals(conn: sa.Connection, provinces: Provinces, *, to_agency: str | None = None, case_id: str | None = None,
                     limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Referrals in the caller's provinces (an agency liaison: ALL_PROVINCES and its ``to_agency``),
    newest first, each with ``person_ids``."""
    r = T.referrals.c
    where = [in_provinces(r.province, codes(provinces))]
    if to_agency is not None:
        where.append(r.to_agency == to_agency)
    if case_id is not None:
        where.append(r.case_id == case_id)
    query = sa.select(T.referrals).where(*where).order_by(r.created_at.desc(), r.referral_id).limit(limit).offset(offset)
    found = [_public(row) for row in conn.execute(query).mappings()]
    rp = T.referral_persons.c
    persons: dict[str, list[str]] = {}
    if found:
        ids = [f["referral_id"] for f in found]
        for rid, pid in conn.execute(sa.select(rp.referral_id, rp.person_id).where(rp.referral_id.in_(ids))
                                     .order_by(rp.referral_id, rp.position)):
            persons.setdefault(rid, []).append(pid)
    for f in found:
        f["person_ids"] = persons.get(f["referral_id"], [])
    return found
