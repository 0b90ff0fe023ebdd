"""Hub records for the view tests (the schemas' examples, renamed and moved) and a table snapshot."""

from __future__ import annotations

import copy
from datetime import timedelta

import sqlalchemy as sa

import schemas
from streams.views import metadata


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every view table, sorted: two equal snapshots, unchanged tables."""
    with engine.connect() as conn:
        return {t.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(t))) for t in metadata.sorted_tables}


def case_view(case_id="case-1", *, province="TH-57", provinces=None, minutes=0, **changes):
    """The example CaseView, renamed and moved: ``minutes`` later than the example's updated_at."""
    record = copy.deepcopy(schemas.example("sanpalang.hub.CaseView"))
    record.update(case_id=case_id, lead_province=province, provinces=provinces or [province],
                  updated_at=record["updated_at"] + timedelta(minutes=minutes))
    for entry in record["timeline"]:
        entry["event_id"] = f"{case_id}:{entry['event_id']}"
        entry["province"] = province
    record.update(changes)
    return record


def alert(alert_id="alr-1", *, province="TH-57", case_id="case-1", **changes):
    return {**schemas.example("sanpalang.hub.Alert"), "alert_id": alert_id, "province": province,
            "case_id": case_id, **changes}


def link(event_id, person_ref="p1", *, decision="Possible", minutes=0, **changes):
    record = schemas.example("sanpalang.hub.PersonLink")
    return {**record, "source_event_id": event_id, "person_ref": person_ref, "decision": decision,
            "decided_at": record["decided_at"] + timedelta(minutes=minutes), **changes}


def referral(referral_id="ref-1", *, province="TH-57", **changes):
    return {**schemas.example("sanpalang.hub.Referral"), "referral_id": referral_id, "province": province, **changes}
