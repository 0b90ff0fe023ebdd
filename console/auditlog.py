"""Appending to and reading the audit log in SQL (the chain itself is `console.audit`), and the
audit key that keys it (`audit_key`: never in the database).

An append reads the chain head and writes the entry and the new head in the caller's
transaction: the head row is the lock (PostgreSQL row lock by ``FOR UPDATE``; SQLite's writer
engine begins IMMEDIATE), so concurrent appends queue and the chain stays a line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from console import store as S
from console.audit import KEY_MIN_BYTES, Anchor, AuditEntry, ChainBreak, next_entry, verify_chain
from runtime.private import generated_key

__all__ = ["append", "entries", "verify", "read_page", "head", "audit_key", "KEY_FILE"]

KEY_FILE = "audit.key"


def audit_key(home: Path, configured: str | None = None) -> bytes:
    """The audit chain's HMAC key: ``configured`` (`SANPALANG_AUDIT_KEY`) or the key file in
    ``home``, created on first use (0600, never replacing one another process made first). It is
    never written to the database: that is the point."""
    key = configured.encode("utf-8") if configured else generated_key(Path(home) / KEY_FILE)
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"the audit key must be at least {KEY_MIN_BYTES} bytes (SANPALANG_AUDIT_KEY)")
    return key


def head(conn: sa.Connection, *, lock: bool = False) -> tuple[int, str]:
    query = sa.select(S.audit_head.c.seq, S.audit_head.c.digest).where(S.audit_head.c.id == 1)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).one()
    return int(row.seq), row.digest


def append(conn: sa.Connection, key: bytes, *, at: datetime, actor: str, role: str, action: str, target: str,
           province: str | None = None, detail: Mapping[str, Any] | None = None) -> AuditEntry:
    seq, digest = head(conn, lock=True)
    entry = next_entry((seq, digest) if seq else None, key, at=at, actor=actor, role=role, action=action, target=target,
                       province=province, detail=detail)
    conn.execute(sa.insert(S.audit_log).values(
        seq=entry.seq, at=entry.at, actor=entry.actor, role=entry.role, action=entry.action, target=entry.target,
        province=entry.province, detail=entry.detail, prev_digest=entry.prev_digest, digest=entry.digest))
    conn.execute(sa.update(S.audit_head).where(S.audit_head.c.id == 1).values(seq=entry.seq, digest=entry.digest))
    return entry


def _entry(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(int(row["seq"]), row["at"], row["actor"], row["role"], row["action"], row["target"],
                      row["province"], row["detail"], row["prev_digest"], row["digest"])


def entries(conn: sa.Connection, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry in sequence order, read in batches (the log grows without bound)."""
    after = 0
    while True:
        rows = conn.execute(sa.select(S.audit_log).where(S.audit_log.c.seq > after)
                            .order_by(S.audit_log.c.seq).limit(batch)).mappings().all()
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = int(rows[-1]["seq"])


def verify(conn: sa.Connection, key: bytes, *, anchor: Anchor | None = None, now: datetime | None = None,
           max_age: timedelta | None = None) -> tuple[int, ChainBreak | None, tuple[int, str]]:
    """(entries checked, first break or None, chain head); against ``anchor`` when given."""
    h = head(conn)
    count, broken = verify_chain(entries(conn), h if h[0] else None, key, anchor=anchor, now=now, max_age=max_age)
    return count, broken, h


def read_page(conn: sa.Connection, *, before: int | None = None, limit: int = 100,
              actor: str | None = None, target: str | None = None) -> list[AuditEntry]:
    """Newest first, for the auditor's page and the API."""
    a = S.audit_log.c
    where = []
    if before is not None:
        where.append(a.seq < before)
    if actor:
        where.append(a.actor == actor)
    if target:
        where.append(a.target == target)
    rows = conn.execute(sa.select(S.audit_log).where(*where).order_by(a.seq.desc()).limit(limit)).mappings()
    return [_entry(r) for r in rows]
