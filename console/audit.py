"""The hash chain of the audit log: pure digests and verification (the SQL shell is `auditlog`).

Each entry's digest is the SHA-256 of its canonical JSON *including its sequence number and the
previous entry's digest*, so that changing an entry changes its digest, removing one leaves a gap
and a dangling `prev_digest`, and moving one changes the sequence it was hashed with. The chain
head (last sequence number and digest) is kept apart from the entries so that cutting entries off
the end is detected too; `sanpalang audit verify` prints it, so that it can be anchored elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["GENESIS", "AuditEntry", "ChainBreak", "entry_digest", "next_entry", "verify_chain", "canonical_detail"]

GENESIS = "0" * 64


def canonical_detail(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    role: str
    action: str             # e.g. case.read, alert.acknowledge, link.confirm, sign_in
    target: str             # e.g. the case or alert id
    province: str | None
    detail: str             # canonical JSON text: exactly what was hashed
    prev_digest: str
    digest: str = field(default="")

    def payload(self) -> str:
        at = self.at.astimezone(timezone.utc).isoformat(timespec="microseconds")
        return json.dumps([self.seq, at, self.actor, self.role, self.action, self.target, self.province,
                           self.detail, self.prev_digest], ensure_ascii=False, separators=(",", ":"))


def entry_digest(entry: AuditEntry) -> str:
    return hashlib.sha256(entry.payload().encode("utf-8")).hexdigest()


def next_entry(head: tuple[int, str] | None, *, at: datetime, actor: str, role: str, action: str, target: str,
               province: str | None = None, detail: Mapping[str, Any] | None = None) -> AuditEntry:
    """The entry that follows ``head`` (last sequence number and digest; None for an empty log)."""
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    entry = AuditEntry(seq, at, actor, role, action, target, province, canonical_detail(detail or {}), prev)
    return AuditEntry(**{**entry.__dict__, "digest": entry_digest(entry)})


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not verify, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def verify_chain(entries: Iterable[AuditEntry], head: tuple[int, str] | None) -> tuple[int, ChainBreak | None]:
    """Walk the entries in sequence order; (entries checked, first break or None)."""
    expected_seq, prev = 1, GENESIS
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            what = "missing" if entry.seq > expected_seq else "out of order"
            return count, ChainBreak(expected_seq if entry.seq > expected_seq else entry.seq,
                                     f"entry {expected_seq} is {what} (found entry {entry.seq} in its place)")
        if entry.prev_digest != prev:
            return count, ChainBreak(entry.seq, "does not follow the previous entry (its prev_digest differs): "
                                                "an earlier entry was changed, removed or moved")
        if entry_digest(entry) != entry.digest:
            return count, ChainBreak(entry.seq, "its content does not match its digest: the entry was changed")
        prev, expected_seq = entry.digest, entry.seq + 1
    last = (expected_seq - 1, prev)
    if head is None:
        head = (0, GENESIS)
    if last != tuple(head):
        if head[0] > last[0]:
            return count, ChainBreak(last[0] + 1, f"entries {last[0] + 1}..{head[0]} were removed from the end "
                                                  "(the chain head says there are more)")
        return count, ChainBreak(last[0], "the chain head does not match the last entry")
    return count, None
