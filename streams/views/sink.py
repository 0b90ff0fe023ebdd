"""`ViewSink`: the worker's writer of the SQL case views, a small class with a lifecycle.

    sink = ViewSink(settings.db_url)
    sink.start()                                  # migrates to head
    sink.apply_many([(name, record), ...])        # as schemas.decode returns them; one transaction
    sink.close()

Every apply is idempotent: the same record twice, or an older version after a newer one, leaves
the tables as they are (see `streams.views.rows` for what "older" means per record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from streams.views.engine import make_engine
from streams.views.errors import ViewRecordError, ViewSinkError
from streams.views.migrations import upgrade
from streams.views.clock import HubClock, write_clock
from streams.views.prevention import PREVENTION, write_prevention
from streams.views.upserts import write_alerts, write_cases, write_links, write_referrals

__all__ = ["ViewSink", "Applied", "CASE_VIEW", "ALERT", "PERSON_LINK", "REFERRAL", "PREVENTION", "STORED"]

CASE_VIEW, ALERT, PERSON_LINK, REFERRAL = ("sanpalang.hub.CaseView", "sanpalang.hub.Alert",
                                           "sanpalang.hub.PersonLink", "sanpalang.hub.Referral")


@dataclass(frozen=True)
class Applied:
    """Rows that changed per kind in one apply (a record already stored counts nowhere)."""

    cases: int = 0
    alerts: int = 0
    links: int = 0
    referrals: int = 0
    prevention: int = 0

    @property
    def total(self) -> int:
        return self.cases + self.alerts + self.links + self.referrals + self.prevention


_WRITERS: dict[str, tuple[str, Callable[[sa.Connection, Iterable[Mapping[str, Any]]], int]]] = {
    CASE_VIEW: ("cases", write_cases), ALERT: ("alerts", write_alerts),
    PERSON_LINK: ("links", write_links), REFERRAL: ("referrals", write_referrals),
    PREVENTION: ("prevention", write_prevention),
}
STORED = frozenset(_WRITERS)
"""The schemas the views store: the worker's outputs, and prevention activities from the social
intake (`streams.views.prevention`); the views loop skips the other intake events it reads."""


class ViewSink:
    """Writes `CaseView`, `Alert`, `PersonLink`, `Referral` and `PreventionActivity` records to the
    views' database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Connect and migrate to head (safe to call twice, and from two workers at once)."""
        if self._engine is not None:
            return
        engine = make_engine(self.url, writer=True)
        try:
            upgrade(engine)
        except Exception as e:
            engine.dispose()
            raise ViewSinkError(f"could not migrate the case views at {_safe(self.url)}: {e}") from e
        self._engine = engine

    def reconnect(self) -> None:
        """Drop the pooled connections, after a failure: they may be to a server that restarted, to
        a primary that became a replica, or sessions opened read-only; the next apply opens new ones."""
        if self._engine is not None:
            self._engine.dispose()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> "ViewSink":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise ViewSinkError("the view sink is not started: call start() first")
        return self._engine

    # --- applying -----------------------------------------------------------------------------
    def apply_case(self, case_view: Mapping[str, Any]) -> bool:
        """Upsert one case view and replace its child rows; True if the tables changed."""
        return self.apply_many([(CASE_VIEW, case_view)]).cases == 1

    def apply_alert(self, alert: Mapping[str, Any]) -> bool:
        return self.apply_many([(ALERT, alert)]).alerts == 1

    def apply_link(self, link: Mapping[str, Any]) -> bool:
        return self.apply_many([(PERSON_LINK, link)]).links == 1

    def apply_referral(self, ref: Mapping[str, Any]) -> bool:
        return self.apply_many([(REFERRAL, ref)]).referrals == 1

    def apply_many(self, records: Iterable[tuple[str, Mapping[str, Any]]], clock: HubClock | None = None) -> Applied:
        """Apply (full schema name, record) pairs in one transaction: all of them, or none; with
        ``clock`` (the hub clock the records were decided at, `clock.clock_of`) stored with them."""
        batches: dict[str, list[Mapping[str, Any]]] = {name: [] for name in _WRITERS}
        for name, record in records:
            if name not in batches:
                raise ViewRecordError(f"the case views store {', '.join(_WRITERS)}, not {name}")
            batches[name].append(record)
        counts: dict[str, int] = {}
        try:
            with self.engine.begin() as conn:
                for name, batch in batches.items():
                    if batch:
                        field, write = _WRITERS[name]
                        counts[field] = write(conn, batch)
                if clock is not None:
                    write_clock(conn, clock)
        except ViewSinkError:
            raise
        except (sa.exc.SQLAlchemyError, ValueError) as e:
            raise ViewSinkError(f"could not apply {sum(map(len, batches.values()))} record(s) to the case views: {e}") from e
        return Applied(**counts)


def _safe(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable URL>"
