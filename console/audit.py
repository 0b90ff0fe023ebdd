"""The hash chain of the audit log: pure digests and verification (the SQL shell is `auditlog`).

Each entry's digest is the HMAC-SHA-256, under the audit key, of its canonical JSON *including its
sequence number and the previous entry's digest*, so that changing an entry changes its digest,
removing one leaves a gap and a dangling `prev_digest`, and moving one changes the sequence it was
hashed with. The key is not in the database (a file 0600 in `$SANPALANG_HOME`, or
`SANPALANG_AUDIT_KEY`): whoever can write the database but not read the key cannot recompute a
single digest, so a rewritten entry and a chain recomputed with plain hashes both fail.

The chain head (last sequence number and digest) is kept apart from the entries, and **anchored
outside the database** (`Anchor`, on the compacted topic `audit.anchors.v1` that only the console
principal writes: at least every minute and at shutdown). A database writer who cuts entries off
the end and moves the head back, or who holds the key and recomputes the whole chain, is caught by
the anchor: its sequence number must still be in the chain, with its digest. Entries after the
newest anchor are only as trustworthy as the database until the next anchor; once that anchor is
overdue (`max_age`) they are reported as unanchored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["GENESIS", "AuditEntry", "ChainBreak", "Anchor", "entry_digest", "next_entry", "verify_chain",
           "canonical_detail", "chain_id", "make_anchor", "anchor_refusal", "KEY_MIN_BYTES"]

KEY_MIN_BYTES = 32

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


def _checked(key: bytes) -> bytes:
    if not isinstance(key, bytes) or len(key) < KEY_MIN_BYTES:
        raise ValueError(f"the audit key must be at least {KEY_MIN_BYTES} bytes")
    return key


def entry_digest(entry: AuditEntry, key: bytes) -> str:
    return hmac.new(_checked(key), entry.payload().encode("utf-8"), hashlib.sha256).hexdigest()


def next_entry(head: tuple[int, str] | None, key: bytes, *, at: datetime, actor: str, role: str, action: str,
               target: str, province: str | None = None, detail: Mapping[str, Any] | None = None) -> AuditEntry:
    """The entry that follows ``head`` (last sequence number and digest; None for an empty log)."""
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    entry = AuditEntry(seq, at, actor, role, action, target, province, canonical_detail(detail or {}), prev)
    return AuditEntry(**{**entry.__dict__, "digest": entry_digest(entry, key)})


def chain_id(key: bytes) -> str:
    """The chain's name on the anchor topic: derived from its key, so one console's anchors are
    told from another's, and a database writer cannot point the check at other anchors."""
    return hmac.new(_checked(key), b"sanpalang audit chain", hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Anchor:
    """The chain head as the console published it outside the database, with its own MAC."""

    seq: int
    digest: str
    at: datetime
    mac: str

    def payload(self, chain: str) -> str:
        return json.dumps([chain, self.seq, self.digest, self.at.astimezone(timezone.utc).isoformat()],
                          separators=(",", ":"))

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "digest": self.digest, "at": self.at.astimezone(timezone.utc).isoformat(),
                "mac": self.mac}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Anchor":
        return cls(int(data["seq"]), str(data["digest"]), datetime.fromisoformat(data["at"]), str(data["mac"]))


def make_anchor(key: bytes, head: tuple[int, str], at: datetime) -> Anchor:
    unsigned = Anchor(head[0], head[1], at, "")
    mac = hmac.new(_checked(key), unsigned.payload(chain_id(key)).encode(), hashlib.sha256).hexdigest()
    return Anchor(head[0], head[1], at, mac)


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not verify, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def verify_chain(entries: Iterable[AuditEntry], head: tuple[int, str] | None, key: bytes, *,
                 anchor: Anchor | None = None, now: datetime | None = None,
                 max_age: timedelta | None = None) -> tuple[int, ChainBreak | None]:
    """Walk the entries in sequence order; (entries checked, first break or None).

    With ``anchor`` (the newest published head), the chain must still hold its sequence number
    with its digest (else truncated or rewritten). With ``now`` and ``max_age`` too, entries after
    the anchor while the anchor is older than ``max_age`` are reported as unanchored (the console
    stopped anchoring, or they were added behind its back)."""
    expected_seq, prev = 1, GENESIS
    count = 0
    anchored_digest: str | None = None
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            what = "missing" if entry.seq > expected_seq else "out of order"
            return count, ChainBreak(expected_seq if entry.seq > expected_seq else entry.seq,
                                     f"entry {expected_seq} is {what} (found entry {entry.seq} in its place)")
        if entry.prev_digest != prev:
            return count, ChainBreak(entry.seq, "does not follow the previous entry (its prev_digest differs): "
                                                "an earlier entry was changed, removed or moved")
        if not hmac.compare_digest(entry_digest(entry, key), entry.digest):
            return count, ChainBreak(entry.seq, "its content does not match its keyed digest: the entry was changed "
                                                "(or the chain recomputed without the audit key)")
        if anchor is not None and entry.seq == anchor.seq:
            anchored_digest = entry.digest
        prev, expected_seq = entry.digest, entry.seq + 1
    last = (expected_seq - 1, prev)
    if head is None:
        head = (0, GENESIS)
    if anchor is not None:
        if anchor.seq > last[0]:
            return count, ChainBreak(last[0] + 1, f"entries {last[0] + 1}..{anchor.seq} were removed from the end "
                                                  f"(truncated: the anchor of {anchor.at.isoformat()} says there are more)")
        if anchor.seq > 0 and not hmac.compare_digest(anchored_digest or "", anchor.digest):
            return count, ChainBreak(anchor.seq, "its digest differs from the anchor published outside the database: "
                                                 "the chain up to it was rewritten")
    if last != tuple(head):
        if head[0] > last[0]:
            return count, ChainBreak(last[0] + 1, f"entries {last[0] + 1}..{head[0]} were removed from the end "
                                                  "(the chain head says there are more)")
        return count, ChainBreak(last[0], "the chain head does not match the last entry")
    if anchor is not None and now is not None and max_age is not None and last[0] > anchor.seq \
            and now - anchor.at > max_age:
        return count, ChainBreak(anchor.seq + 1, f"entries {anchor.seq + 1}..{last[0]} are not anchored: the newest "
                                                 f"anchor is of {anchor.at.isoformat()}, older than {max_age} "
                                                 "(missing anchor)")
    return count, None


def anchor_refusal(anchor: Anchor, key: bytes) -> str | None:
    """Why a published anchor cannot be trusted (its MAC is not this key's), or None."""
    expected = make_anchor(key, (anchor.seq, anchor.digest), anchor.at).mac
    return None if hmac.compare_digest(expected, anchor.mac) else "the anchor's MAC does not match the audit key"
