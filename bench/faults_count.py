"""Counting what landed after a fault: every generated record once, on intake or in the DLQ.

A source record's events are committed in one transaction with its batch, so a record is either
wholly on the bus or not at all; the count is therefore per record: *lost* when none of its events
and no dead letter of it landed, *doubled* for each event id (or dead letter) seen more than once,
*unaccounted* for what landed that no generated record explains.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable

__all__ = ["Tally", "count_landed"]


@dataclass
class Tally:
    """One fault's figures, as ``sanpalang bench faults`` prints them."""

    fault: str
    trials: int = 0
    records: int = 0
    lost: int = 0
    doubled: int = 0
    unaccounted: int = 0
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def count_landed(fault: str, expected_ids: Iterable[str], landed: Iterable[tuple[str, str, dict]],
                 id_pattern: str) -> Tally:
    """``landed``: (topic, key, record) of intake and DLQ; ``id_pattern`` finds a generated record id
    in a dead letter's original bytes (events carry it as ``envelope.source.record_id``)."""
    expected = set(expected_ids)
    pattern = re.compile(id_pattern.encode())
    events: Counter[str] = Counter()
    per_record: dict[str, set[str]] = {}
    letters: Counter[str] = Counter()
    stray = 0
    for topic, _key, record in landed:
        if topic.startswith("dlq."):
            found = pattern.search(record["original"])
            record_id = found.group(0).decode() if found else None
            if record_id is None or record_id not in expected:
                stray += 1
            else:
                letters[record_id] += 1
            continue
        envelope = record["envelope"]
        record_id = envelope["source"]["record_id"]
        if record_id not in expected:
            stray += 1
            continue
        events[envelope["event_id"]] += 1
        per_record.setdefault(record_id, set()).add(envelope["event_id"])
    lost = sum(1 for record_id in expected if record_id not in per_record and record_id not in letters)
    doubled = sum(n - 1 for n in events.values()) + sum(n - 1 for n in letters.values())
    return Tally(fault, records=len(expected), lost=lost, doubled=doubled, unaccounted=stray)
