"""The delivery shell: send a generated feed through the real sources, at a chosen rate, and stop.

Police records and hotline reports are POSTed to the police and social HTTP intakes
(`/v1/records`, bearer token, `X-Request-Id`); labour exports (Windows-874 CSV) and social exports
(JSON Lines) are written into the drop directories atomically (`name.part`, then renamed);
immigration rows are INSERTed into `crossings`, `detentions` and `deportations` (created from
connectors/agencies/examples/immigration.sql when missing). How records are cut into requests,
files and row batches is `batches.plan` (pure); this module only does the I/O and the pacing:
a delivery goes out when the feed position that closes it is due at `rate` records per second
(`None`: as fast as the targets take them). A channel without a target is skipped and counted.

`run.simulate(...)`, the entry point of `sanpalang simulate`, generates, writes the truth file and
calls `deliver`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import aiohttp
import sqlalchemy as sa

import connectors.agencies
from simulator.batches import PATH, Delivery, plan
from simulator.feed import FeedRecord
from simulator.story import BANGKOK

__all__ = ["DeliveryError", "Report", "Targets", "deliver", "ensure_tables", "latest_row_at", "next_row_id",
           "write_atomically"]

DDL = Path(connectors.agencies.__file__).parent / "examples" / "immigration.sql"
TABLES = ("crossings", "detentions", "deportations")
RETRIES = 8
PARTIAL = ".part"        # the drop's convention: never read under this name (connectors.sources.files.is_partial)
_CREATES = re.compile(r"CREATE\s+(?:TABLE\s+(\w+)|INDEX\s+(\w+)\s+ON\s+(\w+))", re.IGNORECASE)


class DeliveryError(RuntimeError):
    """A target refused the feed for a reason a retry cannot fix (bad token, wrong intake...)."""


@dataclass(frozen=True)
class Targets:
    """Where each channel goes; a channel whose target is None is not delivered."""

    police_url: str | None = None          # base URL of the police HTTP intake, e.g. http://127.0.0.1:8081
    police_token: str | None = None
    social_url: str | None = None          # base URL of the social HTTP intake (hotline reports)
    social_token: str | None = None
    labour_dir: Path | None = None         # the labour connector's --watch directory
    social_dir: Path | None = None         # the social connector's --watch directory
    immigration_sql: str | sa.Engine | None = None   # SQLAlchemy URL (or engine) of the immigration database
    immigration_schema: str | None = None  # the tables' schema, when not the default one

    def has(self, channel: str) -> bool:
        return {"police-http": self.police_url, "social-http": self.social_url, "labour-file": self.labour_dir,
                "social-file": self.social_dir, "immigration-sql": self.immigration_sql}[channel] is not None


@dataclass
class Report:
    records: int = 0
    delivered: Counter = field(default_factory=Counter)     # channel -> records delivered
    skipped: Counter = field(default_factory=Counter)       # channel -> records without a target
    requests: int = 0
    rejected: int = 0                                       # records an HTTP intake answered as dead-lettered
    files: int = 0
    rows: int = 0
    elapsed_s: float = 0.0
    locations: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return sum(self.delivered.values()) / self.elapsed_s if self.elapsed_s else 0.0


def ensure_tables(url: str | sa.Engine, schema: str | None = None) -> None:
    """Create the immigration tables (and their indexes) from the example DDL where missing, in
    `schema` when given (PostgreSQL: created if missing; SQLite: an attached database)."""
    engine = sa.create_engine(url) if isinstance(url, str) else url
    statements = [s.strip() for s in _strip_comments(DDL.read_text(encoding="utf-8")).split(";") if s.strip()]
    try:
        if schema and engine.dialect.name != "sqlite":
            with engine.begin() as conn:
                conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
        existing = set(sa.inspect(engine).get_table_names(schema=schema))
        with engine.begin() as conn:
            for statement in statements:
                created = _CREATES.match(statement)
                if created and (created.group(1) or created.group(3)) not in existing:
                    conn.exec_driver_sql(_qualify(statement, created, schema, engine.dialect.name))
    finally:
        if isinstance(url, str):
            engine.dispose()


def _qualify(statement: str, created: re.Match, schema: str | None, dialect: str) -> str:
    """Put the DDL statement in `schema` (SQLite names the index's schema, PostgreSQL the table's)."""
    if not schema:
        return statement
    head = created.group(0)
    if created.group(1):
        return statement.replace(head, f"CREATE TABLE {schema}.{created.group(1)}", 1)
    index, table = created.group(2), created.group(3)
    qualified = f"CREATE INDEX {schema}.{index} ON {table}" if dialect == "sqlite" else \
        f"CREATE INDEX {index} ON {schema}.{table}"
    return statement.replace(head, qualified, 1)


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def _name(table: str, schema: str | None) -> str:
    return f"{schema}.{table}" if schema else table


def _maxima(url: str | sa.Engine, schema: str | None, column: str) -> list[Any]:
    """The largest `column` of each immigration table that exists and has rows."""
    engine = sa.create_engine(url) if isinstance(url, str) else url
    try:
        existing = set(sa.inspect(engine).get_table_names(schema=schema))
        with engine.connect() as conn:
            found = [conn.execute(sa.text(f"SELECT MAX({column}) FROM {_name(t, schema)}")).scalar()
                     for t in TABLES if t in existing]
    finally:
        if isinstance(url, str):
            engine.dispose()
    return [v for v in found if v is not None]


def next_row_id(url: str | sa.Engine, schema: str | None = None) -> int:
    """One more than the largest id in the immigration tables (1 when they are empty or missing)."""
    return max(_maxima(url, schema, "id"), default=0) + 1


async def deliver(records: Sequence[FeedRecord], targets: Targets, *, rate: float | None = None, batch: int = 100,
                  linger: int | None = None, prefix: str = "", progress: Callable[[str], None] = lambda _: None,
                  stop: asyncio.Event | None = None) -> Report:
    """Deliver `records` (a feed, in order) to `targets`; returns what went where."""
    if rate is not None and rate <= 0:
        raise ValueError("rate must be positive (or None: as fast as possible)")
    report = Report(records=len(records))
    deliveries = plan(records, batch=batch, linger=linger, prefix=prefix)
    given = targets.immigration_sql
    engine = sa.create_engine(given) if isinstance(given, str) else given
    if engine is not None:
        await asyncio.to_thread(ensure_tables, engine, targets.immigration_schema)
    started, shown = time.monotonic(), time.monotonic()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            for delivery in deliveries:
                if stop is not None and stop.is_set():
                    break
                if not targets.has(delivery.channel):
                    report.skipped[delivery.channel] += len(delivery.refs)
                    continue
                if rate is not None:
                    await _sleep_until(started + (delivery.due + 1) / rate, stop)
                await _send(delivery, targets, session, engine, report)
                report.delivered[delivery.channel] += len(delivery.refs)
                report.locations.update(delivery.locations)
                if time.monotonic() - shown >= 2:
                    shown = time.monotonic()
                    progress(f"{sum(report.delivered.values())}/{report.records} records delivered")
    finally:
        if isinstance(given, str):
            engine.dispose()
        report.elapsed_s = time.monotonic() - started
    progress(f"{sum(report.delivered.values())} records delivered in {report.elapsed_s:.1f} s "
             f"({report.rate:.0f}/s): {dict(report.delivered)}" +
             (f"; skipped (no target): {dict(report.skipped)}" if report.skipped else ""))
    return report


async def _sleep_until(moment: float, stop: asyncio.Event | None) -> None:
    delay = moment - time.monotonic()
    if delay <= 0:
        return
    if stop is None:
        await asyncio.sleep(delay)
        return
    try:
        async with asyncio.timeout(delay):           # not wait_for: on 3.11 it can swallow a cancel
            await stop.wait()
    except TimeoutError:
        pass


async def _send(delivery: Delivery, targets: Targets, session: aiohttp.ClientSession, engine, report: Report) -> None:
    if delivery.channel.endswith("http"):
        police = delivery.channel == "police-http"
        url = (targets.police_url if police else targets.social_url).rstrip("/") + PATH
        token = targets.police_token if police else targets.social_token
        report.rejected += await _post(session, url, token, delivery)
        report.requests += 1
    elif delivery.channel == "immigration-sql":
        await asyncio.to_thread(_insert, engine, _name(delivery.target, targets.immigration_schema), delivery.natives)
        report.rows += len(delivery.natives)
    else:
        folder = targets.labour_dir if delivery.channel == "labour-file" else targets.social_dir
        await asyncio.to_thread(write_atomically, Path(folder) / delivery.target, delivery.data)
        report.files += 1


async def _post(session: aiohttp.ClientSession, url: str, token: str | None, delivery: Delivery) -> int:
    """POST one batch; the number of its records the intake dead-lettered. Retries while the
    connector is unreachable or stopping (nothing was published then); fails on anything else."""
    headers = {"Content-Type": "application/json", "X-Request-Id": delivery.request_id or ""}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for attempt in range(RETRIES):
        try:
            async with session.post(url, data=delivery.data, headers=headers) as response:
                body = await response.text()
                if response.status in (202, 400):
                    try:
                        return len(json.loads(body).get("rejected", []))
                    except ValueError:
                        pass
                if response.status != 503:
                    raise DeliveryError(f"POST {url} (request {delivery.request_id}) answered {response.status}: "
                                        f"{body[:300]}")
        except aiohttp.ClientConnectorError as err:
            if attempt == RETRIES - 1:
                raise DeliveryError(f"cannot reach {url}: {err}") from err
        await asyncio.sleep(min(0.25 * 2 ** attempt, 5.0))
    raise DeliveryError(f"POST {url} (request {delivery.request_id}): the connector kept answering 503")


def _insert(engine, table: str, rows: Sequence[dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(c for row in rows for c in row))
    statement = sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    with engine.begin() as conn:
        conn.execute(statement, [{c: row.get(c) for c in columns} for row in rows])


def write_atomically(path: Path, data: bytes) -> None:
    """Deliver a file the way the file drop expects (README, File drop): the bytes go to
    ``name.part``, which the drop never reads, are flushed to disk and the file closed; only then
    does it take its name by rename, the same inode arriving whole (a drop that saw the ``.part``
    reads it at once). The directory is synced after the rename, so a crash leaves the ``.part``
    or the whole file under its name, never a part under the name."""
    partial = path.with_name(path.name + PARTIAL)
    with open(partial, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def latest_row_at(url: str | sa.Engine, schema: str | None = None) -> datetime | None:
    """The latest `updated_at` in the immigration tables (Bangkok local time, as written), in UTC."""
    moments = [v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
               for v in _maxima(url, schema, "updated_at")]
    return max(moments).replace(tzinfo=BANGKOK).astimezone(timezone.utc) if moments else None
