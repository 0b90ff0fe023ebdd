"""Idempotency keys of the HTTP intake: a request retried with the same key gets the first answer.

A client that sends ``Idempotency-Key`` and loses the answer (a timeout, a dropped connection, a
503 from a proxy) sends the request again with the same key; the intake then answers what it
answered the first time and publishes nothing. The receipt (the key, a digest of the body, the
answer) is written to ``receipts.<agency>.v1`` in the same transaction as the request's events and
dead letters, so it exists exactly when they do: a connector restarted reads the last day back.

A key is remembered for ``KEEP_S`` (24 h, a constant rather than a setting: it is a promise to the
agencies' developers, documented in the README, not a tuning knob). The topic is delete-policy
with a retention of 2 days: storage is bounded by that plus the segment Kafka has not rolled yet
(a week at most by default), where a compacted topic keyed per request would grow without end.
In memory the receipts of the last 24 h are held in arrival order and dropped as they expire,
each answer as its JSON text (some 70 bytes per record of the request, measured with
tracemalloc, where the answer as dicts took 366).

Pure: times come in as arguments.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable

from connectors.records import Publication

__all__ = ["KEEP_S", "Receipt", "Receipts", "body_digest", "receipts_topic"]

KEEP_S = 24 * 3600


def receipts_topic(agency: str) -> str:
    return f"receipts.{agency}.v1"


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Receipt:
    """The first answer to one keyed request: its status, its body as JSON text, its request id."""

    key: str
    digest: str
    status: int
    answer: bytes
    request_id: str
    at_ms: int

    @classmethod
    def of(cls, key: str, digest: str, status: int, answer: dict[str, Any], at_ms: int) -> "Receipt":
        return cls(key, digest, status, json.dumps(answer).encode(), answer["request_id"], at_ms)

    def publication(self, agency: str) -> Publication:
        value = {"digest": self.digest, "status": self.status, "answer": json.loads(self.answer), "at_ms": self.at_ms}
        return Publication(receipts_topic(agency), self.key.encode(), json.dumps(value).encode())

    @classmethod
    def read(cls, key: bytes, value: bytes) -> "Receipt":
        fields = json.loads(value)
        return cls.of(key.decode(), fields["digest"], fields["status"], fields["answer"], fields["at_ms"])


class Receipts:
    """The receipts of the last ``KEEP_S`` seconds, by key."""

    def __init__(self, receipts: Iterable[Receipt] = (), *, now_ms: int) -> None:
        self._by_key: OrderedDict[str, Receipt] = OrderedDict()
        for receipt in sorted(receipts, key=lambda r: r.at_ms):
            self.add(receipt, now_ms=now_ms)

    def add(self, receipt: Receipt, *, now_ms: int) -> None:
        self._by_key.pop(receipt.key, None)
        self._by_key[receipt.key] = receipt
        self._expire(now_ms)

    def get(self, key: str, *, now_ms: int) -> Receipt | None:
        self._expire(now_ms)
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self._by_key)

    def _expire(self, now_ms: int) -> None:
        while self._by_key:
            oldest = next(iter(self._by_key.values()))
            if now_ms - oldest.at_ms < KEEP_S * 1000:
                return
            self._by_key.popitem(last=False)
