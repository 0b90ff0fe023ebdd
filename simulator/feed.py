"""`generate(seed, ...) -> Feed`: the pure generator. No clock, no I/O: `start_at` is a parameter.

Order of work: the world and the scenarios (each a small story with its expected alerts), the
benign background, the declared bad records, prevention work (`prevention.py`), the papers persons
carry beyond the ones the world drew (`papers.py`); then every fact is
rendered into its agency's native record, in event-time order (the delivery order), and
immigration rows get their ids; prevention records follow the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from simulator import places
from simulator.background import background
from simulator.bad import add_bad_facts, drop_attribute, spoil
from simulator.model import World
from simulator.papers import papers
from simulator.prevention import prevention
from simulator.render import Ink, Rendered, render
from simulator.scenarios import KINDS, LIFECYCLE_KINDS, Kind
from simulator.story import BANGKOK, Fact, Sim, Story
from simulator.story import days as span
from simulator.truth import build_truth

__all__ = ["Feed", "FeedRecord", "generate"]


@dataclass(frozen=True)
class FeedRecord:
    """One native record and where it goes. `expect` is `intake` or `dead-letter`."""

    ref: str
    agency: str
    kind: str
    channel: str                 # police-http, social-http, labour-file, social-file, immigration-sql
    target: str                  # police / hotline, a file kind (inspection_, shelter_...), a table
    native: Mapping[str, Any]
    occurred_at: datetime
    system: str
    record_id: str | None
    event_type: str | None
    expect: str = "intake"
    dead_letter_code: str | None = None
    note: str | None = None      # why it dead-letters, or which attribute the mapping must drop


@dataclass(frozen=True)
class Feed:
    records: tuple[FeedRecord, ...]
    truth: dict[str, Any]


def generate(seed: int = 1, *, start_at: datetime, scenarios: int = 40, persons: int = 300, days: float = 60,
             provinces: tuple[str, ...] = places.DEFAULT_PROVINCES, prefix: str = "", row_id_base: int = 1,
             bad: float = 0.01, lifecycle: bool = False) -> Feed:
    """A seeded feed: `scenarios` scripted stories (each kind of the catalogue once, then at random),
    background traffic for about `persons` people, and a `bad` fraction of declared bad records,
    over `days` days from `start_at` (timezone-aware) in `provinces` (ISO 3166-2:TH codes).
    `prefix` goes in front of every record id, file-visible case number and voyage id (test
    isolation on shared topics); `row_id_base` is the first immigration row id. `lifecycle` adds the
    stories of the whole case lifecycle (`scenarios.LIFECYCLE_KINDS`) to the catalogue."""
    if start_at.tzinfo is None:
        raise ValueError("start_at must be timezone-aware")
    if not provinces:
        raise ValueError("give at least one province")
    start_at = start_at.replace(second=0, microsecond=0)
    rng = random.Random(f"{seed}:world")
    sim = Sim(World(rng), rng, tuple(provinces), start_at, start_at + span(days))
    for number, (kind, chosen) in enumerate(_plan(sim, scenarios, KINDS + (LIFECYCLE_KINDS if lifecycle else ())), 1):
        sid = f"S{number:03d}"
        st = Story(sim, sid, kind.name, sim.new_case(sid, kind.name))
        t0 = start_at + span(rng.uniform(3, days - kind.span - 1))
        kind.script(st, t0, chosen)
    background(sim, persons)
    add_bad_facts(sim, round(bad * len(sim.facts)))
    prevention(sim, seed)                      # last: nothing above depends on it (see prevention.py)
    papers(sim, seed)                          # seabooks, CIs, non-Thai IDs: their own stream (papers.py)
    late = [f for f in sim.facts if f.at > sim.end_at]
    if late:
        raise AssertionError(f"{len(late)} facts fall after the end of the period (first: {late[0]})")
    records, rendered = _render(sim, seed, prefix, row_id_base)
    return Feed(tuple(records), build_truth(sim, seed, records, rendered, dict(
        seed=seed, start_at=start_at.isoformat(), days=days, scenarios=scenarios, persons=persons,
        provinces=list(provinces), prefix=prefix, row_id_base=row_id_base, bad=bad,
        **({"lifecycle": True} if lifecycle else {}))))


def _plan(sim: Sim, count: int, kinds: tuple[Kind, ...] = KINDS) -> list[tuple[Kind, list[str]]]:
    """Scenario kinds: every eligible kind once (catalogue order), then drawn at random."""
    period = (sim.end_at - sim.start_at).total_seconds() / 86400
    eligible = [k for k in kinds if k.span + 4 <= period and len(sim.provinces) >= k.provinces]
    chosen = eligible[:count] + [sim.rng.choice(eligible) for _ in range(max(0, count - len(eligible)))]
    out = []
    for kind in chosen:
        preferred = [p for p in sim.provinces if kind.prefer(p)] or list(sim.provinces)
        first = sim.rng.choice(preferred)
        rest = [p for p in sim.provinces if p != first]
        sim.rng.shuffle(rest)
        out.append((kind, [first, *rest]))
    return out


def _render(sim: Sim, seed: int, prefix: str, row_id_base: int) -> tuple[list[FeedRecord], list[tuple[Fact, Rendered]]]:
    ink = Ink(sim.world, seed, prefix)
    ordered = sorted((f for f in sim.facts if f.kind != "prevention"), key=lambda f: (f.at, f.seq))
    pairs = [(fact, render(fact, ink)) for fact in ordered]
    spoilers = random.Random(f"{seed}:drop")
    candidates = [i for i, (f, r) in enumerate(pairs) if f.bad is None and f.case is None and f.persons
                  and r.channel in ("immigration-sql", "labour-file")]
    drops = set(spoilers.sample(candidates, min(len(candidates), max(3, len(pairs) // 200))))
    _number_rows(pairs, row_id_base)
    # Prevention records come last, in their own time order: the other records keep their refs,
    # drops and deliveries whether the feed has prevention work or not.
    pairs += [(fact, render(fact, ink)) for fact in sorted((f for f in sim.facts if f.kind == "prevention"),
                                                           key=lambda f: (f.at, f.seq))]
    records = []
    for index, (fact, out) in enumerate(pairs):
        expect, code, note = "intake", None, None
        if fact.bad:
            code, note = spoil(fact, out)
            expect = "dead-letter"
        elif index in drops:
            note = drop_attribute(out)
        occurred = fact.at
        if fact.kind == "deportations" and out.native["status"] == "SCHEDULED":   # its event time is updated_at
            written = datetime.fromisoformat(out.native["updated_at"]).replace(tzinfo=BANGKOK)
            occurred = written.astimezone(fact.at.tzinfo)
        record_id = out.record_id if "record_id" in out.native or out.agency_has_own_id else None
        records.append(FeedRecord(f"R{index + 1:06d}", fact.agency, fact.kind, out.channel, out.target, out.native,
                                  occurred, out.system, record_id, None if fact.bad else out.event_type, expect, code,
                                  note))
    return records, pairs


def _number_rows(pairs: list[tuple[Fact, Rendered]], base: int) -> None:
    """Immigration row ids in delivery order; `updated_at` never goes back (the SQL source reads by
    (updated_at, id) and would skip a row written behind its watermark)."""
    number, last, detention_ids = base, "", {}
    for fact, out in pairs:
        if out.channel != "immigration-sql":
            continue
        row = out.native
        row["id"] = number
        if row["updated_at"] < last:
            row["updated_at"] = last
        last = row["updated_at"]
        if fact.kind == "detentions":
            detention_ids[fact.key] = number
        elif fact.kind == "deportations":
            row["detention_id"] = detention_ids.get(fact.data["detention_key"])
        out.record_id = f"{fact.kind}/{number}"
        number += 1
