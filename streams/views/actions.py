"""Operators' writes to the views: acknowledging an alert, reviewing a possible link.

They touch only the operator columns (`tables.OPERATOR`), which the worker's upserts never
write, and only rows in the caller's provinces. The caller passes the time (`at`) and commits.
Feeding a review back to the matcher is the console's business (it publishes the decision).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from streams.views import rows as R
from streams.views import tables as T
from streams.views.scope import Provinces, case_visible, codes, in_provinces

__all__ = ["acknowledge_alert", "review_link", "VERDICTS"]

VERDICTS = ("confirmed", "rejected")


def acknowledge_alert(conn: sa.Connection, alert_id: str, provinces: Provinces, *, by: str, at: datetime,
                      note: str | None = None) -> bool:
    """Record an operator's acknowledgement of an open alert in their provinces; False when there
    is no such open alert for them. It holds until the alert resolves, reopens or escalates."""
    a = T.alerts
    done = conn.execute(
        sa.update(a)
        .where(a.c.alert_id == alert_id, a.c.state != R.RESOLVED, in_provinces(a.c.province, codes(provinces)))
        .values(acknowledged_by=by, acknowledged_at=R.utc(at, "at"), acknowledged_note=note,
                acknowledged_severity=a.c.severity, acknowledged_raised_at=a.c.raised_at))
    return done.rowcount == 1


def review_link(conn: sa.Connection, source_key: str, provinces: Provinces, *, by: str, at: datetime,
                verdict: str) -> bool:
    """Record an operator's verdict on a possible link of one of their cases; False when there is
    no such link awaiting review for them."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    pl, ev = T.person_links, T.case_events
    scope = codes(provinces)
    where = [pl.c.source_key == source_key, pl.c.decision == "Possible", pl.c.reviewed_at.is_(None)]
    if scope is not None:
        where.append(sa.exists().where(ev.c.event_id == pl.c.source_event_id, ev.c.case_id == T.cases.c.case_id,
                                       case_visible(scope)))
    done = conn.execute(sa.update(pl).where(*where).values(reviewed_by=by, reviewed_at=R.utc(at, "at"),
                                                           review_verdict=verdict))
    return done.rowcount == 1
