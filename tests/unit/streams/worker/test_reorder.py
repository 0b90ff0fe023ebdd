"""Events leave the buffer in event-time order once every active source has moved past them."""

from datetime import datetime, timedelta, timezone

from streams.worker.reorder import EventTimeBuffer

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class TestEventTimeBuffer:
    def test_with_no_window_every_event_leaves_at_once(self):
        buffer = EventTimeBuffer(timedelta(0))
        buffer.add("labour", at(1), "l1")
        assert buffer.add("police", at(5), "p5") == ["p5"]

    def test_an_event_waits_until_the_active_sources_are_a_window_past_it(self):
        buffer = EventTimeBuffer(timedelta(hours=3))
        assert buffer.add("a", at(0), "a0") == []
        assert buffer.add("b", at(1), "b1") == []            # both active: the watermark is a's 0 h
        assert buffer.add("b", at(2), "b2") == []
        assert buffer.add("c", at(6), "c6") == []            # c alone ahead: not yet time
        assert buffer.add("a", at(6), "a6") == ["a0", "b1", "b2"]   # b fell a window behind: idle

    def test_a_source_a_window_behind_the_others_holds_nothing_back(self):
        buffer = EventTimeBuffer(timedelta(days=1))
        buffer.add("police", at(0), "p0")
        buffer.add("social", at(24 * 5), "s5d")
        assert buffer.add("labour", at(24 * 5), "l5d") == ["p0"]

    def test_a_lone_source_ahead_of_all_others_moves_nothing(self):
        """One record dated a year ahead (a B.E. slip) neither idles the other sources nor
        releases what they hold: time moves when two sources agree on it."""
        buffer = EventTimeBuffer(timedelta(days=1))
        buffer.add("police", at(0), "p0")
        assert buffer.add("labour", at(24 * 365), "typo") == []
        assert buffer.frontier() == at(0) and buffer.watermark() == at(0)

    def test_by_default_everything_waits_for_a_flush_and_leaves_sorted(self):
        buffer = EventTimeBuffer()
        for source, hours in (("a", 9), ("b", 0), ("a", 1)):
            assert buffer.add(source, at(hours), f"{source}{hours}") == []
        assert buffer.flush() == ["b0", "a1", "a9"] and len(buffer) == 0

    def test_a_tick_releases_up_to_its_time(self):
        buffer = EventTimeBuffer()
        for source, hours in (("b", 0), ("a", 1), ("a", 9)):
            buffer.add(source, at(hours), f"{source}{hours}")
        assert buffer.release_until(at(5)) == ["b0", "a1"]

    def test_equal_times_leave_in_arrival_order(self):
        buffer = EventTimeBuffer()
        buffer.add("a", at(1), "first")
        buffer.add("a", at(1), "second")
        assert buffer.flush() == ["first", "second"]
