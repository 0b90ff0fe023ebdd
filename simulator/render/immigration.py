"""Immigration Bureau rows: `crossings`, `detentions`, `deportations` (DDL in examples/immigration.sql).

Timestamps are Bangkok local time without a zone ('2025-03-04 13:05:00'). Row ids, and the
`detention_id` of a deportation, are given later by `feed.py`, once the feed is in delivery
order (the SQL source reads rows by `(updated_at, id)`: ids must grow with `updated_at`). An
executed deportation is a row of its own (same `deportation_no`) so that the source cannot miss the
scheduled version by reading the table after the update.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from connectors.normalise import id13_kind
from simulator import places
from simulator.render import EVENT_TYPES, Ink, Rendered, text
from simulator.render.people import immigration_columns
from simulator.story import Fact

__all__ = ["COLUMNS", "render"]

_PERSON = ("doc_type", "doc_no", "doc_country", "first_name", "last_name", "name_th", "nationality", "birth_date",
           "sex")
COLUMNS = {   # every column of each table (examples/immigration.sql): a row holds them all, None when empty
    "crossings": ("id", "updated_at", "crossed_at", "checkpoint", "checkpoint_code", "province_code", "direction",
                  *_PERSON, "foreign_country"),
    "detentions": ("id", "updated_at", "detention_no", "admitted_at", "idc_name", "province_code", "reason", *_PERSON),
    "deportations": ("id", "updated_at", "deportation_no", "detention_id", "status", "scheduled_date", "executed_at",
                     "destination", "checkpoint", "checkpoint_province", "handed_over_to", "province_code", *_PERSON),
}

_SYSTEMS = {"crossings": "IMM-BORDER", "detentions": "IDC-REG", "deportations": "IDC-REG"}
_REASONS = ("illegal entry", "overstay", "เข้าเมืองผิดกฎหมาย", "no travel document", "อยู่เกินกำหนด")
_DESTINATIONS = {"MMR": ("MM", "Myanmar", "MMR"), "KHM": ("KH", "Cambodia"), "LAO": ("LA", "Laos", "LAO")}


def _document(person, rng, crossing: bool, papers: random.Random) -> str | None:
    """The paper the row is written on: a CI where the person holds one (half the time, always
    when they hold nothing else), a non-Thai ID as NON_THAI_ID, not as a pink card."""
    if not person.migrant:
        return rng.choice(("ID_CARD", "PASSPORT")) if person.passport else "ID_CARD"
    held = [d for d, v in (("BORDER_PASS", person.border_pass), ("PASSPORT", person.passport),
                           ("PINK_CARD", person.thai_id)) if v]
    certificate = papers.random() < 0.5
    if not held:
        return "CI" if crossing or person.ci else None
    chosen = rng.choice(held)
    if person.ci and certificate:
        return "CI"
    if chosen == "PINK_CARD" and id13_kind(person.thai_id) == "NonThaiId":
        return "NON_THAI_ID"
    return chosen


def render(fact: Fact, ink: Ink) -> Rendered:
    rng = ink.rng(fact)
    t = text.local(fact.at)
    person = ink.person(fact.persons[0][0])
    table, data = fact.kind, fact.data
    document = _document(person, rng, table == "crossings", ink.papers(fact))
    row: dict[str, Any] = {"id": None, "updated_at": None}
    lag = timedelta(seconds=0 if data.get("status") == "SCHEDULED" else rng.randrange(0, 120))
    row["updated_at"] = text.moment(fact.at + lag, "sql")
    code = fact.province[3:]
    if table == "crossings":
        checkpoint = rng.choice(places.checkpoints(fact.province))
        row.update({"crossed_at": text.moment(fact.at, "sql"), "checkpoint": checkpoint.name,
                    "checkpoint_code": checkpoint.code, "province_code": code,
                    "direction": "IN" if data["direction"] == "IN" else "OUT",
                    "foreign_country": rng.choice(checkpoint.foreign)})
    elif table == "detentions":
        number = ink.number("imm:detention")
        row.update({"detention_no": f"{ink.prefix}IDC{code}-{text.be(t.year)}-{number:06d}",
                    "admitted_at": text.moment(fact.at, "sql"), "idc_name": places.idc(fact.province),
                    "province_code": code, "reason": rng.choice(_REASONS)})
    else:
        number = ink.remember(("deportation", data["detention_key"]), lambda: ink.number("imm:deportation"))
        row.update({"deportation_no": f"{ink.prefix}DEP-{text.be(t.year)}-{number:06d}", "detention_id": None,
                    "status": data["status"], "destination": rng.choice(_DESTINATIONS[person.nationality]),
                    "province_code": code})
        checkpoint = places.checkpoints(fact.province)[0]
        if data["status"] == "SCHEDULED":
            row.update({"scheduled_date": text.moment(data["when"], "sql"), "checkpoint": checkpoint.name})
        else:
            row.update({"scheduled_date": text.moment(fact.at, "sql")[:10], "executed_at": text.moment(fact.at, "sql"),
                        "checkpoint": checkpoint.name, "checkpoint_province": code,
                        "handed_over_to": rng.choice(("Myawaddy immigration", "Poipet immigration", None))})
    row.update(immigration_columns(person, t.date(), rng, document=document))
    if document == "CI" and not person.ci:   # the feed's crossers hold one (papers.py); bench rows may not
        row["doc_no"] = f"CI{rng.randrange(10 ** 6, 10 ** 7)}"
    row = {column: row.get(column) for column in COLUMNS[table]}
    event_type = EVENT_TYPES.get(table) or ("DeportationScheduled" if data["status"] == "SCHEDULED"
                                            else "DeportationExecuted")
    return Rendered(row, "immigration-sql", table, _SYSTEMS[table], None, event_type,
                    [("p1", person.pid, fact.persons[0][1])])
