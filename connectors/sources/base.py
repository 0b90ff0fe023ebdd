"""What every source shares: its collaborators, the run/stop lifecycle, and publishing in batches.

A source is a small class with a lifecycle (quix-streams' ``Source``): ``await run()`` polls until
``await stop()``; it reads native records, routes them (pure, ``connectors.routing``) and hands
each batch with the position it reached to the shared ``Publisher``, which commits events and
checkpoint in one transaction. A source keeps no position of its own anywhere else: on restart it
asks the publisher for the last committed checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Sequence

from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher, PublisherStopped
from connectors.records import Publication, SourceRecord
from connectors.routing import Mapper, RawOf, route, route_deferred

__all__ = ["ROUTE_SLICE", "Source", "SourceContext", "SourceError", "route_in_slices", "utc_now"]

ROUTE_SLICE = 50   # records routed between two turns of the event loop (some 5 ms)

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def route_in_slices(agency: str, records: Sequence[SourceRecord], mapper: Mapper, received_at: dt.datetime,
                          raw_of: RawOf | None = None, *, slice_size: int = ROUTE_SLICE) -> list[Publication]:
    """The publications of ``records`` (``route``, or ``route_deferred`` with ``raw_of``), in order,
    letting the event loop run after every ``slice_size`` records.

    Routing is CPU work on the event loop's thread. Done in one go, a batch of 1,000 records holds
    the loop for some 100 ms, and the publisher, whose transaction needs the loop at every step
    (sending the batches, reading the broker's acks, ending the transaction), advances only
    between batches, while the source may in turn wait for it (in the intake bench the sources'
    threads were busy 60-85% of the wall time: rate times CPU per record). Yielding every few
    milliseconds lets the commit of the previous batch proceed while this one is mapped, so the
    broker's work can overlap the connector's. It costs no measurable CPU.
    """
    out: list[Publication] = []
    for start in range(0, len(records), slice_size):
        if start:
            await asyncio.sleep(0)
        if raw_of is None:
            out.extend(p for record in records[start:start + slice_size]
                       for p in route(agency, record, mapper, received_at))
        else:
            out.extend(p for record in records[start:start + slice_size]
                       for p in route_deferred(agency, record, mapper, received_at, raw_of))
    return out


class SourceError(RuntimeError):
    """A source cannot go on (its directory or table is gone, misconfigured); ``__cause__`` says why."""


@dataclass(frozen=True)
class SourceContext:
    """What a source needs from the connector process around it."""

    agency: str
    mapper: Mapper
    publisher: Publisher
    metrics: ConnectorMetrics
    now: Callable[[], dt.datetime] = field(default=utc_now)


class Source(ABC):
    """``run()`` until ``stop()``; subclasses implement ``poll()`` (and optionally ``open``/``close``)."""

    kind: ClassVar[str] = "source"
    # For a source whose records come without their raw bytes (b""): makes them from the fields,
    # for the records that end as dead letters (routing.route_deferred).
    raw_of: ClassVar[RawOf | None] = None

    def __init__(self, context: SourceContext, *, interval_s: float, in_flight: int = 4,
                 stop_grace_s: float = 10.0) -> None:
        self.context = context
        self.interval_s = interval_s
        self.degraded_reason: str | None = None
        self._in_flight_limit = max(1, in_flight)
        self._in_flight: deque[asyncio.Task[None]] = deque()
        self._stop_grace_s = stop_grace_s
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def run(self) -> None:
        """Poll until stopped. Returns normally after ``stop()``; raises ``SourceError`` if it cannot go on."""
        self._task = asyncio.current_task()
        try:
            await self.open()
            while not self._stopping.is_set():
                busy = await self.poll()
                if not busy:
                    await self.sleep(self.interval_s)
            await self.drain()
        except PublisherStopped:
            if not self._stopping.is_set():
                raise
        finally:
            for task in self._in_flight:
                task.cancel()
            self._in_flight.clear()
            self._lag().set(0)
            await self.close()

    async def stop(self) -> None:
        """Finish the batch in hand (up to ``stop_grace_s``), then return; what was not committed is
        read again on the next start."""
        self._stopping.set()
        task = self._task
        if task is None or task is asyncio.current_task() or task.done():
            return
        await asyncio.wait({task}, timeout=self._stop_grace_s)
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def open(self) -> None:
        """Prepare (directories, table reflection) before the first poll."""

    async def close(self) -> None:
        """Release what ``open`` took."""

    @abstractmethod
    async def poll(self) -> bool:
        """Read and submit what is new; True if there is probably more to read right away."""

    async def sleep(self, seconds: float) -> None:
        """Wait, but wake as soon as the source is stopped."""
        # a timeout block, not wait_for: on Python 3.11 a wait_for cancelled just as its inner await
        # completes swallows the cancellation, and stop() would then wait out its grace period
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()

    # -- publishing ---------------------------------------------------------------------------

    async def submit(self, records: Sequence[SourceRecord], checkpoint: tuple[str, dict[str, Any]]) -> None:
        """Route ``records`` and hand them over with ``checkpoint``; returns once few enough batches
        are still waiting for their commit (so reading overlaps committing)."""
        ctx = self.context
        publications = await route_in_slices(ctx.agency, records, ctx.mapper, ctx.now(), self.raw_of)
        if records:
            ctx.metrics.record_received(self.kind, len(records))
        lag = self._lag()
        lag.inc(len(records))
        task = asyncio.create_task(ctx.publisher.publish(publications, checkpoint, source=self.kind))
        task.add_done_callback(lambda t, n=len(records), cp=checkpoint: self._committed(t, n, cp))
        self._in_flight.append(task)
        while len(self._in_flight) >= self._in_flight_limit:
            await self._in_flight.popleft()

    async def drain(self) -> None:
        """Wait until every submitted batch is committed (re-raising a failure)."""
        while self._in_flight:
            await self._in_flight[0]
            self._in_flight.popleft()

    def _committed(self, task: asyncio.Task[None], count: int, checkpoint: tuple[str, dict[str, Any]]) -> None:
        self._lag().dec(count)
        if task.cancelled() or task.exception() is not None:
            return
        log.debug("%s %s: committed %d record(s), checkpoint %s %s", self.context.agency, self.kind, count,
                  *checkpoint)

    def _lag(self):  # noqa: ANN202 - a prometheus child gauge
        return self.context.metrics.checkpoint_lag.labels(self.context.agency, self.kind)
