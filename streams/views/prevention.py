"""Prevention work on the provincial map (issue 13 item 4): `PreventionActivity` events into the
`prevention` table, and the province page's read of it.

**Where the rows come from.** The views loop reads `intake.social.v1` as well as the worker's
outputs, and stores its `PreventionActivity` events (other intake events it skips: the worker's
outputs carry them). The other way - the correlator re-publishing them on a hub topic - would
give the correlator a record that touches no person, case or rule to carry, and a topic more with
its ACLs; reading the intake topic keeps the correlator out of it (it lets them by: no match, no
case, no clock, so no alert can move) and keeps every record accounted for at its source: the
intake topic holds each one for ever, the connector dead-letters what it refuses, and a views
database rebuilt from the start reads them all again.

**One row per activity**, keyed like the intake (`<source system>:<record id>`): a later version
of the record (a corrected head count) replaces the row rather than adding one; versions are
ordered by `recorded_at`, a tie going to the later arrival with other content (as for alerts).
Per-province scope as everywhere in the views: every read takes the caller's provinces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from streams.views import rows as R
from streams.views import tables as T
from streams.views.errors import ViewRecordError
from streams.views.scope import Provinces, case_visible, codes, in_provinces
from streams.views.upserts import upsert

__all__ = ["PREVENTION", "PREVENTION_TOPIC", "prevention_row", "write_prevention", "prevention_activities",
           "open_cases_by_stage"]

PREVENTION = "sanpalang.social.PreventionActivity"
PREVENTION_TOPIC = "intake.social.v1"


def prevention_row(event: Mapping[str, Any]) -> dict[str, Any]:
    """The `prevention` row of one decoded `PreventionActivity` (pure)."""
    try:
        envelope, source = event["envelope"], event["envelope"]["source"]
        return {"source_key": f"{source['system']}:{source['record_id']}", "event_id": envelope["event_id"],
                "province": envelope["province"], "district": event.get("district"), "held_on": event["held_on"],
                "activity_kind": event["activity_kind"], "audience": event["audience"],
                "people_reached": event["people_reached"], "languages": list(event.get("languages") or ()),
                "organiser": event.get("organiser"), "title": event.get("title"),
                "recorded_at": R.utc(envelope["recorded_at"], "recorded_at"), "record_digest": R.digest(event)}
    except (KeyError, TypeError) as e:
        raise ViewRecordError(f"not a PreventionActivity record: missing {e}") from e


def _newer(table: sa.Table, new: Any) -> sa.ColumnElement[bool]:
    return sa.or_(table.c.recorded_at < new.recorded_at,
                  sa.and_(table.c.recorded_at == new.recorded_at, table.c.record_digest != new.record_digest))


def write_prevention(conn: sa.Connection, events: Iterable[Mapping[str, Any]]) -> int:
    """Apply prevention activities (newest version per activity); returns how many rows changed."""
    rows = R.latest((prevention_row(e) for e in events), key=lambda r: r["source_key"],
                    order=lambda r: r["recorded_at"])
    return len(upsert(conn, T.prevention, "source_key", rows, _newer))


def prevention_activities(conn: sa.Connection, provinces: Provinces, *, province: str | None = None,
                          since: date | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Prevention activities in the caller's provinces (and `province`, when given), latest first;
    `since`: held on or after that day."""
    p = T.prevention.c
    where = [in_provinces(p.province, codes(provinces))]
    if province is not None:
        where.append(p.province == province)
    if since is not None:
        where.append(p.held_on >= since)
    query = (sa.select(T.prevention).where(*where).order_by(p.held_on.desc(), p.source_key).limit(limit))
    return [{k: v for k, v in row.items() if k != "record_digest"} for row in conn.execute(query).mappings()]


CLOSED_STATUSES = ("Closed", "ClosedReferred")


def open_cases_by_stage(conn: sa.Connection, provinces: Provinces) -> dict[str, int]:
    """How many open cases (not closed, not merged away) lead in or touch the caller's provinces,
    per stage: the province page sets them beside the hotspots and the prevention done there."""
    c = T.cases.c
    query = (sa.select(c.stage, sa.func.count()).where(case_visible(codes(provinces)), c.merged_into.is_(None),
                                                       c.status.not_in(CLOSED_STATUSES)).group_by(c.stage))
    return {stage: count for stage, count in conn.execute(query)}
