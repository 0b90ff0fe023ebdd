"""``sanpalang bench intake``: records/s into the broker per source kind, against the raw limit.

Every figure comes from the same run on the same broker: the raw limit is a plain idempotent
producer (acks=all) sending the very bytes the sources end up publishing; each source is then run
end to end (read, map, encode, transactional commit with its checkpoint) on the same number of
records, and its rate is reported next to its ratio to the raw limit. The broker is a dedicated
local one (its own home and port) unless ``SANPALANG_KAFKA_BOOTSTRAP`` names a cluster.

Next to each rate: the CPU time this process spent per record while it was measured (the
connector's reading, mapping, encoding and producing; not the broker's, nor the HTTP load
client's, which run in other processes). A connector is one Python thread, so this is what
bounds its rate: the ratio to the raw limit is close to the raw producer's CPU per record over
the source's.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import multiprocessing
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from aiokafka import AIOKafkaProducer

from connectors.agencies import mapper_for
from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher
from connectors.records import Origin, SourceRecord
from connectors.routing import route
from connectors.sources import FileDropSource, HttpIntake, SourceContext, SqlPollSource
from connectors.sources.files import read_bytes
from ops.admin import apply_catalogue
from runtime.credentials import token_digest
from runtime.connection import KafkaConnection, resolve_connection
from ops.ports import free_block, free_port
from runtime.settings import Settings
from schemas.catalogue import load_catalogue

__all__ = ["run_intake_bench"]

EXAMPLES = Path(__file__).resolve().parents[1] / "connectors" / "agencies" / "examples"
GOALS = {"file": 0.5, "sql": 0.5, "http": 0.25}
HTTP_BATCH, HTTP_CLIENTS = 200, 4


# -- the records: the agencies' own example exports, each copy with its own id and its own persons ---
# The persons come from the simulator's population (its name corpora, spellings, documents and
# birth dates): copies of one example person would let every memo of the mappings hit, which
# real exports, mostly of different people, do not.

def _population(count: int, seed: int) -> tuple[list, random.Random, dt.date]:
    from simulator.model import World
    rng = random.Random(seed)
    world, on = World(rng), dt.date(2025, 3, 1)
    nationalities = ("THA", "MMR", "MMR", "KHM", "LAO")
    return [world.person(rng.choice(nationalities), None, age=(14, 55), on=on, kind="bench")
            for _ in range(count)], rng, on


def police_records(count: int, run: str, seed: int = 1) -> list[dict[str, Any]]:
    from simulator.render.people import person_object
    rescue = json.loads((EXAMPLES / "police.json").read_text())["records"][0]
    roles = [p["role"] for p in rescue["persons"]]
    people, rng, on = _population(count * len(roles), seed)
    return [{**rescue, "record_id": f"{run}-P{i}",
             "persons": [{"role": role, **person_object(people[i * len(roles) + n], on, rng)}
                         for n, role in enumerate(roles)]}
            for i in range(count)]


def labour_csv(count: int, run: str, seed: int = 2) -> bytes:
    from simulator.render.people import crew_entry
    source = (EXAMPLES / "inspection_74_25680305.csv").read_bytes().decode("cp874")
    header, row = list(csv.reader(io.StringIO(source)))[:2]
    workers = header.index("ลูกจ้างที่พบสิ่งบ่งชี้")
    people, rng, _ = _population(count * 2, seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(count):
        cells = [f"{run}-L{i}", *row[1:]]
        cells[workers] = ";".join(crew_entry(person, rng) for person in people[2 * i:2 * i + 2])
        writer.writerow(cells)
    return out.getvalue().encode("cp874")


def crossing_rows(count: int, seed: int = 3) -> list[dict[str, Any]]:
    from simulator.render.people import immigration_columns
    at = dt.datetime(2025, 3, 1, 8, 0)
    people, rng, on = _population(count, seed)
    rows = []
    for i, person in enumerate(people):
        document = ("PASSPORT" if person.passport else "BORDER_PASS" if person.border_pass else
                    "PINK_CARD" if person.thai_id and person.migrant else "ID_CARD" if person.thai_id else "BORDER_PASS")
        columns = immigration_columns(person, on, rng, document=document)
        rows.append({"id": i + 1, "updated_at": at + dt.timedelta(seconds=i), "crossed_at": at,
                     "checkpoint": "Mae Sot", "checkpoint_code": "MST", "province_code": "63", "direction": "OUT",
                     "doc_type": columns["doc_type"], "doc_no": columns["doc_no"] or f"BP{i:08d}",
                     "doc_country": columns["doc_country"], "foreign_country": "MMR",
                     "first_name": columns["first_name"], "last_name": columns["last_name"],
                     "name_th": columns["name_th"], "nationality": columns["nationality"],
                     "birth_date": columns["birth_date"], "sex": columns["sex"]})
    return rows


# -- measurements ------------------------------------------------------------------------------

Measured = tuple[float, float]   # (records/s, CPU microseconds of this process per record)


def _measured(count: int, wall_started: float, cpu_started: float) -> Measured:
    return count / (time.perf_counter() - wall_started), (time.process_time() - cpu_started) / count * 1e6


async def _raw_rate(connection: KafkaConnection, messages: list[tuple[str, bytes, bytes]]) -> Measured:
    producer = AIOKafkaProducer(acks="all", enable_idempotence=True, linger_ms=5, max_batch_size=256 * 1024,
                                **connection.aiokafka())
    await producer.start()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        futures = [await producer.send(topic, value, key=key) for topic, key, value in messages]
        await asyncio.gather(*futures)
        return _measured(len(messages), started, cpu)
    finally:
        await producer.stop()


async def _with_source(connection: KafkaConnection, agency: str, make, done: Callable[[Any, Publisher], bool],
                       count: int, before: Callable[[Any], Any] | None = None) -> Measured:
    metrics = ConnectorMetrics(agency)
    publisher = Publisher(connection, agency, f"bench-{uuid.uuid4().hex[:6]}", metrics)
    await publisher.start()
    source = make(SourceContext(agency, mapper_for(agency), publisher, metrics))
    task = asyncio.create_task(source.run())
    try:
        started, cpu = time.perf_counter(), time.process_time()
        if before:
            await before(source)
        while not done(source, publisher):
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        return _measured(count, started, cpu)
    finally:
        await source.stop()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.stop()


HTTP_CLIENT = """
import asyncio, json, sys, aiohttp
url, token = sys.argv[1], sys.argv[2]
bodies = [json.dumps(batch).encode() for batch in json.loads(sys.stdin.readline())]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
print("ready", flush=True)
sys.stdin.readline()
async def worker(session, mine):
    for body in mine:
        async with session.post(url, data=body, headers=headers) as r:
            assert r.status == 202, (r.status, await r.text())
async def main():
    async with aiohttp.ClientSession() as s:
        await asyncio.gather(*(worker(s, bodies[i::%d]) for i in range(%d)))
asyncio.run(main())
""" % (HTTP_CLIENTS, HTTP_CLIENTS)


async def _http_rate(connection: KafkaConnection, records: list[dict[str, Any]]) -> Measured:
    """The load client (another process) has started, imported aiohttp and encoded its request
    bodies (as aiohttp's ``json=`` would) before the clock starts: what is timed is the posting."""
    tokens = {a: uuid.uuid4().hex for a in load_catalogue().agencies}
    digests = {a: token_digest(t) for a, t in tokens.items()}
    batches = [records[i:i + HTTP_BATCH] for i in range(0, len(records), HTTP_BATCH)]
    port = free_port()
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HTTP_CLIENT, f"http://127.0.0.1:{port}/v1/records", tokens["police"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert client.stdin is not None and client.stdout is not None
    client.stdin.write(json.dumps(batches).encode() + b"\n")
    await client.stdin.drain()
    if await client.stdout.readline() != b"ready\n":
        raise RuntimeError("the HTTP load client did not start")
    finished = asyncio.Event()

    async def post_all(source: HttpIntake) -> None:
        while source.bound_port is None:
            await asyncio.sleep(0.01)
        await client.communicate(b"go\n")
        if client.returncode:
            raise RuntimeError("the HTTP load client failed")
        finished.set()

    try:
        return await _with_source(connection, "police", lambda ctx: HttpIntake(ctx, "127.0.0.1", port, digests),
                                  lambda _s, _p: finished.is_set(), len(records), post_all)
    finally:
        if client.returncode is None:
            client.kill()
            await client.wait()


async def _measure(connection: KafkaConnection, count: int, workdir: Path, emit: Callable[[str], None]) -> dict:
    run = f"B{uuid.uuid4().hex[:6]}"
    # The raw limit's bytes are made in another process: made here, they would leave every memo of
    # the mappings warm with the very persons the sources then map.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        encoded = await asyncio.get_running_loop().run_in_executor(pool, _pre_encoded, count, run)
    # A connector runs for months: what it loads once (name dictionaries, the Avro writers) is
    # loaded here, on other persons, before anything is timed.
    _pre_encoded(200, f"{run}-warm", (11, 12, 13))
    police, labour, crossings = police_records(count, run), labour_csv(count, run), crossing_rows(count)
    emit(f"raw limit: producing {len(encoded)} pre-encoded events")
    raw, raw_cpu = await _raw_rate(connection, encoded)

    watch = workdir / "drop"
    watch.mkdir()
    (watch / f"inspection_{run}.csv.part").write_bytes(labour)
    emit(f"file source: {count} labour records in one Windows-874 CSV")

    async def drop(_source: FileDropSource) -> None:
        (watch / f"inspection_{run}.csv.part").rename(watch / f"inspection_{run}.csv")

    file_rate = await _with_source(connection, "labour", lambda ctx: FileDropSource(ctx, watch, interval_s=0.05),
                                   lambda _s, _p: (watch / "done" / f"inspection_{run}.csv").exists(), count, drop)

    emit(f"sql source: {count} immigration crossings rows in SQLite")
    url = f"sqlite:///{workdir / 'immigration.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql((EXAMPLES / "immigration.sql").read_text().split("CREATE INDEX")[0])
        conn.execute(sa.table("crossings", *[sa.column(k) for k in crossings[0]]).insert(), crossings)
    engine.dispose()
    def sql_done(_source: SqlPollSource, publisher: Publisher) -> bool:
        position = publisher.checkpoint("sql:crossings") or {}
        return str(position.get("pk")) == str(count)

    sql_rate = await _with_source(connection, "immigration",
                                  lambda ctx: SqlPollSource(ctx, url, "crossings", watermark="updated_at",
                                                            interval_s=0.05), sql_done, count)
    emit(f"http source: {count} police records in batches of {HTTP_BATCH} from {HTTP_CLIENTS} clients")
    http_rate = await _http_rate(connection, police)
    measured = {"file": file_rate, "sql": sql_rate, "http": http_rate}
    return {"raw_rate": raw, "records": count, "raw_cpu_us_per_record": raw_cpu,
            "sources": {k: {"rate": v, "ratio": v / raw, "goal_ratio": GOALS[k], "cpu_us_per_record": c}
                        for k, (v, c) in measured.items()},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _pre_encoded(count: int, run: str, seeds: tuple[int, int, int] = (1, 2, 3)) -> list[tuple[str, bytes, bytes]]:
    """(topic, key, value) of every event the three sources publish for these records (the
    police, labour and immigration persons drawn with `seeds`)."""
    received = dt.datetime.now(dt.timezone.utc)
    police, labour, immigration = seeds
    _, labour_rows = read_bytes(f"inspection_{run}.csv", labour_csv(count, run, labour))
    encoded = [
        *(p for r in labour_rows for p in route("labour", r.record, mapper_for("labour"), received)),
        *(p for r in police_records(count, run, police) for p in route(
            "police", SourceRecord(Origin("http", "bench", "0"), b"", r), mapper_for("police"), received)),
        *(p for r in crossing_rows(count, immigration) for p in route("immigration", SourceRecord(
            Origin("sql", "crossings", str(r["id"])), b"", _jsonable(r)), mapper_for("immigration"), received))]
    dead = [p for p in encoded if p.dead_letter]
    if dead:
        raise RuntimeError(f"bench records dead-lettered: {dead[0].problems}")
    return [(p.topic, p.key, p.value) for p in encoded]


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()}


def run_intake_bench(settings: Settings, count: int, emit: Callable[[str], None]) -> dict:
    return on_bench_broker(settings, emit, lambda _target, connection, workdir: asyncio.run(
        _measure(connection, count, workdir, emit)))


def on_bench_broker(settings: Settings, emit: Callable[[str], None],
                    measure: Callable[[Settings, KafkaConnection, Path], dict]) -> dict:
    """``measure(settings, connection, workdir)`` on a dedicated local broker (or the external cluster)."""
    with tempfile.TemporaryDirectory(prefix="sanpalang-bench-") as tmp:
        workdir = Path(tmp)
        local_settings = None
        if not settings.is_external:
            from ops.kafka import local
            local_settings = settings.with_(home=workdir / "home", kafka_port=free_block(2))
            emit(f"starting a dedicated broker on port {local_settings.kafka_port}")
            local.up(local_settings, progress=emit)
        try:
            target = local_settings or settings
            connection = resolve_connection(target)
            apply_catalogue(target, connection, load_catalogue(), progress=lambda _: None)
            return measure(target, connection, workdir)
        finally:
            if local_settings:
                local.down(local_settings, purge=True)


def report(result: dict) -> str:
    lines = [f"raw producer limit: {result['raw_rate']:,.0f} records/s ({result['records']:,} records per source), "
             f"CPU {result['raw_cpu_us_per_record']:.0f} us/record"]
    for kind, figures in result["sources"].items():
        verdict = "meets" if figures["ratio"] >= figures["goal_ratio"] else "BELOW"
        lines.append(f"{kind:>5} source: {figures['rate']:>9,.0f} records/s  ratio {figures['ratio']:.2f} "
                     f"(goal >= {figures['goal_ratio']:.2f}: {verdict})  CPU {figures['cpu_us_per_record']:.0f} us/record")
    lines.append(f"peak RSS: {result['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--records", type=int, default=20_000, help="records per source")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--processes", metavar="N,N", help="instead: `sanpalang connect --processes N` for each "
                        "N given (e.g. 1,2), next to the raw limit of N producer processes (bench/intake_processes.py)")


def run(args, settings: Settings) -> int:
    def emit(line: str) -> None:
        print(line, file=sys.stderr, flush=True)
    if args.processes:
        from bench.intake_processes import measure_processes, parse_counts, report_processes
        counts = parse_counts(args.processes)
        result = on_bench_broker(settings, emit, lambda target, connection, workdir: measure_processes(
            target, connection, counts, args.records, workdir, emit))
        print(json.dumps(result) if args.json else report_processes(result))
        return 0
    result = run_intake_bench(settings, args.records, emit)
    print(json.dumps(result) if args.json else report(result))
    return 0
