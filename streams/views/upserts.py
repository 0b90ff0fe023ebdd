"""Idempotent writes of hub records, one statement per table and batch, inside the caller's transaction.

Each writer keeps the newest record per key (`rows.latest`), then runs one
``INSERT ... ON CONFLICT DO UPDATE ... WHERE <stored is older> RETURNING key`` (SQLite or PostgreSQL
dialect), so a row that is already as new is not written at all. Only the keys it returns - the
rows that really changed - get their child rows replaced: deleted and inserted again to match the
record exactly. Operator columns (`tables.OPERATOR`) are never in the SET list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from streams.views import rows as R
from streams.views import tables as T
from streams.views.errors import ViewSinkError

__all__ = ["write_cases", "write_alerts", "write_links", "write_referrals", "upsert"]

CHUNK = 500          # keys per DELETE ... IN (...): well under SQLite's variable limit


def _insert(conn: sa.Connection, table: sa.Table):
    name = conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise ViewSinkError(f"the case views support SQLite and PostgreSQL, not {name}")
    return insert(table)


def upsert(conn: sa.Connection, table: sa.Table, key: str, rows: Sequence[dict[str, Any]],
            newer: Callable[[sa.Table, Any], sa.ColumnElement[bool]]) -> set[str]:
    """Insert new rows, update those whose stored version `newer(table, excluded)` says is older;
    returns the keys written."""
    if not rows:
        return set()
    stmt = _insert(conn, table)
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[key]],
        set_={name: excluded[name] for name in T.worker_columns(table) if name != key},
        where=newer(table, excluded),
    ).returning(table.c[key])
    return {row[0] for row in conn.execute(stmt, list(rows))}


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(keys), CHUNK):
        yield keys[i:i + CHUNK]


def _replace_children(conn: sa.Connection, tables: Sequence[sa.Table], key: str, written: set[str],
                      children: Mapping[str, list[dict[str, Any]]]) -> None:
    keys = sorted(written)
    for table in reversed(tables):
        for chunk in _chunks(keys):
            conn.execute(sa.delete(table).where(table.c[key].in_(chunk)))
    for table in tables:
        rows = [row for row in children.get(table.name, ()) if row[key] in written]
        if rows:
            conn.execute(sa.insert(table), rows)      # executemany: SQLAlchemy batches it per dialect


def _case_newer(table: sa.Table, new: Any) -> sa.ColumnElement[bool]:
    return sa.or_(table.c.updated_at < new.updated_at,
                  sa.and_(table.c.updated_at == new.updated_at, table.c.view_digest != new.view_digest))


def write_cases(conn: sa.Connection, views: Iterable[Mapping[str, Any]]) -> int:
    """Apply case views (newest per case); returns how many cases changed."""
    views = R.latest(views, key=lambda v: v["case_id"], order=lambda v: R.utc(v["updated_at"], "updated_at"))
    mapped = [R.case_rows(v) for v in views]
    written = upsert(conn, T.cases, "case_id", [m.case for m in mapped], _case_newer)
    children: dict[str, list[dict[str, Any]]] = {name: [] for name in R.CASE_CHILDREN}
    for m in mapped:
        if m.case["case_id"] in written:
            for name, rows in m.children.items():
                children[name].extend(rows)
    _replace_children(conn, T.CASE_CHILD_TABLES, "case_id", written, children)
    return len(written)


def _alert_newer(table: sa.Table, new: Any) -> sa.ColumnElement[bool]:
    stored = sa.tuple_(table.c.raised_at, table.c.severity_rank, table.c.state_rank)
    incoming = sa.tuple_(new.raised_at, new.severity_rank, new.state_rank)
    return sa.or_(stored < incoming, sa.and_(stored == incoming, table.c.record_digest != new.record_digest))


def write_alerts(conn: sa.Connection, alerts: Iterable[Mapping[str, Any]]) -> int:
    """Apply alerts (newest per alert by `rows.alert_order`); the operator's columns stay."""
    rows = [R.alert_row(a) for a in alerts]
    rows = R.latest(rows, key=lambda r: r["alert_id"], order=R.alert_order)
    return len(upsert(conn, T.alerts, "alert_id", rows, _alert_newer))


def _link_newer(table: sa.Table, new: Any) -> sa.ColumnElement[bool]:
    return sa.or_(table.c.decided_at < new.decided_at,
                  sa.and_(table.c.decided_at == new.decided_at, table.c.record_digest != new.record_digest))


def write_links(conn: sa.Connection, links: Iterable[Mapping[str, Any]]) -> int:
    """Apply person links (newest decision per source person); the operator's review stays."""
    rows = R.latest((R.link_row(link) for link in links), key=lambda r: r["source_key"], order=lambda r: r["decided_at"])
    return len(upsert(conn, T.person_links, "source_key", rows, _link_newer))


def _digest_differs(table: sa.Table, new: Any) -> sa.ColumnElement[bool]:
    return table.c.record_digest != new.record_digest


def write_referrals(conn: sa.Connection, refs: Iterable[Mapping[str, Any]]) -> int:
    """Apply referrals (no version in the record: the last one per id wins)."""
    mapped = R.latest((R.referral_rows(r) for r in refs), key=lambda m: m[0]["referral_id"])
    written = upsert(conn, T.referrals, "referral_id", [row for row, _ in mapped], _digest_differs)
    persons = {"referral_persons": [p for _, ps in mapped for p in ps]}
    _replace_children(conn, (T.referral_persons,), "referral_id", written, persons)
    return len(written)
