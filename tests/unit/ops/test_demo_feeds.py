"""The demo's feeds and the simulator's default period end now: no record is dated after it arrives."""

from datetime import datetime, timedelta, timezone

from simulator.deliver import Targets
from simulator.run import default_start
from ops.demo import FEED_DAYS, FEEDS, feed_starts

NOW = datetime(2026, 12, 6, 5, 0, tzinfo=timezone.utc)


class TestTheDemosFeeds:
    def test_follow_one_another_and_the_last_ends_now(self):
        starts = feed_starts(NOW)
        assert len(starts) == FEEDS and starts == sorted(starts)
        assert all(b - a == timedelta(days=FEED_DAYS) for a, b in zip(starts, starts[1:]))
        assert starts[-1] + timedelta(days=FEED_DAYS) == NOW


class TestTheSimulatorsDefaultPeriod:
    def test_ends_now_when_no_rows_are_waiting(self):
        assert default_start(Targets(), NOW, 30) == NOW - timedelta(days=30)
