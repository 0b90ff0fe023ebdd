"""The SQL case views: what the worker writes (`ViewSink`) and what the console reads (`queries`).

    with ViewSink(settings.db_url) as sink:        # start() migrates to head
        sink.apply_many([(name, record), ...])      # decoded hub records, one transaction

    with make_engine(settings.db_url).connect() as conn:
        search_cases(conn, {"TH-57"}, stage="Identified")
        case_detail(conn, case_id, ALL_PROVINCES)   # a national operator

Tables in `tables.py`, migrations (Alembic) in `migrations/`, the pure record -> row mapping in
`rows.py`.
"""

from streams.views.actions import VERDICTS, acknowledge_alert, review_link
from streams.views.engine import make_engine
from streams.views.errors import ViewRecordError, ViewSinkError
from streams.views.migrations import current_revision, downgrade, head_revision, upgrade
from streams.views.queries import (ALL_PROVINCES, AllProvinces, Provinces, case_detail, count_cases, open_alerts,
                                   possible_links, search_cases, search_referrals)
from streams.views.sink import ALERT, CASE_VIEW, PERSON_LINK, REFERRAL, Applied, ViewSink
from streams.views.tables import metadata

__all__ = [
    "ViewSink", "Applied", "ViewSinkError", "ViewRecordError", "CASE_VIEW", "ALERT", "PERSON_LINK", "REFERRAL",
    "make_engine", "upgrade", "downgrade", "current_revision", "head_revision", "metadata",
    "ALL_PROVINCES", "AllProvinces", "Provinces", "search_cases", "count_cases", "case_detail", "open_alerts",
    "possible_links", "search_referrals", "acknowledge_alert", "review_link", "VERDICTS",
]
