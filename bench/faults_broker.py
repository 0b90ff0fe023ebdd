"""Broker faults of ``sanpalang bench faults``, under the police HTTP intake's load.

- *outage*: the single broker stopped for ``OUTAGE_S`` while callers post (and retry with their
  ``Idempotency-Key`` on 503s and timeouts), then started again;
- *leader killed*: on a 3-node cluster, the leader of the intake partitions killed with SIGKILL
  mid-load, then restarted on its data.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from pathlib import Path
from typing import Callable, Sequence

from bench.faults_count import Tally, count_landed
from bench.faults_kill import Connector, HttpLoad
from bench.hub_run import ScratchHub, read_topic
from ops.kafka import local

__all__ = ["broker_outage", "leader_killed", "partition_leaders", "kill_leader"]

OUTAGE_S = 30.0


def _police_load(hub: ScratchHub, workdir: Path, run: str, count: int) -> tuple[Connector, HttpLoad, list[str]]:
    from runtime.credentials import issue_intake_token
    from bench.intake import police_records
    records = police_records(count, run)
    connector = Connector(hub, workdir, "police", http=True)
    load = HttpLoad(f"http://127.0.0.1:{connector.port}/v1/records", issue_intake_token(hub.settings, "police"), records)
    return connector, load, [r["record_id"] for r in records]


def _count(fault: str, hub: ScratchHub, ids: list[str], run: str, load: HttpLoad, trials: int) -> Tally:
    tally = count_landed(fault, ids, read_topic(hub.connection, ("intake.police.v1", "dlq.police.v1")),
                         rf"{run}-P\d+")
    tally.trials, tally.note = trials, f"{load.retries} retried posts"
    return tally


def broker_outage(hub: ScratchHub, workdir: Path, run: str, emit: Callable[[str], None],
                  count: int = 4000) -> Tally:
    connector, load, ids = _police_load(hub, workdir, run, count)

    async def scenario() -> None:
        connector.start()
        await asyncio.to_thread(connector.wait_healthy)
        posting = asyncio.create_task(load.run(run, pause_s=0.2))
        await asyncio.sleep(2.0)
        emit(f"  broker stopped for {OUTAGE_S:.0f} s")
        await asyncio.to_thread(local.stop_node, hub.settings, 1)
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(local.start_node, hub.settings, 1)
        emit("  broker back")
        await posting

    try:
        asyncio.run(scenario())
    finally:
        connector.stop()
    return _count("single broker down during HTTP intake", hub, ids, run, load, 1)


def partition_leaders(hub: ScratchHub, topics: Sequence[str]) -> list[int]:
    """The leader node of every partition of ``topics`` (-1 while one has none)."""
    from kafka import KafkaAdminClient
    admin = KafkaAdminClient(**hub.connection.kafka_python())
    try:
        return [p["leader_id"] for t in admin.describe_topics(list(topics)) for p in t["partitions"]]
    finally:
        admin.close()


def kill_leader(hub: ScratchHub, topics: Sequence[str]) -> int:
    """SIGKILL the node leading most partitions of ``topics``; returns its id."""
    leaders = partition_leaders(hub, topics)
    node = max(set(leaders), key=leaders.count)
    os.kill(next(s.pid for s in local.status(hub.settings).nodes if s.node_id == node), signal.SIGKILL)
    return node


def leader_killed(hub: ScratchHub, workdir: Path, trials: int, rng: random.Random, run: str,
                  emit: Callable[[str], None], count: int = 4000) -> Tally:
    """``hub`` is a 3-node cluster; each trial kills the node leading most intake partitions."""
    connector, load, ids = _police_load(hub, workdir, run, count)

    async def scenario() -> None:
        connector.start()
        await asyncio.to_thread(connector.wait_healthy)
        posting = asyncio.create_task(load.run(run, pause_s=trials * 25 * 2 / len(load.batches)))
        for n in range(trials):
            await asyncio.sleep(rng.uniform(2.0, 6.0))
            node = await asyncio.to_thread(kill_leader, hub, ["intake.police.v1"])
            emit(f"  leader node {node} killed ({n + 1}/{trials})")
            await asyncio.sleep(5.0)
            await asyncio.to_thread(local.up, hub.settings, nodes=3)
        await posting

    try:
        asyncio.run(scenario())
    finally:
        connector.stop()
    return _count("3-node cluster, intake leader SIGKILLed", hub, ids, run, load, trials)
