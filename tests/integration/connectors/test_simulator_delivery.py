"""A small seeded feed delivered through the four kinds of real sources on a real broker: every
record ends on intake or in the DLQ exactly once, as the truth file says (bad ones dead-lettered).

Police and social HTTP intakes, labour and social drop directories, the three immigration tables
polled by SQL sources run in this process, one publisher per agency. Topics are shared with other
tests: this test's records are told apart by the feed's prefix (record ids, request ids, file
names) and, for immigration rows, by a row-id range of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from datetime import datetime

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

import schemas
from connectors.agencies import mapper_for
from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher
from simulator import generate
from simulator.deliver import TABLES, Targets, deliver, ensure_tables, latest_row_at
from simulator.run import simulate
from connectors.sources import FileDropSource, HttpIntake, SourceContext, SqlPollSource
from runtime.credentials import token_digest
from tests.unit.simulator.conftest import START

AGENCIES = ("police", "immigration", "labour", "social")
TOKENS = {"police": "police-token", "social": "social-token", "labour": "labour-token", "immigration": "imm-token"}
DIGESTS = {agency: token_digest(token) for agency, token in TOKENS.items()}   # all the intake keeps


@contextlib.asynccontextmanager
async def connector(connection, agency: str, instance: str, make_sources):
    """One agency's connector in this loop: a publisher and its sources (as `sanpalang connect`)."""
    metrics = ConnectorMetrics(agency)
    publisher = Publisher(connection, agency, instance, metrics, max_backoff_s=1.0)
    await publisher.start()
    sources = make_sources(SourceContext(agency, mapper_for(agency), publisher, metrics))
    tasks = [asyncio.create_task(source.run()) for source in sources]
    try:
        yield sources
    finally:
        for source in sources:
            await source.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await publisher.stop()
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception():
            raise task.exception()


async def landed(connection) -> list[tuple[str, dict]]:
    """Every message on the intake and DLQ topics, decoded: (topic, record)."""
    topics = [f"{kind}.{agency}.v1" for agency in AGENCIES for kind in ("intake", "dlq")]
    consumer = AIOKafkaConsumer(isolation_level="read_committed", enable_auto_commit=False, **connection.aiokafka())
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        out = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for tp, messages in (await consumer.getmany(timeout_ms=1000, max_records=5000)).items():
                out += [(tp.topic, schemas.decode(m.value)[1]) for m in messages]
        return out
    finally:
        await consumer.stop()


def ours(messages, prefix: str, rows: range) -> Counter:
    """How often each of this test's records landed: intake events by event id (immigration rows by
    record id), dead letters by origin location."""
    counts = Counter()
    for topic, record in messages:
        if topic.startswith("intake."):
            source = record["envelope"]["source"]
            table, _, row = source["record_id"].partition("/")
            if topic == "intake.immigration.v1" and table in TABLES and row.isdigit() and int(row) in rows:
                counts[("intake", source["record_id"])] += 1
            elif source["record_id"].startswith(prefix):
                counts[("intake", record["envelope"]["event_id"])] += 1
        else:
            location = record["origin"]["location"]
            _, _, row = location.rpartition(" row ")
            if prefix in location or (location.startswith("table ") and row.isdigit() and int(row) in rows):
                counts[("dlq", location)] += 1
    return counts


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, prefix):
    """(engine, schema): the immigration tables in a schema of this test's own - SQL checkpoints
    are keyed by `sql:<schema>.<table>` on the shared offsets topic, and the immigration mapping
    needs the tables to be called crossings, detentions and deportations. SQLite: an attached file."""
    schema = prefix.lower()
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'main.db'}")
        attached = tmp_path / "immigration.db"

        @sa.event.listens_for(engine, "connect")
        def attach(connection, _):
            connection.execute(f"ATTACH DATABASE '{attached}' AS {schema}")
    else:
        engine = sa.create_engine(request.getfixturevalue("postgres_url"))
    yield engine, schema
    engine.dispose()


@pytest.mark.broker
class TestSimulatorDelivery:
    def test_every_record_lands_on_intake_or_in_the_dlq_exactly_once(self, catalogue, prefix, tmp_path, database):
        base = 1_000_000 + int(prefix[1:], 16) % 900_000 * 1000      # this test's own immigration rows
        feed = generate(5, start_at=START, scenarios=20, persons=50, days=50, prefix=prefix, row_id_base=base,
                        bad=0.02)
        rows = range(base, base + len(feed.records))
        labour_dir, social_dir = tmp_path / "labour", tmp_path / "social"
        labour_dir.mkdir(), social_dir.mkdir()
        engine, schema = database
        ensure_tables(engine, schema)

        async def scenario():
            async with contextlib.AsyncExitStack() as stack:
                police = await stack.enter_async_context(connector(
                    catalogue, "police", prefix, lambda ctx: [HttpIntake(ctx, "127.0.0.1", 0, DIGESTS)]))
                social = await stack.enter_async_context(connector(
                    catalogue, "social", prefix, lambda ctx: [HttpIntake(ctx, "127.0.0.1", 0, DIGESTS),
                                                              FileDropSource(ctx, social_dir, interval_s=0.2)]))
                await stack.enter_async_context(connector(
                    catalogue, "labour", prefix, lambda ctx: [FileDropSource(ctx, labour_dir, interval_s=0.2)]))
                await stack.enter_async_context(connector(
                    catalogue, "immigration", prefix,
                    lambda ctx: [SqlPollSource(ctx, engine, t, watermark="updated_at", schema=schema, interval_s=0.2)
                                 for t in TABLES]))
                while police[0].bound_port is None or social[0].bound_port is None:
                    await asyncio.sleep(0.01)
                targets = Targets(f"http://127.0.0.1:{police[0].bound_port}", TOKENS["police"],
                                  f"http://127.0.0.1:{social[0].bound_port}", TOKENS["social"],
                                  labour_dir, social_dir, engine, schema)
                report = await deliver(feed.records, targets, rate=2000, batch=25, prefix=prefix)
                deadline = time.monotonic() + 40
                while True:
                    counts = ours(await landed(catalogue), prefix, rows)
                    if sum(counts.values()) >= len(feed.records) or time.monotonic() > deadline:
                        return report, counts

        report, counts = asyncio.run(scenario())
        expected = Counter()
        for record in feed.truth["records"]:
            location = report.locations[record["ref"]]
            if record["expect"] == "dead-letter":
                expected[("dlq", location)] += 1
            elif record["channel"] == "immigration-sql":
                expected[("intake", record["record_id"])] += 1
            else:
                expected[("intake", record["event_id"])] += 1
        assert sum(report.delivered.values()) == len(feed.records) and not report.skipped
        assert report.rejected == sum(1 for r in feed.truth["records"]
                                      if r["expect"] == "dead-letter" and r["channel"].endswith("http"))
        assert {k: (v, counts[k]) for k, v in expected.items() if counts[k] != v} == {}, "missing or doubled"
        assert {k: v for k, v in counts.items() if k not in expected} == {}, "not in the truth"
        assert sum(1 for kind, _ in counts if kind == "dlq") >= 9
        assert not list(labour_dir.glob("*.csv")) and not list(social_dir.glob("*.jsonl"))   # all moved to done/
        assert not list((labour_dir / "rejected").iterdir())


class TestSimulateTwice:
    def test_a_second_run_starts_after_the_first_runs_rows_and_continues_their_ids(self, tmp_path):
        url = f"sqlite:///{tmp_path / 'immigration.db'}"
        options = dict(seed=4, start_at=None, targets=Targets(immigration_sql=url), scenarios=4, persons=30,
                       days=12, rate=None, progress=lambda _: None)
        first = simulate(truth_path=tmp_path / "first.json", **options)
        latest = latest_row_at(url)
        second = simulate(truth_path=tmp_path / "second.json", **options)
        truths = [json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("first.json", "second.json")]
        assert first.rows and second.rows
        assert datetime.fromisoformat(truths[1]["period"]["start_at"]) > latest
        ids = [[int(r["record_id"].split("/")[1]) for r in t["records"] if r["channel"] == "immigration-sql"]
               for t in truths]
        assert min(ids[1]) == max(ids[0]) + 1
        assert set(truths[1]["delivery"]["locations"]) == {r["ref"] for r in truths[1]["records"]}
        assert truths[1]["delivery"]["skipped_channels"] == ["labour-file", "police-http", "social-file",
                                                             "social-http"]
