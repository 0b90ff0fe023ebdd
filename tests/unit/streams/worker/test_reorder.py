"""Events leave the buffer in event-time order once every active source has moved past them."""

from datetime import datetime, timedelta, timezone

from streams.worker.reorder import EventTimeBuffer

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class TestEventTimeBuffer:
    def test_an_event_waits_until_every_other_source_has_passed_it(self):
        buffer = EventTimeBuffer(timedelta(days=30))
        assert buffer.add("labour", at(1), "l1") == ["l1"]
        assert buffer.add("police", at(5), "p5") == []
        assert buffer.add("labour", at(7), "l7") == ["p5"]
        assert len(buffer) == 1

    def test_held_events_leave_in_event_time_order(self):
        buffer = EventTimeBuffer(timedelta(days=30))
        buffer.add("labour", at(0), "l0")
        for hours in (10, 4, 8):
            assert buffer.add("police", at(hours), f"p{hours}") == []
        assert buffer.add("labour", at(12), "l12") == ["p4", "p8", "p10"]

    def test_a_source_far_behind_is_idle_and_holds_nothing_back(self):
        buffer = EventTimeBuffer(timedelta(days=3))
        buffer.add("police", at(0), "p0")
        assert buffer.add("labour", at(24 * 5), "l5d") == ["l5d"]

    def test_no_hold_releases_every_event_at_once(self):
        buffer = EventTimeBuffer(timedelta(0))
        buffer.add("labour", at(1), "l1")
        assert buffer.add("police", at(5), "p5") == ["p5"]

    def test_a_tick_releases_up_to_its_time_and_a_flush_everything(self):
        buffer = EventTimeBuffer(timedelta(days=30))
        for source, hours in (("b", 0), ("a", 1), ("a", 9)):
            buffer.add(source, at(hours), f"{source}{hours}")
        assert buffer.release_until(at(5)) == ["a1"]
        assert buffer.flush() == ["a9"] and len(buffer) == 0

    def test_equal_times_leave_in_arrival_order(self):
        buffer = EventTimeBuffer(timedelta(days=30))
        buffer.add("b", at(0), "b0")
        buffer.add("a", at(1), "first")
        buffer.add("a", at(1), "second")
        assert buffer.flush() == ["first", "second"]
