"""Idempotency receipts are remembered for 24 h and no longer; the body reader and the receipts stay pure."""

from __future__ import annotations

import json
from pathlib import Path

import connectors.receipts as receipts_module
import connectors.sources.http_body as http_body
from connectors.receipts import KEEP_S, Receipt, Receipts

HOUR_MS = 3600 * 1000


def receipt(key: str, at_ms: int, digest: str = "d1") -> Receipt:
    return Receipt.of(key, digest, 202, {"request_id": f"req-{key}", "accepted": [], "rejected": []}, at_ms)


class TestReceipts:
    def test_a_key_is_remembered_for_24_hours_and_forgotten_after(self):
        kept = Receipts([receipt("k", at_ms=0)], now_ms=0)
        assert kept.get("k", now_ms=KEEP_S * 1000 - 1) == receipt("k", 0)
        assert kept.get("k", now_ms=KEEP_S * 1000) is None and len(kept) == 0

    def test_receipts_read_back_older_than_24_hours_are_not_kept(self):
        kept = Receipts([receipt("old", at_ms=0), receipt("new", at_ms=20 * HOUR_MS)], now_ms=25 * HOUR_MS)
        assert len(kept) == 1 and kept.get("new", now_ms=25 * HOUR_MS) is not None

    def test_expiry_drops_the_oldest_first_as_time_passes(self):
        kept = Receipts(now_ms=0)
        for hour in range(30):
            kept.add(receipt(f"k{hour}", at_ms=hour * HOUR_MS), now_ms=hour * HOUR_MS)
        assert len(kept) == 24 and kept.get("k5", now_ms=29 * HOUR_MS) is None
        assert kept.get("k6", now_ms=29 * HOUR_MS) is not None

    def test_a_receipt_travels_as_json_and_reads_back_equal(self):
        first = receipt("key-1", at_ms=123)
        publication = first.publication("police")
        assert publication.topic == "receipts.police.v1" and publication.key == b"key-1"
        assert json.loads(publication.value)["answer"] == {"request_id": "req-key-1", "accepted": [], "rejected": []}
        assert Receipt.read(publication.key, publication.value) == first


class TestPurity:
    def test_the_body_reader_and_the_receipts_stay_small(self):
        for module in (http_body, receipts_module):
            assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) < 300
