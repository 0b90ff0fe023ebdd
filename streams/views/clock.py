"""The hub's clock, as the worker publishes it and the console counts deadlines from it (issue 13).

The worker's deadlines run on its own clock (`streams.worker.correlator`: wall-clock ticks live,
event time in a replay or the demo). A console that counted "time left" from its wall clock told
an operator "150 days left" on an alert whose message said the period was overrun, whenever the
feed's event time ran ahead of or behind the wall. So every record the worker publishes carries,
in a header, the hub clock at which it was decided (``sanpalang-hub-clock: event:<epoch ms>``);
the views store the latest one with the rows it came with (`hub_clock`, only forward), and the
console's live feed reads it off the alerts. On the wall clock the console's own clock is the
hub's (ticks are the wall), so it counts from that; on event time it counts from the hub clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from streams.views import tables as T

__all__ = ["HUB_CLOCK_HEADER", "HubClock", "clock_header", "clock_of", "latest", "write_clock", "read_clock",
           "countdown_now", "MODES"]

HUB_CLOCK_HEADER = "sanpalang-hub-clock"
MODES = ("wall", "event")


@dataclass(frozen=True, slots=True)
class HubClock:
    at: datetime
    mode: str                   # "wall" (live ticks) or "event" (replays, the demo)


def clock_header(at: datetime, mode: str) -> bytes:
    return f"{mode}:{int(at.timestamp() * 1000)}".encode()


def clock_of(headers: Iterable[tuple[str, bytes]] | None) -> HubClock | None:
    """The hub clock a message's headers carry; None when they carry none (or a malformed one)."""
    for key, value in headers or ():
        if key != HUB_CLOCK_HEADER:
            continue
        mode, _, ms = bytes(value).decode("ascii", "replace").partition(":")
        if mode in MODES and ms.isdigit():
            return HubClock(datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc), mode)
    return None


def latest(clocks: Iterable[HubClock | None]) -> HubClock | None:
    present = [c for c in clocks if c is not None]
    return max(present, key=lambda c: c.at) if present else None


def countdown_now(clock: HubClock | None, wall_now: datetime) -> datetime:
    """The instant "time left" is counted from: the hub's event clock when it runs on event time,
    else the wall clock (which is what the hub's ticks are)."""
    return clock.at if clock is not None and clock.mode == "event" else wall_now


def write_clock(conn: sa.Connection, clock: HubClock) -> None:
    """Store the clock; it only moves forward (two views processes may apply batches out of order),
    except that a change of mode (a demo after a live run, or back) takes the new clock as it is."""
    hc = T.hub_clock.c
    moved = conn.execute(sa.update(T.hub_clock).where(hc.id == 1, sa.or_(hc.at < clock.at, hc.mode != clock.mode))
                         .values(at=clock.at, mode=clock.mode))
    if moved.rowcount == 0 and conn.execute(sa.select(hc.id).where(hc.id == 1)).first() is None:
        conn.execute(sa.insert(T.hub_clock).values(id=1, at=clock.at, mode=clock.mode))


def read_clock(conn: sa.Connection) -> HubClock | None:
    row = conn.execute(sa.select(T.hub_clock).where(T.hub_clock.c.id == 1)).first()
    return HubClock(row.at, row.mode) if row is not None else None
