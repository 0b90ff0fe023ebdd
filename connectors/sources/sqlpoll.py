"""The SQL polling source: new and changed rows of one table, by a watermark column, on any SQLAlchemy URL.

Rows are read in (watermark, primary key) order after the committed position::

    WHERE wm > :w OR (wm = :w AND pk > :pk) ORDER BY wm, pk LIMIT :n

so rows sharing a watermark value are neither skipped nor repeated, and a row updated later (its
``updated_at`` moved) is read again as a new version. The position is the checkpoint
``sql:<table>`` -> ``{"watermark": ..., "pk": ...}`` (JSON: ISO text for timestamps), committed
with the batch's events; nothing else is stored. Each row becomes one ``SourceRecord`` whose fields
are the row as JSON values (timestamps as ISO text, decimals as text), the same as its raw bytes,
so a dead letter replays exactly as it was first read. On SQLite, timestamp columns are read and
compared as the text they are stored as.

Shared by N processes (``--processes N``, ``sharing.Share``), each child keeps a position of its
own and reads only its share of the rows, in the same order:

* a table keyed by one integer column: the query itself asks for the child's rows,
  ``((key % N) + N) % N = i`` (plain modulo, which every SQL dialect has; the outer ``+ N`` makes
  negative keys agree between dialects that truncate and Python, which floors), under the position
  ``sql:<table>#p<i>of<N>-mod``. Each child reads one N-th of the rows and commits full batches
  of its own (measured, bench intake --processes: reading every row and keeping half cost each
  child a second fetch of every row and twice the transactions per record);
* any other key (text, composite): every child reads every row and publishes those whose key
  hashes to it (CRC-32, ``sharing.shard_of``: no hash function the database may lack), under
  ``sql:<table>#p<i>of<N>``.

A child that has no position yet (N changed, or the other scheme ran before) starts at the earliest
position committed for the table by anyone (``_earliest``): rows after it may be published again
(same event ids), none is skipped.

Known limit of any watermark poll: a row committed late with a watermark below one already read
(a long transaction, a clock step backwards) is not seen until it is updated again. Rows whose
watermark is NULL are never read; their count is logged at start.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import decimal
import json
import logging
import math
import uuid
from typing import Any, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, NoSuchTableError, SQLAlchemyError

from connectors.records import Origin, SourceRecord
from connectors.sources.base import Source, SourceContext, SourceError
from connectors.sources.sharing import Share

__all__ = ["SqlPollSource", "after", "from_json_value", "modulo_share", "row_json", "row_record", "to_json_value"]

log = logging.getLogger(__name__)


def row_json(fields: Mapping[str, Any]) -> bytes:
    """A row's fields (JSON values) as the bytes its dead letter carries."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


_AS_IS = frozenset({str, int, bool, type(None)})   # what to_json_value returns unchanged


class SqlPollSource(Source):
    """Publishes the rows of ``table`` as they appear or change (``watermark`` increases)."""

    kind = "sql"
    raw_of = staticmethod(row_json)

    def __init__(self, context: SourceContext, url: str | Engine, table: str, *, watermark: str,
                 key: Sequence[str] | None = None, schema: str | None = None, batch_size: int = 1000,
                 interval_s: float = 1.0, in_flight: int = 4, share: Share = Share()) -> None:
        super().__init__(context, interval_s=interval_s, in_flight=in_flight)
        self._url = url
        self.table_name = table
        self.watermark = watermark
        self.key = list(key) if key else None
        self.schema = schema
        self.batch_size = batch_size
        self.share = share
        self._table_id = f"sql:{schema + '.' if schema else ''}{table}"
        self.source_id = share.source_id(self._table_id)
        self._engine: Engine | None = None
        self._table: sa.Table | None = None
        self._selected: list[Any] = []
        self._order: list[Any] = []
        self._mine: Any = None          # the WHERE condition of this child's rows, if the query can say it
        self._position: dict[str, Any] | None = None

    async def open(self) -> None:
        self._engine = self._url if isinstance(self._url, Engine) else sa.create_engine(self._url)
        try:
            self._table = await asyncio.to_thread(self._reflect)
        except (NoSuchTableError, SQLAlchemyError) as err:
            raise SourceError(f"cannot read table {self.table_name!r}: {type(err).__name__}: {err}") from err
        assert self.key
        self._mine = modulo_share(self._table, self.key, self.share)
        if self._mine is not None:
            self.source_id = f"{self.share.source_id(self._table_id)}-mod"
        self._position = self.context.publisher.checkpoint(self.source_id)
        if self._position is None and self.share.shared:
            self._position = self._earliest(self.context.publisher.checkpoints_of(self._table_id))

    async def close(self) -> None:
        if self._engine is not None and not isinstance(self._url, Engine):
            self._engine.dispose()

    async def poll(self) -> bool:
        try:
            rows = await asyncio.to_thread(self._fetch, self._position)
        except DBAPIError as err:   # the database is down or busy: say so, try again next poll
            self.degraded_reason = f"reading {self.table_name} failed: {type(err.orig).__name__}: {err.orig}"
            log.warning("%s sql: %s", self.context.agency, self.degraded_reason)
            return False
        self.degraded_reason = None
        if not rows:
            return False
        assert self.key
        records = [row_record(self.table_name, row, self.key, with_raw=False) for row in rows]
        if self.share.shared and self._mine is None:   # the position still moves past the siblings' rows
            records = [r for r in records if self.share.owns(r.origin.position)]
        last = rows[-1]
        keys = [to_json_value(last[k]) for k in self.key]
        self._position = {"watermark": to_json_value(last[self.watermark]), "pk": keys[0] if len(keys) == 1 else keys}
        await self.submit(records, (self.source_id, self._position))
        return len(rows) >= self.batch_size

    def _earliest(self, positions: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Where a child of a new ``--processes N`` starts: the earliest position any process
        committed for this table before (one process, or the children of another N). Every row up to
        it was published by its owner then; rows after it that a faster child had published are
        published again (same event ids), none is skipped. Children stopped once caught up all
        stand on the last row: nothing is repeated."""
        def order(position: dict[str, Any]) -> tuple[Any, ...]:
            keys = position["pk"] if len(self._order) > 2 else [position["pk"]]
            return tuple(from_json_value(c, v) for c, v in zip(self._order, [position["watermark"], *keys]))
        return min(positions, key=order) if positions else None

    # -- database work, run in a thread -------------------------------------------------------

    def _reflect(self) -> sa.Table:
        assert self._engine is not None
        table = sa.Table(self.table_name, sa.MetaData(), autoload_with=self._engine, schema=self.schema)
        if self.watermark not in table.c:
            raise SourceError(f"table {self.table_name} has no column {self.watermark!r} to poll by; "
                              f"its columns are {', '.join(table.c.keys())}")
        key = self.key or [c.name for c in table.primary_key.columns]
        missing = [k for k in key if k not in table.c]
        if not key or missing:
            raise SourceError(f"table {self.table_name} has no primary key{' column ' + str(missing) if missing else ''}"
                              "; name the column(s) that identify a row")
        self.key = key
        stored = _as_stored if self._engine.dialect.name == "sqlite" else (lambda column: column)
        self._selected = [stored(c).label(c.name) for c in table.c]
        self._order = [stored(table.c[self.watermark])] + [stored(table.c[k]) for k in key]
        with self._engine.connect() as conn:
            nulls = conn.execute(sa.select(sa.func.count()).where(table.c[self.watermark].is_(None))).scalar()
        if nulls:
            log.warning("%s sql: %d row(s) of %s have no %s and will not be read", self.context.agency, nulls,
                        self.table_name, self.watermark)
        return table

    def _fetch(self, position: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        assert self._engine is not None
        query = sa.select(*self._selected).order_by(*self._order).limit(self.batch_size)
        if self._mine is not None:
            query = query.where(self._mine)
        if position is None:
            query = query.where(self._order[0].is_not(None))
        else:
            keys = position["pk"] if len(self._order) > 2 else [position["pk"]]
            values = [position["watermark"], *keys]
            query = query.where(after(self._order, [from_json_value(c, v) for c, v in zip(self._order, values)]))
        with self._engine.connect() as conn:
            result = conn.execute(query)
            names = list(result.keys())
            return [dict(zip(names, row)) for row in result.fetchall()]   # one call, not one a row


def modulo_share(table: sa.Table, key: Sequence[str], share: Share) -> Any:
    """The WHERE condition selecting ``share``'s rows when ``key`` is one integer column, else
    None (the rows are then shared by the CRC-32 of the key's text, after reading)."""
    if not share.shared or len(key) != 1:
        return None
    column = table.c[key[0]]
    try:
        if column.type.python_type is not int:
            return None
    except NotImplementedError:
        return None
    return ((column % share.count) + share.count) % share.count == share.index


def _as_stored(column: sa.Column) -> Any:
    """SQLite keeps timestamps as text in whatever format the writing application chose; read and
    compare them as that text (SQLAlchemy would re-format a bound value, and '07:00:00' is not
    '07:00:00.000000' to SQLite)."""
    if isinstance(column.type, (sa.DateTime, sa.Date, sa.Time)):
        return sa.type_coerce(column, sa.String)
    return column


def after(columns: Sequence[Any], values: Sequence[Any]) -> Any:
    """Rows strictly after ``values`` in the order of ``columns``: c1 > v1 OR (c1 = v1 AND (c2 > v2 OR ...))."""
    column, value = columns[-1], values[-1]
    condition = column > value
    for column, value in zip(reversed(columns[:-1]), reversed(values[:-1])):
        condition = sa.or_(column > value, sa.and_(column == value, condition))
    return condition


def row_record(table: str, row: Mapping[str, Any], key: Sequence[str], *, with_raw: bool = True) -> SourceRecord:
    """One row as a source record: origin ``table row <pk>``, fields and raw bytes the row as JSON.

    With ``with_raw=False`` the raw bytes are left empty: the source routes with
    ``routing.route_deferred``, which writes them (``row_json``) only for a row dead-lettered."""
    if _AS_IS.issuperset(map(type, row.values())):   # SQLite's rows, and most: a plain copy (C speed)
        fields = dict(row)
    else:
        fields = {name: value if type(value) in _AS_IS else to_json_value(value) for name, value in row.items()}
    position = str(fields[key[0]]) if len(key) == 1 else ",".join(str(fields[k]) for k in key)
    return SourceRecord(Origin("sql", table, position), row_json(fields) if with_raw else b"", fields)


def to_json_value(value: Any) -> Any:
    """A column value as JSON: timestamps and dates ISO 8601, decimals and UUIDs as text, bytes base64."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return str(value)


def from_json_value(column: Any, value: Any) -> Any:
    """Back from a checkpoint to a value the column compares with (its Python type, where known)."""
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if python_type is dt.time and isinstance(value, str):
        return dt.time.fromisoformat(value)
    if python_type in (decimal.Decimal, uuid.UUID, int) and isinstance(value, str):
        return python_type(value)
    return value
