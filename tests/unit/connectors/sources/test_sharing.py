"""N processes of one agency share its sources without overlap: the pure decisions, then each
source kind's shell with in-memory publishers (two children side by side)."""

import asyncio
import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from connectors.sources import FileDropSource, SqlPollSource
from connectors.sources.sharing import Share, shard_of
from connectors.sources.sqlpoll import modulo_share

from . import mappers
from .fakes import FakePublisher, context
from .test_filedrop import export
from .test_sqlpoll import T0, crossings, insert

NOW = dt.datetime(2025, 3, 5, 8, 0, tzinfo=dt.timezone.utc)
KEYS = [f"R{i}" for i in range(2000)]


class TestKeyPartition:
    def test_every_key_belongs_to_exactly_one_of_the_processes(self):
        for count in (1, 2, 3, 5):
            shares = Share(0, count).siblings()
            assert all(sum(share.owns(key) for share in shares) == 1 for key in KEYS)

    def test_the_hash_is_crc32_so_it_is_the_same_in_every_process_and_release(self):
        assert [shard_of(key, 2) for key in ("A", "B", "R1", "K00")] == [1, 1, 1, 0]
        assert [shard_of(key, 3) for key in ("A", "B", "R1", "K00")] == [2, 1, 0, 1]

    def test_keys_spread_about_evenly(self):
        for count in (2, 3):
            sizes = [sum(Share(i, count).owns(key) for key in KEYS) for i in range(count)]
            assert min(sizes) > 0.8 * len(KEYS) / count

    def test_a_process_index_outside_the_count_is_refused(self):
        with pytest.raises(ValueError):
            Share(2, 2)
        with pytest.raises(ValueError):
            Share(0, 0)


class TestNames:
    def test_one_process_keeps_the_transactional_id_checkpoints_and_drop_it_always_had(self):
        alone = Share()
        assert (alone.instance("main"), alone.source_id("sql:crossings"), alone.claim_folder()) == (
            "main", "sql:crossings", None)
        assert alone.owns("anything")

    def test_each_of_n_processes_has_its_own_transactional_id_checkpoint_and_claim_folder(self):
        second = Share(1, 2)
        assert second.instance("main") == "main-p1of2"
        assert second.source_id("sql:crossings") == "sql:crossings#p1of2"
        assert second.claim_folder() == "claimed/p1of2"

    def test_a_claim_folder_name_tells_its_process(self):
        assert Share.of_folder("p1of2") == Share(1, 2)
        assert Share.of_folder("p2of2") is None
        assert Share.of_folder("notes") is None


def poll_all(*sources, polls=1):
    async def go():
        for source in sources:
            await source.open()
        for _ in range(polls):
            for source in sources:
                await source.poll()
        for source in sources:
            await source.drain()
    asyncio.run(go())


class TestSqlShared:
    def test_two_processes_publish_every_row_once_each_under_its_own_watermark(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, *[(f"K{i:03d}", "x", T0 + dt.timedelta(seconds=i)) for i in range(40)])
        publishers = [FakePublisher(), FakePublisher()]
        polls = [SqlPollSource(context("immigration", mappers.immigration, p, NOW), engine, "crossings",
                               watermark="updated_at", batch_size=7, share=share)
                 for p, share in zip(publishers, Share(0, 2).siblings())]
        poll_all(*polls, polls=7)
        ids = [[e["envelope"]["source"]["record_id"] for e in p.decoded()] for p in publishers]
        assert sorted(ids[0] + ids[1]) == [f"K{i:03d}" for i in range(40)]
        assert all(Share(i, 2).owns(key) for i in (0, 1) for key in ids[i]) and ids[0] and ids[1]
        assert publishers[0].checkpoints.keys() == {"sql:crossings#p0of2"}
        assert publishers[1].checkpoints["sql:crossings#p1of2"]["pk"] == "K039"


    def test_children_of_a_new_count_start_where_the_earliest_process_before_them_stood(self, tmp_path):
        engine, table = crossings(tmp_path)
        insert(engine, table, *[(f"K{i:03d}", "x", T0 + dt.timedelta(seconds=i)) for i in range(40)])
        stamp = lambda i: (T0 + dt.timedelta(seconds=i)).isoformat(" ", "microseconds")  # noqa: E731
        before = {"sql:crossings#p0of3": {"watermark": stamp(24), "pk": "K024"},
                  "sql:crossings#p1of3": {"watermark": stamp(19), "pk": "K019"},
                  "sql:crossings": {"watermark": stamp(29), "pk": "K029"}}
        publishers = [FakePublisher(before), FakePublisher(before)]
        polls = [SqlPollSource(context("immigration", mappers.immigration, p, NOW), engine, "crossings",
                               watermark="updated_at", share=share)
                 for p, share in zip(publishers, Share(0, 2).siblings())]
        poll_all(*polls)
        ids = [e["envelope"]["source"]["record_id"] for p in publishers for e in p.decoded()]
        assert sorted(ids) == [f"K{i:03d}" for i in range(20, 40)]


def numbered_crossings(tmp_path, keys):
    """A crossings table keyed by an integer column, one row a second from T0 in the order of ``keys``."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'numbered.db'}")
    table = sa.Table("crossings", sa.MetaData(), sa.Column("crossing_id", sa.Integer, primary_key=True),
                     sa.Column("name", sa.String), sa.Column("updated_at", sa.DateTime))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [dict(crossing_id=k, name="x", updated_at=T0 + dt.timedelta(seconds=n))
                                      for n, k in enumerate(keys)])
    return engine


def shared_polls(engine, publishers, **options):
    return [SqlPollSource(context("immigration", mappers.immigration, p, NOW), engine, "crossings",
                          watermark="updated_at", share=share, **options)
            for p, share in zip(publishers, Share(0, len(publishers)).siblings())]


def published_ids(publisher):
    return [e["envelope"]["source"]["record_id"] for e in publisher.decoded()]


class TestSqlSharedByIntegerKey:
    def test_each_child_reads_only_its_rows_so_each_batch_is_full(self, tmp_path):
        engine = numbered_crossings(tmp_path, range(1, 41))
        publishers = [FakePublisher(), FakePublisher()]
        poll_all(*shared_polls(engine, publishers, batch_size=7))
        assert [len(batch) for p in publishers for batch, _ in p.batches] == [7, 7]
        assert published_ids(publishers[0]) == [str(k) for k in range(2, 16, 2)]
        assert published_ids(publishers[1]) == [str(k) for k in range(1, 15, 2)]

    def test_every_row_is_published_once_by_the_child_its_key_modulo_n_names(self, tmp_path):
        keys = [*range(-7, 0), *range(1, 30)]     # negative keys: SQL truncates, Python floors
        engine = numbered_crossings(tmp_path, keys)
        publishers = [FakePublisher(), FakePublisher(), FakePublisher()]
        poll_all(*shared_polls(engine, publishers, batch_size=5), polls=10)
        ids = [published_ids(p) for p in publishers]
        assert sorted(int(k) for child in ids for k in child) == sorted(keys)
        assert all(int(k) % 3 == i for i, child in enumerate(ids) for k in child)

    def test_its_position_has_a_name_of_its_own_so_a_child_of_the_hash_scheme_is_never_resumed_by_it(
            self, tmp_path):
        engine = numbered_crossings(tmp_path, range(1, 41))
        publishers = [FakePublisher(), FakePublisher()]
        poll_all(*shared_polls(engine, publishers))
        assert [set(p.checkpoints) for p in publishers] == [{"sql:crossings#p0of2-mod"}, {"sql:crossings#p1of2-mod"}]

    def test_children_after_the_hash_scheme_start_where_its_earliest_child_stood(self, tmp_path):
        engine = numbered_crossings(tmp_path, range(1, 41))
        stamp = lambda n: (T0 + dt.timedelta(seconds=n)).isoformat(" ", "microseconds")  # noqa: E731
        before = {"sql:crossings#p0of2": {"watermark": stamp(24), "pk": 25},
                  "sql:crossings#p1of2": {"watermark": stamp(19), "pk": 20}}
        publishers = [FakePublisher(before), FakePublisher(before)]
        poll_all(*shared_polls(engine, publishers))
        assert sorted(int(k) for p in publishers for k in published_ids(p)) == list(range(21, 41))


class TestModuloShare:
    def test_only_a_single_integer_key_of_a_shared_source_is_split_by_the_query(self):
        table = sa.Table("t", sa.MetaData(), sa.Column("n", sa.Integer), sa.Column("s", sa.String),
                         sa.Column("d", sa.Numeric))
        assert modulo_share(table, ["n"], Share(1, 2)) is not None
        assert modulo_share(table, ["n"], Share()) is None
        assert modulo_share(table, ["s"], Share(1, 2)) is None
        assert modulo_share(table, ["d"], Share(1, 2)) is None
        assert modulo_share(table, ["n", "s"], Share(1, 2)) is None


class TestFileDropShared:
    def drops(self, tmp_path, publishers, count=2):
        return [FileDropSource(context("labour", mappers.labour, p, NOW), tmp_path, stable_s=0,
                               claim_dir=tmp_path / share.claim_folder())
                for p, share in zip(publishers, Share(0, count).siblings())]

    def test_two_processes_never_read_one_file_and_together_read_them_all(self, tmp_path):
        for n in range(6):
            (tmp_path / f"f{n}.csv").write_bytes(export(3 + n))
        publishers = [FakePublisher(), FakePublisher()]
        first, second = self.drops(tmp_path, publishers)
        asyncio.run(first.open())
        asyncio.run(second.open())
        claimed = first._claim("f0.csv"), second._claim("f0.csv")
        assert claimed[0] == tmp_path / "claimed" / "p0of2" / "f0.csv" and claimed[1] is None
        poll_all(first, second)
        read = {cp[1]["file"] for p in publishers for _, cp in p.batches}
        assert sorted(read) == [f"f{n}.csv" for n in range(6)]
        assert sum(len(p.decoded()) for p in publishers) == sum(3 + n for n in range(6))
        assert sorted(f.name for f in (tmp_path / "done").iterdir()) == [f"f{n}.csv" for n in range(6)]
        assert not list((tmp_path / "claimed" / "p0of2").iterdir())

    def test_a_file_claimed_before_a_crash_is_resumed_by_the_same_process_after_its_checkpoint(self, tmp_path):
        (tmp_path / "claimed" / "p1of2").mkdir(parents=True)
        (tmp_path / "claimed" / "p1of2" / "a.csv").write_bytes(export(25))
        source_id = f"file:{hashlib.sha256(export(25)).hexdigest()}"
        publishers = [FakePublisher(), FakePublisher({source_id: {"file": "a.csv", "records": 20, "finished": False}})]
        poll_all(*self.drops(tmp_path, publishers))
        assert publishers[0].batches == []
        ids = [e["envelope"]["source"]["record_id"] for e in publishers[1].decoded()]
        assert ids == [f"R{i}" for i in range(21, 26)]
        assert (tmp_path / "done" / "a.csv").exists()

    def test_a_claimed_file_still_open_for_writing_goes_back_to_the_drop(self, tmp_path):
        path = tmp_path / "a.csv"
        path.write_bytes(export(3))
        publishers = [FakePublisher(), FakePublisher()]
        with open(path, "ab"):
            poll_all(*self.drops(tmp_path, publishers))
        assert path.exists() and not list((tmp_path / "claimed" / "p0of2").iterdir())
        assert publishers[0].batches == publishers[1].batches == []
