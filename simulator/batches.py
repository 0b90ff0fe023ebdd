"""How a feed is cut into deliveries: HTTP requests, export files, batches of table rows (pure).

Records keep their feed order within each channel. A delivery closes when it holds `batch`
records (at most `HTTP_BATCH` for a request), or when `linger` feed positions have passed since
its first record (so a quiet channel does not hold its records back for long), or at the end of
the feed; deliveries are listed in the
order they close, each with `due` = the feed position that closed it, which the shell turns into
wall-clock time at its rate. Each record's expected origin location (what a dead letter will name)
is known here: `POST /v1/records request <id> item <i>`, `<file>:line <n> (record <k>)`,
`table <t> row <id>`.

Labour files are Windows-874 CSV with the export's Thai header row and CRLF line ends; social
files are UTF-8 JSON Lines. A file is named `<kind><prefix>_<B.E. date of its first record>_<n>`:
the kind prefix first, as the labour mapping reads it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from simulator.render import text
from simulator.render.labour import COLUMNS

__all__ = ["Delivery", "csv_bytes", "jsonl_bytes", "plan"]

PATH = "/v1/records"
HTTP_BATCH = 200   # at most this many records per request: the intake takes 1000 and 1 MiB


@dataclass
class Delivery:
    channel: str                          # police-http, social-http, labour-file, social-file, immigration-sql
    target: str                           # police / social (intake), a file name, a table
    refs: list[str] = field(default_factory=list)
    natives: list[Any] = field(default_factory=list)
    first: int = 0                        # feed position of the first record
    due: int = 0                          # feed position that closed it
    request_id: str | None = None
    data: bytes | None = None             # the request body or the file's bytes (None for rows)
    locations: dict[str, str] = field(default_factory=dict)


def csv_bytes(kind: str, rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS[kind]])
    return out.getvalue().encode("cp874")


def jsonl_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def plan(records: Sequence[Any], *, batch: int = 100, linger: int | None = None, prefix: str = "") -> list[Delivery]:
    """The deliveries of `records` (FeedRecords, in feed order); see the module docstring."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    linger = linger if linger is not None else batch * 10
    tag = f"{prefix}_" if prefix else ""
    open_: dict[tuple[str, str], Delivery] = {}
    done: list[Delivery] = []
    counters: dict[str, int] = {}

    def close(key: tuple[str, str], due: int) -> None:
        delivery = open_.pop(key)
        delivery.due = due
        _finish(delivery, records, tag, counters)
        done.append(delivery)

    for index, record in enumerate(records):
        for key in [k for k, d in open_.items() if index - d.first >= linger]:
            close(key, index)
        target = "police" if record.channel == "police-http" else "social" if record.channel == "social-http" \
            else record.target
        key = (record.channel, target)
        if key not in open_:
            open_[key] = Delivery(record.channel, target, first=index)
        delivery = open_[key]
        delivery.refs.append(record.ref)
        delivery.natives.append(record.native)
        if len(delivery.refs) >= (min(batch, HTTP_BATCH) if record.channel.endswith("http") else batch):
            close(key, index)
    for key in sorted(open_, key=lambda k: open_[k].first):
        close(key, len(records) - 1)
    done.sort(key=lambda d: (d.due, d.first))
    return done


def _finish(delivery: Delivery, records: Sequence[Any], tag: str, counters: dict[str, int]) -> None:
    channel = delivery.channel
    counters[channel] = counters.get(channel, 0) + 1
    number = counters[channel]
    if channel.endswith("http"):
        delivery.request_id = f"{tag}sim-{delivery.target}-{number:05d}"
        delivery.data = json.dumps({"records": delivery.natives}, ensure_ascii=False).encode("utf-8")
        delivery.locations = {ref: f"POST {PATH} request {delivery.request_id} item {i}"
                              for i, ref in enumerate(delivery.refs)}
    elif channel == "immigration-sql":
        delivery.locations = {ref: f"table {delivery.target} row {row['id']}"
                              for ref, row in zip(delivery.refs, delivery.natives)}
    else:
        kind = delivery.target
        day = text.local(records[delivery.first].occurred_at)
        name = f"{kind}{tag}{text.be(day.year)}{day:%m%d}_{number:05d}"
        if channel == "labour-file":
            delivery.target = f"{name}.csv"
            delivery.data = csv_bytes(kind, delivery.natives)
            first_line = 2
        else:
            delivery.target = f"{name}.jsonl"
            delivery.data = jsonl_bytes(delivery.natives)
            first_line = 1
        delivery.locations = {ref: f"{delivery.target}:line {first_line + i} (record {i + 1})"
                              for i, ref in enumerate(delivery.refs)}
