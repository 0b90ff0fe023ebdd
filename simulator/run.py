"""`simulate(...)`: the entry point of `sanpalang simulate`. Generate a feed (`feed.generate`),
write its truth file (with each record's delivery location), deliver it (`deliver.deliver`)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Sequence

from simulator.batches import plan
from simulator.deliver import Report, Targets, deliver, latest_row_at, next_row_id, write_atomically
from simulator.feed import generate
from simulator.places import DEFAULT_PROVINCES

__all__ = ["default_start", "simulate"]


def default_start(targets: Targets, now: datetime, days: float) -> datetime:
    """`days` before `now` (to the hour), so that the period ends now and no record is dated after
    it arrives (the connectors dead-letter those); but after every row already in the immigration
    tables: an SQL source that polled an earlier run would otherwise never read rows written behind
    its watermark (the period then runs past now, and what is dated later is dead-lettered)."""
    start = (now.astimezone(timezone.utc) - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    latest = latest_row_at(targets.immigration_sql, targets.immigration_schema) if targets.immigration_sql else None
    return max(start, latest.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)) if latest else start


def simulate(*, seed: int, start_at: datetime | None, targets: Targets, truth_path: Path | None, scenarios: int = 40,
             persons: int = 300, days: float = 60, provinces: Sequence[str] = DEFAULT_PROVINCES,
             rate: float | None = 50.0, batch: int = 100, prefix: str = "", bad: float = 0.01,
             row_id_base: int | None = None, progress: Callable[[str], None] = print) -> Report:
    """Generate a feed, write its truth file, deliver it; `sanpalang simulate`. `start_at` None:
    `default_start` (ending now, after the rows already in the immigration tables)."""
    if start_at is None:
        start_at = default_start(targets, datetime.now(timezone.utc), days)
    if row_id_base is None:
        row_id_base = next_row_id(targets.immigration_sql, targets.immigration_schema) if targets.immigration_sql else 1
    began = time.perf_counter()
    feed = generate(seed, start_at=start_at, scenarios=scenarios, persons=persons, days=days,
                    provinces=tuple(provinces), prefix=prefix, row_id_base=row_id_base, bad=bad)
    progress(f"generated {len(feed.records)} records, {len(feed.truth['alerts'])} expected alerts, "
             f"{len(feed.truth['cases'])} cases in {time.perf_counter() - began:.1f} s")
    deliveries = plan(feed.records, batch=batch, prefix=prefix)
    if truth_path is not None:
        truth = dict(feed.truth, delivery={
            "batch": batch, "prefix": prefix,
            "skipped_channels": sorted({d.channel for d in deliveries if not targets.has(d.channel)}),
            "locations": {ref: loc for d in deliveries for ref, loc in d.locations.items()}})
        write_atomically(Path(truth_path), json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8"))
        progress(f"truth written to {truth_path}")
    return asyncio.run(deliver(feed.records, targets, rate=rate, batch=batch, prefix=prefix, progress=progress))
