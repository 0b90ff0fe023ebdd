"""The cluster fault of ``sanpalang bench faults`` (issue 17): the whole hub on a 3-node cluster,
one broker killed with SIGKILL mid-run, nothing lost or doubled end to end.

Every agency's connector runs as ``sanpalang connect AGENCY --processes 2`` (police: HTTP intake on
one ``SO_REUSEPORT`` port; labour and social: a shared file drop; immigration: table polling split
by key hash) and two ``sanpalang worker --stages split`` processes run (one the persons stage, the
other the case stage: docs/decisions/003). Half of every source's records go in; once every source has landed some and the
worker has correlated some, the node leading most intake partitions is killed; the other half goes
in while it is down (mid-run by construction); then it is started again on its data. Counted after:

* every generated record is on its intake topic, or dead-lettered, exactly once (read committed);
* every intake event is on the persons stage's lane exactly once;
* the workers' committed outputs equal what an undisturbed joined worker publishes for that lane.

The count starts once every intake event is on the lane, the case stage has every hand-over, and
the processes are stopped: the lane entries and their outputs are committed in one transaction,
and the oracle replays the lane as it
then is (events still held for event-time order included), so no final flush is waited for (a
worker writes one only when it holds events; here the watermark often released them all). The
lane itself is counted rather than ``hub_run.settled`` waited for (which now steps over the commit
marker of a connector's last transaction past the correlator's committed offset).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import schemas
from bench.faults_broker import kill_leader, partition_leaders
from bench.faults_count import Tally, count_landed
from bench.faults_kill import Crossings, HttpLoad, labour_exports, lane_entries, outputs_differing, records_in
from bench.hub_run import (HubProcess, ScratchHub, WorkerProcess, correlated, handed_over, read_topic, stop_all,
                           wait_until)
from bench.intake import EXAMPLES, crossing_rows, police_records
from ops.kafka import local
from ops.ports import free_port
from simulator.deliver import write_atomically

__all__ = ["Load", "cluster_load", "social_exports", "cluster_killed"]

PROCESSES = 2
AGENCIES = ("police", "labour", "immigration", "social")
INTAKE = tuple(f"intake.{agency}.v1" for agency in AGENCIES)
FILES = 4                   # exports per file-drop source and half: a few per child
READY_S, DONE_S = 240.0, 900.0


def social_exports(run: str, files: int, per_file: int, seed: int = 5) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Social MDT exports of ``run`` (name, JSON Lines bytes), one case and one person of the
    simulator's population per record, and their record ids ``{run}sNN-S{i}``."""
    from bench.intake import _population
    from simulator.render.people import person_object
    template = json.loads((EXAMPLES / "mdt_57_25680303.jsonl").read_text(encoding="utf-8").splitlines()[0])
    people, rng, on = _population(files * per_file, seed)
    exports, ids = [], []
    for k in range(files):
        lines = []
        for i in range(per_file):
            record_id = f"{run}s{k:02d}-S{i}"
            person = people[k * per_file + i]
            lines.append(json.dumps({**template, "record_id": record_id, "case_no": f"พม.{record_id}",
                                     "person": person_object(person, on, rng)}, ensure_ascii=False))
            ids.append(record_id)
        exports.append((f"mdt_{run}_{k:02d}.jsonl", ("\n".join(lines) + "\n").encode()))
    return exports, ids


@dataclass
class Load:
    """Every source's records of one run, in two halves, and the ids the count expects."""

    police: list[list[dict]]
    labour: list[list[tuple[str, bytes]]]
    social: list[list[tuple[str, bytes]]]
    rows: list[list[dict]]
    ids: list[str]
    id_pattern: str


def cluster_load(run: str, per_source: int, seed: int = 1) -> Load:
    """``per_source`` records of each agency (file sources: ``2 * FILES`` exports)."""
    per_file = max(1, per_source // (2 * FILES))
    police = [{**r, "case_no": f"ปคม.{r['record_id']}"} for r in police_records(per_source, run, seed=seed)]
    labour, labour_ids = labour_exports(run, 2 * FILES, per_file)
    social, social_ids = social_exports(run, 2 * FILES, per_file, seed=seed + 4)
    rows = crossing_rows(per_source, seed=seed + 2)
    half = per_source // 2
    return Load([police[:half], police[half:]], [labour[:FILES], labour[FILES:]], [social[:FILES], social[FILES:]],
                [rows[:half], rows[half:]],
                [r["record_id"] for r in police] + labour_ids + social_ids + [f"crossings/{r['id']}" for r in rows],
                rf"{run}-P\d+|{run}f\d\d-L\d+|{run}s\d\d-S\d+|crossings/\d+")


class Supervisor(HubProcess):
    """``sanpalang connect AGENCY --processes 2 ...``; its children log to the same file."""

    def __init__(self, hub: ScratchHub, workdir: Path, agency: str, *args: str) -> None:
        super().__init__(hub, workdir / f"{agency}.log", "connect", agency, "--processes", str(PROCESSES), *args)
        self.agency = agency

    def wait_ready(self, marker: str) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.agency} connector exited:\n{self.tail()}")
            return self.log.read_text(errors="replace").count(marker) >= PROCESSES
        wait_until(ready, timeout=READY_S, what=f"{PROCESSES} {self.agency} processes running", poll=0.2)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


class Posting:
    """Police batches posted from a thread of their own (``HttpLoad``: retried by key until answered)."""

    def __init__(self, url: str, token: str, records: list[dict], keys: str) -> None:
        self.load = HttpLoad(url, token, records)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.load.run(keys, clients=4)), daemon=True)
        self.thread.start()

    def answered(self) -> bool:
        return not self.thread.is_alive() and len(self.load.answers) == len(self.load.batches)


def cluster_killed(hub: ScratchHub, workdir: Path, run: str, emit: Callable[[str], None],
                   per_source: int = 2000) -> Tally:
    """``hub`` is a 3-node cluster; the run described in the module docstring."""
    from runtime.credentials import issue_intake_token
    load = cluster_load(run, per_source)
    drops = {agency: workdir / f"{agency}-drop" for agency in ("labour", "social")}
    for drop in drops.values():
        drop.mkdir()
    crossings = Crossings(workdir)
    port = free_port()
    url, token = f"http://127.0.0.1:{port}/v1/records", issue_intake_token(hub.settings, "police")
    processes: list[HubProcess] = []
    postings: list[Posting] = []
    try:
        connectors = [Supervisor(hub, workdir, "police", "--http", f"127.0.0.1:{port}"),
                      Supervisor(hub, workdir, "labour", "--watch", str(drops["labour"])),
                      Supervisor(hub, workdir, "immigration", "--sql", crossings.url, "--table", "crossings"),
                      Supervisor(hub, workdir, "social", "--watch", str(drops["social"]))]
        processes += connectors
        processes += [WorkerProcess(hub, workdir / f"worker-{name}.log", "--stages", "split") for name in "ab"]
        for connector, marker in zip(connectors, ("HTTP intake on", "file source running", "sql source running",
                                                  "file source running")):
            connector.wait_ready(marker)
        emit(f"  {len(AGENCIES)} connectors x {PROCESSES} processes and 2 split workers running; first half in")

        def deliver(half: int) -> None:
            postings.append(Posting(url, token, load.police[half], f"{run}h{half}"))
            for agency, exports in (("labour", load.labour[half]), ("social", load.social[half])):
                for name, data in exports:
                    write_atomically(drops[agency] / name, data)
            crossings.insert(load.rows[half])

        deliver(0)
        wait_until(lambda: all(records_in(hub, agency) > 0 for agency in AGENCIES) and correlated(hub.connection) > 0,
                   timeout=DONE_S, what="every source landed and the worker correlating", poll=0.5)
        node = kill_leader(hub, INTAKE)
        emit(f"  node {node} (leading most intake partitions) killed with SIGKILL; second half in")
        wait_until(lambda: _led_without(hub, node), timeout=120,
                   what=f"the intake partitions led by nodes other than {node}", poll=0.5)
        deliver(1)
        wait_until(lambda: not _alive(hub, node), timeout=30, what=f"node {node} gone", poll=0.2)
        local.up(hub.settings, nodes=3)         # starts the stopped node on its own data
        if not _alive(hub, node):
            raise RuntimeError(f"node {node} was not started again")
        emit(f"  node {node} started again on its data")
        files = {agency: [name for half in exports for name, _ in half]
                 for agency, exports in (("labour", load.labour), ("social", load.social))}
        wait_until(lambda: _all_in(load, postings, drops, files, hub), timeout=DONE_S, what="every record landed",
                   poll=1.0)
        events = len({record["envelope"]["event_id"] for _, _, record in read_topic(hub.connection, INTAKE)})
        wait_until(lambda: len(lane_entries(hub)) >= events, timeout=DONE_S, what="every intake event on the lane",
                   poll=1.0)
        wait_until(lambda: handed_over(hub.connection), timeout=DONE_S, what="the case stage at the lane's end",
                   poll=1.0)
        emit(f"  {events:,} intake events on the lane, every hand-over taken")
    finally:
        stop_all(processes)
        crossings.dispose()
    emit("  stopped; counting")
    return _count(hub, load, postings)


def _alive(hub: ScratchHub, node: int) -> bool:
    return any(s.alive for s in local.status(hub.settings).nodes if s.node_id == node)


def _led_without(hub: ScratchHub, node: int) -> bool:
    """Every intake partition has a leader and it is not ``node`` (False while the metadata request
    itself meets the dead node)."""
    from kafka.errors import KafkaError
    try:
        leaders = partition_leaders(hub, INTAKE)
    except KafkaError:
        return False
    return node not in leaders and -1 not in leaders


def _all_in(load: Load, postings: Sequence[Posting], drops: dict[str, Path], files: dict[str, list[str]],
            hub: ScratchHub) -> bool:
    """Every police batch answered, every export in its drop's ``done/``, every row on intake."""
    done = all(sorted(p.name for p in (drops[a] / "done").glob("*")) == sorted(names) for a, names in files.items())
    rows = sum(len(half) for half in load.rows)
    return all(p.answered() for p in postings) and done and records_in(hub, "immigration") >= rows


def _count(hub: ScratchHub, load: Load, postings: Sequence[Posting]) -> Tally:
    landed = read_topic(hub.connection, (*INTAKE, *(f"dlq.{agency}.v1" for agency in AGENCIES)))
    tally = count_landed("3-node cluster, 4 sources x 2 processes, 2 workers, intake leader SIGKILLed",
                         load.ids, landed, load.id_pattern)
    intake = {record["envelope"]["event_id"] for topic, _, record in landed if topic.startswith("intake.")}
    on_lane: dict[str, int] = {}
    for value, n in lane_entries(hub).items():
        event_id = schemas.decode(value)[1]["envelope"]["event_id"]
        on_lane[event_id] = on_lane.get(event_id, 0) + n
    differing = outputs_differing(hub)
    lane_lost = len(intake - set(on_lane))
    tally.lost += lane_lost
    tally.doubled += sum(n - 1 for n in on_lane.values())
    tally.unaccounted += len(set(on_lane) - intake) + differing
    tally.trials = 1
    tally.note = (f"{len(intake):,} intake events, {len(on_lane):,} on the lane ({lane_lost} missing); "
                  f"{differing} output keys differ from an undisturbed worker's; "
                  f"{sum(p.load.retries for p in postings)} retried posts")
    return tally
