"""`sanpalang worker`: the faust app `sanpalang-hub`. faust runs the worker's lifecycle (start, the
stop signals, a crash that stops the process), its tasks and its timers; it starts no Kafka client
of its own (docs/decisions/002-worker-loop-and-faust.md says why the correlate step commits
through its own transaction):

- task `correlate` (`loop.CorrelateLoop`): intake topics and operator actions through the correlator;
  the lane entries, their outputs and the source offsets in one Kafka transaction. One worker at a
  time holds the lane, any other stands by. With `--clock wall` the lane's owner also records a
  tick every `--tick` seconds, so deadlines fire on the wall clock and a replay sees the same ticks.
  With `--stages split`, two loops (the persons stage and the case stage, `stages`), each on its
  own lane; the group gives each lane to one worker.
- task `views` (`ViewsLoop`, in a child process): the committed outputs into SQL. A database it
  cannot write leaves the worker degraded (`/health`), correlating and publishing all the same.
- timer `lag`: consumer lag of each loop, for the metrics.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import faust
from faust.app.base import BootStrategy

from runtime.connection import KafkaConnection
from streams.worker.clients import GROUP as CORRELATE_GROUP, WorkerClients
from streams.worker.lag import LagProbe
from streams.worker.loop import CorrelateLoop
from streams.worker.locks import Fanout, SharedGroup
from streams.worker.metrics import WorkerMetrics
from streams.worker.reorder import REPLAY_WINDOW
from streams.worker.stages import JOINED, LAYOUTS, Stage
from streams.worker.views_loop import GROUP as VIEWS_GROUP, OUTPUT_TOPICS, run_in_child

__all__ = ["WorkerOptions", "Pending", "make_app"]

APP_ID = "sanpalang-hub"


@dataclass(frozen=True)
class WorkerOptions:
    database_url: str
    clock: str = "event"          # "event": deadlines advance with event time only; "wall": ticks too
    tick_seconds: float = 10.0
    views: bool = True
    consumer_key: bytes | None = None          # streams.privacy.pseudonym_key(settings)
    window: timedelta = REPLAY_WINDOW          # streams.worker.reorder
    alertmanager_url: str | None = None
    snapshot_path: Path | None = None          # streams.worker.snapshot; None: a restart replays the whole lane
    snapshot_seconds: float = 300.0
    stages: str = "joined"                     # streams.worker.stages.LAYOUTS: "joined" or "split"


class Pending:
    """What a stop at the deadline abandons (`runtime.stopping`): the correlate loop's open transaction,
    if any, and the views' batch in hand."""

    def __init__(self) -> None:
        self.correlate: list[CorrelateLoop] = []

    def __call__(self) -> str:
        entries = sum(loop.in_flight for loop in self.correlate)
        transaction = (f"an open transaction of {entries} lane entr{'y' if entries == 1 else 'ies'}" if entries
                       else "no open transaction")
        return f"{transaction}, the SQL views' uncommitted batch if any, and Kafka clients still closing"


class _NoKafka(BootStrategy):
    """faust's own consumer, producer, tables and web server are not started: every Kafka client
    is the loops' own, and /metrics and /health are served from the first moment (`metrics.serve`),
    also while the broker cannot be reached."""

    enable_kafka = False
    enable_web = False


def make_app(connection: KafkaConnection, options: WorkerOptions, pending: Pending | None = None) -> faust.App:
    app = faust.App(APP_ID, store="memory://", web_enabled=False, autodiscover=False)
    app.producer_only, app.boot_strategy = True, _NoKafka(app)   # tasks and timers start at once
    metrics, clients = WorkerMetrics.shared(), WorkerClients(connection)

    @app.task
    async def correlate() -> None:
        pusher = None
        if options.alertmanager_url:
            from streams.worker.alertmanager import AlertmanagerPusher
            pusher = AlertmanagerPusher(options.alertmanager_url, registry=metrics.registry)
            await pusher.start()
        loops = [CorrelateLoop(clients, stage=stage, metrics=metrics, consumer_key=options.consumer_key,
                               on_alert=pusher.push if pusher else None,
                               tick_seconds=options.tick_seconds if options.clock == "wall" else None,
                               window=options.window, snapshot_path=_snapshot_path(options, stage),
                               snapshot_seconds=options.snapshot_seconds)
                 for stage in LAYOUTS[options.stages]]
        if pending is not None:
            pending.correlate = loops
        group = None
        try:
            if len(loops) == 1:
                await _or_crash(app, loops[0].run())
            else:
                group = SharedGroup(await clients.lane_group([loop.lane for loop in loops],
                                                             Fanout([loop.assignment for loop in loops])))
                await _or_crash(app, asyncio.gather(*(loop.run(group) for loop in loops)))
        finally:
            if group is not None:
                await group.stop()
            if pusher is not None:
                await pusher.stop()

    if options.views:
        @app.task
        async def views() -> None:
            await run_in_child(connection, options.database_url, metrics)    # degraded, never crashed

    sources = {t for stage in LAYOUTS[options.stages] for t in stage.sources}
    probe = LagProbe(clients, {**{t: CORRELATE_GROUP for t in sorted(sources)},
                                  **{t: VIEWS_GROUP for t in OUTPUT_TOPICS}}, metrics)

    @app.timer(15.0)
    async def lag() -> None:
        await probe.measure()

    return app


def _snapshot_path(options: WorkerOptions, stage: Stage) -> Path | None:
    """The joined correlator's snapshot where it always was; each split stage's beside it."""
    if options.snapshot_path is None or stage is JOINED:
        return options.snapshot_path
    return options.snapshot_path.with_name(f"{stage.name}.snapshot")


async def _or_crash(app: faust.App, loop: Awaitable[None]) -> None:
    """A correlate loop that fails stops the whole worker with an error (systemd restarts it:
    ops/systemd; it resumes from its commits) rather than leaving a process that looks alive and
    does nothing."""
    try:
        await loop
    except asyncio.CancelledError:
        raise
    except Exception as err:
        await app.crash(err)
