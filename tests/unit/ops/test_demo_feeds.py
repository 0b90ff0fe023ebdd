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


class TestTheDemosFeederTokens:
    def test_each_feeder_gets_its_intake_token_in_a_file_of_its_own_and_the_hub_keeps_its_digest(self, tmp_path):
        import stat

        from runtime.credentials import intake_token_digest, token_matches
        from ops.demo import _issue_feeder_tokens
        from runtime.settings import Settings
        settings = Settings(home=tmp_path / "home")
        files = _issue_feeder_tokens(settings, tmp_path / "home" / "demo" / "feeders")
        assert set(files) == {"police", "social"}
        for agency, path in files.items():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
            assert token_matches(path.read_text().strip(), intake_token_digest(settings, agency))
