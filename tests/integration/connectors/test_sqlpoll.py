"""The SQL polling source against a real broker, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from connectors.sources import SqlPollSource
from tests.unit.connectors.sources import mappers

from .support import eventually, read_landed, running

pytestmark = pytest.mark.broker
T0 = dt.datetime(2025, 3, 5, 7, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'immigration.db'}")
    else:
        engine = sa.create_engine(request.getfixturevalue("postgres_url"))
    yield engine
    engine.dispose()


def crossings_table(engine, name: str) -> sa.Table:
    meta = sa.MetaData()
    table = sa.Table(name, meta, sa.Column("crossing_id", sa.String(40), primary_key=True),
                     sa.Column("checkpoint_code", sa.String(10)), sa.Column("direction", sa.String(3)),
                     sa.Column("traveller", sa.Unicode(100)), sa.Column("updated_at", sa.DateTime(timezone=True)))
    meta.create_all(engine)
    return table


def insert(engine, table, prefix: str, numbers, at: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(table.insert(), [
            {"crossing_id": f"{prefix}-{n:05d}", "checkpoint_code": "MSOT", "direction": "IN",
             "traveller": f"นางสาวสุดา {n}", "updated_at": at} for n in numbers])


def aware(iso: str) -> dt.datetime:
    """SQLite keeps no time zone (the rows were written in UTC); PostgreSQL's timestamptz does."""
    moment = dt.datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class TestSqlPolling:
    def test_rows_inserted_while_polling_are_published_once_and_an_update_again_as_a_new_version(
            self, catalogue, database, prefix):
        table = crossings_table(database, f"crossings_{prefix.lower()}")

        async def count(expected):
            result = await read_landed(catalogue, "immigration", prefix)
            return len(result.events) >= expected

        async def scenario():
            insert(database, table, prefix, range(1, 31), T0)
            async with running(catalogue, "immigration", prefix, mappers.immigration,
                               lambda ctx: SqlPollSource(ctx, database, table.name, watermark="updated_at",
                                                         batch_size=20, interval_s=0.2)) as (source, publisher, _):
                await eventually(lambda: publisher.checkpoint(source.source_id) is not None, 20, "first commit")
                insert(database, table, prefix, range(31, 61), T0)          # same watermark: ties
                insert(database, table, prefix, range(61, 71), T0 + dt.timedelta(seconds=1))
                await eventually(lambda: (publisher.checkpoint(source.source_id) or {}).get("pk") == f"{prefix}-00070",
                                 20, "all 70 rows")
                with database.begin() as conn:
                    conn.execute(table.update().where(table.c.crossing_id == f"{prefix}-00007")
                                 .values(direction="OUT", updated_at=T0 + dt.timedelta(minutes=5)))
                await eventually(lambda: (publisher.checkpoint(source.source_id) or {}).get("pk") == f"{prefix}-00007",
                                 20, "the updated row")
            return await read_landed(catalogue, "immigration", prefix)

        result = asyncio.run(scenario())
        versions = sorted((e["envelope"]["source"]["record_id"], e["envelope"]["source"]["record_version"])
                          for e in result.events)
        ids = [record_id for record_id, _ in versions]
        assert sorted(set(ids)) == [f"{prefix}-{n:05d}" for n in range(1, 71)]
        updated = [aware(v) for record_id, v in versions if record_id == f"{prefix}-00007"]
        assert updated == [T0, T0 + dt.timedelta(minutes=5)]
        assert len(ids) == 71 and result.letters == []
        assert len({e["envelope"]["event_id"] for e in result.events}) == 71
