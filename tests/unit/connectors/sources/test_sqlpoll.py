"""SQL polling on SQLite with an in-memory publisher: order, ties, updates, checkpoints; the pure helpers."""

import asyncio
import datetime as dt
import decimal
import json
import uuid

import sqlalchemy as sa

from connectors.sources import SqlPollSource
from connectors.sources.sqlpoll import after, from_json_value, row_json, row_record, to_json_value

from . import mappers
from .fakes import FakePublisher, context

NOW = dt.datetime(2025, 3, 5, 8, 0, tzinfo=dt.timezone.utc)
T0 = dt.datetime(2025, 3, 5, 7, 0)


def crossings(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'imm.db'}")
    meta = sa.MetaData()
    table = sa.Table("crossings", meta, sa.Column("crossing_id", sa.String, primary_key=True),
                     sa.Column("name", sa.String), sa.Column("updated_at", sa.DateTime))
    meta.create_all(engine)
    return engine, table


def insert(engine, table, *rows):
    with engine.begin() as conn:
        conn.execute(table.insert(), [dict(crossing_id=r[0], name=r[1], updated_at=r[2]) for r in rows])


def polled(engine, publisher, polls=1, **options):
    poll = SqlPollSource(context("immigration", mappers.immigration, publisher, NOW), engine, "crossings",
                         watermark="updated_at", **options)

    async def go():
        await poll.open()
        for _ in range(polls):
            await poll.poll()
        await poll.drain()
    asyncio.run(go())
    return [(e["envelope"]["source"]["record_id"], e["envelope"]["source"]["record_version"])
            for e in publisher.decoded()]


class TestSqlPolling:
    def test_reads_rows_in_watermark_then_key_order_and_checkpoints_the_last(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, ("B", "b", T0), ("A", "a", T0), ("C", "c", T0 - dt.timedelta(hours=1)))
        publisher = FakePublisher()
        assert [r for r, _ in polled(engine, publisher)] == ["C", "A", "B"]
        assert publisher.checkpoints["sql:crossings"] == {"watermark": "2025-03-05 07:00:00.000000", "pk": "B"}

    def test_rows_sharing_a_watermark_across_batches_are_neither_skipped_nor_repeated(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, *[(f"K{i:02d}", "x", T0) for i in range(7)])
        assert [r for r, _ in polled(engine, FakePublisher(), polls=4, batch_size=3)] == [f"K{i:02d}" for i in range(7)]

    def test_a_restart_reads_only_rows_after_the_checkpoint(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, ("A", "a", T0), ("B", "b", T0))
        publisher = FakePublisher({"sql:crossings": {"watermark": "2025-03-05 07:00:00.000000", "pk": "A"}})
        assert [r for r, _ in polled(engine, publisher)] == ["B"]

    def test_an_updated_row_is_read_again_as_a_new_version(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, ("A", "a", T0))
        publisher = FakePublisher()
        polled(engine, publisher)
        later = T0 + dt.timedelta(minutes=5)
        with engine.begin() as conn:
            conn.execute(table.update().where(table.c.crossing_id == "A").values(name="a2", updated_at=later))
        assert polled(engine, publisher) == [("A", "2025-03-05 07:00:00.000000"), ("A", "2025-03-05 07:05:00.000000")]

    def test_rows_without_a_watermark_are_not_read(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, ("A", "a", None), ("B", "b", T0))
        assert [r for r, _ in polled(engine, FakePublisher())] == ["B"]

    def test_sqlite_timestamps_written_by_another_application_are_compared_as_stored(self, tmp_path):
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE crossings (crossing_id TEXT PRIMARY KEY, updated_at TIMESTAMP)")
            conn.exec_driver_sql("INSERT INTO crossings VALUES ('A', '2025-03-05 07:00:00'), "
                                 "('B', '2025-03-05 07:00:00'), ('C', '2025-03-05T07:00:00Z'), ('D', '2025-03-05 07:00:00')")
        got = polled(engine, FakePublisher(), polls=3, batch_size=2)
        assert got == [("A", "2025-03-05 07:00:00"), ("B", "2025-03-05 07:00:00"), ("D", "2025-03-05 07:00:00"),
                       ("C", "2025-03-05T07:00:00Z")]

    def test_an_integer_id_can_be_the_watermark(self, tmp_path):
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'ids.db'}")
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE crossings (id INTEGER PRIMARY KEY, crossing_id TEXT)")
            conn.exec_driver_sql("INSERT INTO crossings (id, crossing_id) VALUES (1, 'X1'), (2, 'X2'), (3, 'X3')")
        publisher = FakePublisher({"sql:crossings": {"watermark": 1, "pk": 1}})
        poll = SqlPollSource(context("immigration", mappers.immigration, publisher, NOW), engine, "crossings",
                             watermark="id")

        async def go():
            await poll.open()
            await poll.poll()
            await poll.drain()
        asyncio.run(go())
        assert [e["envelope"]["source"]["record_id"] for e in publisher.decoded()] == ["X2", "X3"]
        assert publisher.checkpoints["sql:crossings"] == {"watermark": 3, "pk": 3}


class TestDeadLetteredRows:
    def test_a_row_that_cannot_be_mapped_is_dead_lettered_with_the_row_as_json(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, ("A", "a", T0), (" ", "ไม่มีรหัส", T0 + dt.timedelta(minutes=1)))
        publisher = FakePublisher()
        assert [r for r, _ in polled(engine, publisher)] == ["A"]
        [letter] = publisher.decoded(dead_letters=True)
        fields = {"crossing_id": " ", "name": "ไม่มีรหัส", "updated_at": "2025-03-05 07:01:00.000000"}
        assert letter["original"] == row_json(fields) == json.dumps(fields, ensure_ascii=False,
                                                                   separators=(",", ":")).encode()
        assert letter["origin"]["location"] == "table crossings row  "

    def test_a_row_read_without_its_bytes_differs_only_by_them(self):
        row = {"id": 7, "at": dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc), "fee": decimal.Decimal("1.50"),
               "ok": True, "n": None, "x": 1.5}
        eager, lazy = row_record("t", row, ["id"]), row_record("t", row, ["id"], with_raw=False)
        assert (lazy.origin, lazy.fields, lazy.raw) == (eager.origin, eager.fields, b"")
        assert eager.raw == row_json(eager.fields)


class TestRowValues:
    def test_a_row_becomes_json_fields_and_the_same_raw_bytes(self):
        row = {"id": 7, "at": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "fee": decimal.Decimal("1.50"),
               "ref": uuid.UUID(int=1), "photo": b"\x00\x01", "name": "สมชาย", "born": dt.date(1990, 5, 1)}
        record = row_record("people", row, ["id"])
        assert record.origin.location == "table people row 7"
        assert record.fields == {"id": 7, "at": "2025-01-02T03:04:05+00:00", "fee": "1.50",
                                 "ref": "00000000-0000-0000-0000-000000000001", "photo": "AAE=", "name": "สมชาย",
                                 "born": "1990-05-01"}
        assert json.loads(record.raw) == record.fields

    def test_non_finite_floats_stay_valid_json(self):
        assert to_json_value(float("nan")) == "nan" and to_json_value(1.5) == 1.5

    def test_checkpoint_values_go_back_to_the_column_type(self):
        table = sa.Table("t", sa.MetaData(), sa.Column("at", sa.DateTime(timezone=True)), sa.Column("n", sa.Integer),
                         sa.Column("d", sa.Date), sa.Column("s", sa.String))
        assert from_json_value(table.c.at, "2025-01-02T03:04:05+00:00") == dt.datetime(
            2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert from_json_value(table.c.n, "12") == 12 and from_json_value(table.c.n, 12) == 12
        assert from_json_value(table.c.d, "2025-01-02") == dt.date(2025, 1, 2)
        assert from_json_value(table.c.s, "x") == "x"

    def test_after_is_the_lexicographic_order_of_watermark_then_key(self):
        table = sa.Table("t", sa.MetaData(), sa.Column("wm", sa.Integer), sa.Column("a", sa.Integer),
                         sa.Column("b", sa.Integer))
        sql = str(after([table.c.wm, table.c.a, table.c.b], [1, 2, 3]).compile(compile_kwargs={"literal_binds": True}))
        assert sql == "t.wm > 1 OR t.wm = 1 AND (t.a > 2 OR t.a = 2 AND t.b > 3)"
