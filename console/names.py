"""The person directory in SQL: writing entries with their feed offsets, reading a case's names.

Entries and the offsets they came from are written in one transaction, so a console restarted at
any moment resumes exactly after what it stored (an entry seen twice is simply rewritten).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from console import store as S
from console.directory import PersonEntry, display_names
from streams.views import tables as T

__all__ = ["write_entries", "stored_offsets", "persons_of_case", "persons_in_cases"]


def write_entries(conn: sa.Connection, entries: Iterable[PersonEntry], offsets: Mapping[tuple[str, int], int]) -> None:
    pe, fo = S.person_entries, S.feed_offsets
    rows = {(e.event_id, e.person_ref): {"event_id": e.event_id, "person_ref": e.person_ref, "agency": e.agency,
                                         "names": json.dumps(list(e.names), ensure_ascii=False),
                                         "identifiers": json.dumps([list(i) for i in e.identifiers], ensure_ascii=False)}
            for e in entries}
    if rows:
        # Keyed by (agency, event, person ref): an entry replaces only its own agency's entry, so
        # no agency can overwrite the names another agency recorded under the same event id.
        stored = conn.execute(sa.select(pe.c.event_id, pe.c.person_ref, pe.c.agency)
                              .where(sa.tuple_(pe.c.event_id, pe.c.person_ref).in_(list(rows))))
        taken = {(r.event_id, r.person_ref) for r in stored if r.agency != rows[(r.event_id, r.person_ref)]["agency"]}
        rows = {key: row for key, row in rows.items() if key not in taken}
    if rows:
        conn.execute(sa.delete(pe).where(sa.tuple_(pe.c.event_id, pe.c.person_ref).in_(list(rows))))
        conn.execute(sa.insert(pe), list(rows.values()))
    for (topic, partition), next_offset in offsets.items():
        done = conn.execute(sa.update(fo).where(fo.c.topic == topic, fo.c.partition == partition)
                            .values(next_offset=next_offset))
        if done.rowcount == 0:
            conn.execute(sa.insert(fo).values(topic=topic, partition=partition, next_offset=next_offset))


def stored_offsets(conn: sa.Connection, topics: Iterable[str]) -> dict[tuple[str, int], int]:
    fo = S.feed_offsets
    return {(r.topic, r.partition): r.next_offset
            for r in conn.execute(sa.select(fo).where(fo.c.topic.in_(list(topics))))}


def persons_of_case(conn: sa.Connection, case_id: str) -> dict[str, dict[str, Any]]:
    """Per hub person of the case: the names and masked identifiers recorded in the case's own
    events (a person's names from other cases are not this case's business)."""
    return persons_in_cases(conn, [case_id]).get(case_id, {})


def persons_in_cases(conn: sa.Connection, case_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """`persons_of_case` for several cases at once (the board names the person of each alert):
    case id -> hub person id -> names and masked identifiers."""
    pe, pl, ev = S.person_entries, T.person_links, T.case_events
    query = (sa.select(ev.c.case_id, pl.c.person_id, pe.c.agency, pe.c.names, pe.c.identifiers)
             .join(pl, sa.and_(pl.c.source_event_id == pe.c.event_id, pl.c.person_ref == pe.c.person_ref,
                               pl.c.agency == pe.c.agency))
             .join(ev, sa.and_(ev.c.event_id == pe.c.event_id, ev.c.case_id.in_(case_ids)))
             .order_by(ev.c.case_id, pl.c.person_id, ev.c.position))
    spellings: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    identifiers: dict[tuple[str, str], dict[tuple[str, str], None]] = {}
    for row in conn.execute(query):
        key = (row.case_id, row.person_id)
        spellings.setdefault(key, []).append(tuple(json.loads(row.names)))
        for kind, masked in json.loads(row.identifiers):
            identifiers.setdefault(key, {})[(kind, masked)] = None
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (case_id, pid), names in spellings.items():
        out.setdefault(case_id, {})[pid] = {"names": display_names(names),
                                            "identifiers": [list(i) for i in identifiers.get((case_id, pid), {})]}
    return out
