"""The views keep the hub's clock with the rows it was decided at (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta, timezone

import schemas
from streams.views import ALERT
from streams.views.clock import HubClock, read_clock

T0 = datetime(2025, 3, 2, 10, tzinfo=timezone.utc)


def stored(sink) -> HubClock | None:
    with sink.engine.connect() as conn:
        return read_clock(conn)


class TestTheHubClockInTheViews:
    def test_is_unknown_until_a_batch_brings_it(self, sink):
        sink.apply_many([(ALERT, schemas.example(ALERT))])
        assert stored(sink) is None

    def test_is_stored_in_the_transaction_of_the_records_it_came_with(self, sink):
        sink.apply_many([(ALERT, schemas.example(ALERT))], HubClock(T0, "event"))
        assert stored(sink) == HubClock(T0, "event")

    def test_only_moves_forward(self, sink):
        sink.apply_many([], HubClock(T0, "event"))
        sink.apply_many([], HubClock(T0 - timedelta(hours=1), "event"))     # another views process, late
        assert stored(sink) == HubClock(T0, "event")
        sink.apply_many([], HubClock(T0 + timedelta(hours=1), "event"))
        assert stored(sink) == HubClock(T0 + timedelta(hours=1), "event")

    def test_a_change_of_mode_takes_the_new_clock(self, sink):
        sink.apply_many([], HubClock(T0, "event"))
        sink.apply_many([], HubClock(T0 - timedelta(days=90), "wall"))
        assert stored(sink) == HubClock(T0 - timedelta(days=90), "wall")
