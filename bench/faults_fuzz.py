"""Fuzzed input of ``sanpalang bench faults``: HTTP bodies and dropped files no agency should send.

Bodies: random bytes, nesting thousands deep, integers of thousands of digits, lone surrogates,
other encodings, wrong shapes, records with fields of the wrong type, too many records, too many
bytes. Each request gets its own ``X-Request-Id``; it is *accounted* for when its answer is
final and every item the answer names is on the bus (an accepted item's events on intake, a
rejected one's dead letter naming the request), or when it was refused before anything was read
(401, 403, 413, 429). Any 5xx is unaccounted. Files: random bytes, cut lines, other encodings,
empty files, exact duplicates; each must leave the drop for ``done/`` or for ``rejected/`` with a
dead letter naming it.
"""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any, Callable

from bench.faults_count import Tally
from bench.faults_kill import Connector
from bench.hub_run import ScratchHub, read_topic, wait_until

__all__ = ["fuzz_bodies", "fuzz_files", "fuzzed_body", "fuzzed_file"]

REFUSED_UNREAD = {401, 403, 413, 429}


def fuzzed_body(rng: random.Random, record: dict[str, Any]) -> bytes:
    """One body of a randomly chosen kind; ``record`` is a valid police record to spoil."""
    kind = rng.randrange(10)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 2000))
    if kind == 1:
        depth = rng.choice((100, 990, 1000, 5000, 100_000))
        return (b"[" * depth + b"]" * depth) if rng.random() < 0.5 else (b'{"a":' * depth + b"1" + b"}" * depth)
    if kind == 2:
        big = "9" * rng.choice((4301, 5000, 20000))     # more digits than Python parses by default
        return json.dumps({**record, "note": "BIG"}).replace('"BIG"', big).encode()
    if kind == 3:
        return json.dumps({**record, "remarks": "\ud800" + "x" * rng.randrange(5)}).encode("utf-8", "surrogatepass")
    if kind == 4:
        return json.dumps(record, ensure_ascii=False).encode(rng.choice(("utf-16", "utf-32", "cp874", "utf-8-sig")),
                                                             "replace")
    if kind == 5:
        return json.dumps(rng.choice((None, 1, "x", [1, "a", None], {"records": 5}, {"records": [[]]}))).encode()
    if kind == 6:
        spoiled = {**record, "record_id": f"{record['record_id']}s"}     # a record of its own, not a resend
        for field in rng.sample(sorted(spoiled), k=min(3, len(spoiled))):
            spoiled[field] = rng.choice((None, 12, 1e308, "", [], {"x": 1}, True, "๐๑/๑๓/๒๕๖๙"))
        return json.dumps({"records": [spoiled, record]}, ensure_ascii=False).encode()
    if kind == 7:
        return json.dumps([{"record_id": f"x{n}"} for n in range(rng.choice((0, 1001, 3)))]).encode()
    if kind == 8:
        return json.dumps(record).encode()[: rng.randrange(1, 200)]
    return b'{"records": [' + b"0," * rng.randrange(1, 400_000) + b"0]}"


async def _post_all(url: str, token: str, bodies: list[bytes], run: str) -> list[tuple[str, int, dict | None]]:
    import aiohttp
    answers: list[tuple[str, int, dict | None]] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(bodies)):
        queue.put_nowait(n)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        async def client() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                request_id = f"{run}-{n}"
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                           "X-Request-Id": request_id}
                try:
                    async with session.post(url, data=bodies[n], headers=headers) as answer:
                        text = await answer.read()
                        body = json.loads(text) if answer.content_type == "application/json" else None
                        answers.append((request_id, answer.status, body))
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    answers.append((request_id, 599, None))
        await asyncio.gather(*(client() for _ in range(8)))
    return answers


def fuzz_bodies(hub: ScratchHub, workdir: Path, count: int, rng: random.Random, run: str,
                emit: Callable[[str], None]) -> Tally:
    from runtime.credentials import issue_intake_token
    from bench.intake import police_records
    records = police_records(200, f"{run}v")
    bodies = [fuzzed_body(rng, {**rng.choice(records), "record_id": f"{run}-B{n}"}) for n in range(count)]
    connector = Connector(hub, workdir, "police", http=True)
    token = issue_intake_token(hub.settings, "police")       # before the connector reads its digest
    try:
        connector.start()
        connector.wait_healthy()
        emit(f"  posting {count:,} fuzzed bodies")
        answers = asyncio.run(_post_all(f"http://127.0.0.1:{connector.port}/v1/records",
                                        token, bodies, run))
    finally:
        connector.stop()
    events: dict[str, int] = {}
    letters: set[str] = set()
    for topic, _, record in read_topic(hub.connection, ("intake.police.v1", "dlq.police.v1")):
        if topic.startswith("dlq."):
            letters.add(record["origin"]["location"])
        else:
            event_id = record["envelope"]["event_id"]
            events[event_id] = events.get(event_id, 0) + 1
    lost = unaccounted = 0
    for request_id, status, body in answers:
        if status in REFUSED_UNREAD:
            continue
        if status >= 500 or not body or "accepted" not in body:
            unaccounted += 1
            continue
        lost += sum(1 for item in body["accepted"] for event_id in item["event_ids"] if event_id not in events)
        for item in body["rejected"]:
            where = f"request {request_id}"
            if not any(location.endswith((f"{where} item {item['index']}", where)) for location in letters):
                unaccounted += 1
    server_errors = sum(1 for _, status, _ in answers if status >= 500)
    return Tally("fuzzed HTTP bodies", count, count, lost, sum(n - 1 for n in events.values()), unaccounted,
                 note=f"{server_errors} answered 5xx")


def fuzzed_file(rng: random.Random, valid: bytes) -> tuple[str, bytes]:
    kind = rng.randrange(7)
    if kind == 0:
        return "export.csv", rng.randbytes(rng.randrange(0, 5000))
    if kind == 1:
        return "export.csv", valid[: rng.randrange(1, len(valid))]
    if kind == 2:
        return "export.csv", valid.decode("cp874").encode(rng.choice(("utf-16", "utf-8", "utf-8-sig")))
    if kind == 3:
        return "export.csv", b""
    if kind == 4:
        return "export.jsonl", b'{"record_id": "x"}\n{not json\n' + rng.randbytes(100)
    if kind == 5:
        return "export.csv", valid.replace(b",", b";", rng.randrange(1, 20))
    return "export.csv", valid          # the same export again: a duplicate


def fuzz_files(hub: ScratchHub, workdir: Path, count: int, rng: random.Random, run: str,
               emit: Callable[[str], None]) -> Tally:
    from bench.intake import labour_csv
    drop = workdir / "fuzz-drop"
    drop.mkdir()
    valid = labour_csv(5, f"{run}z", seed=99)
    names = []
    for n in range(count):
        stem, data = fuzzed_file(rng, valid)
        name = f"{run}_{n:04d}_{stem}"
        (drop / f"{name}.part").write_bytes(data)
        (drop / f"{name}.part").rename(drop / name)
        names.append(name)
    connector = Connector(hub, workdir, "labour", "--watch", str(drop))
    try:
        connector.start()
        emit(f"  {count} fuzzed files in the drop")
        wait_until(lambda: not any((drop / name).exists() for name in names), timeout=300,
                   what="every fuzzed file taken", poll=0.5)
    except TimeoutError:
        pass
    finally:
        connector.stop()
    named = {record["origin"]["location"].split(":", 1)[0]
             for topic, _, record in read_topic(hub.connection, ("dlq.labour.v1",))}
    unaccounted = sum(1 for name in names
                      if not ((drop / "done" / name).exists() or ((drop / "rejected" / name).exists() and name in named)))
    return Tally("fuzzed dropped files", count, count, unaccounted=unaccounted)
