"""The example native files of connectors/agencies/examples, read as the real sources read them."""

from __future__ import annotations

import functools
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import connectors.agencies
from connectors.records import Origin, SourceRecord
from connectors.sources.files import read_bytes
from connectors.sources.sqlpoll import row_record

EXAMPLES = Path(connectors.agencies.__file__).parent / "examples"
RECEIVED_AT = datetime(2025, 7, 1, 9, 0, tzinfo=timezone.utc)
IMMIGRATION_TABLES = ("crossings", "detentions", "deportations")


def http_records(name: str, endpoint: str) -> list[SourceRecord]:
    """A batch posted as {"records": [...]}: one source record per item, as the HTTP intake splits it."""
    items = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["records"]
    return [SourceRecord(Origin("http", endpoint, f"example-batch item {i}"),
                         json.dumps(item, ensure_ascii=False).encode(), item) for i, item in enumerate(items)]


def file_records(pattern: str) -> list[SourceRecord]:
    out = []
    for path in sorted(EXAMPLES.glob(pattern)):
        _, records = read_bytes(path.name, path.read_bytes())
        assert isinstance(records, list), f"{path.name} cannot be read: {records}"
        out += [r.record for r in records]
    return out


def immigration_database() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.executescript((EXAMPLES / "immigration.sql").read_text(encoding="utf-8"))
    return db


def immigration_rows() -> list[SourceRecord]:
    db = immigration_database()
    return [row_record(table, dict(row), ["id"])
            for table in IMMIGRATION_TABLES for row in db.execute(f"SELECT * FROM {table} ORDER BY id")]


@functools.cache
def records(agency: str) -> tuple[SourceRecord, ...]:
    """Every example record of one agency."""
    if agency == "police":
        return tuple(http_records("police.json", "/intake/police"))
    if agency == "immigration":
        return tuple(immigration_rows())
    if agency == "labour":
        return tuple(file_records("*.csv"))
    return tuple(file_records("*.jsonl") + http_records("hotline.json", "/intake/social"))


def example(agency: str, record_id: str) -> SourceRecord:
    """The example record whose id field (any of the agency's id fields) is `record_id`."""
    for record in records(agency):
        fields = record.fields or {}
        if record_id in {str(v) for k, v in fields.items() if k in ID_FIELDS}:
            return record
    raise KeyError(record_id)


ID_FIELDS = {"record_id", "id", "เลขที่", "เลขที่การตรวจ", "เลขที่ ร.บ.1", "เลขที่แจ้ง", "เลขที่ผลการตรวจ", "เลขที่คำขอ",
             "เลขที่คำร้อง"}
