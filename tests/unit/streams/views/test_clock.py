"""The hub clock on the bus (a header) and what the console counts deadlines from."""

from datetime import datetime, timezone

from streams.views.clock import HUB_CLOCK_HEADER, HubClock, clock_header, clock_of, countdown_now, latest

EVENT_TIME = datetime(2025, 3, 2, 10, tzinfo=timezone.utc)
WALL = datetime(2026, 12, 6, 7, tzinfo=timezone.utc)


class TestTheClockHeader:
    def test_reads_back_what_the_worker_writes(self):
        headers = [("sanpalang-trigger-produced-ms", b"1"), (HUB_CLOCK_HEADER, clock_header(EVENT_TIME, "event"))]
        assert clock_of(headers) == HubClock(EVENT_TIME, "event")

    def test_a_message_without_it_or_with_a_malformed_one_carries_none(self):
        assert clock_of([]) is None and clock_of(None) is None
        assert clock_of([(HUB_CLOCK_HEADER, b"sundial:12")]) is None
        assert clock_of([(HUB_CLOCK_HEADER, b"event:soon")]) is None

    def test_the_latest_of_several_is_the_newest(self):
        older = HubClock(EVENT_TIME.replace(hour=9), "event")
        assert latest([None, HubClock(EVENT_TIME, "event"), older]) == HubClock(EVENT_TIME, "event")
        assert latest([None]) is None


class TestCountingDown:
    def test_on_event_time_the_console_counts_from_the_hub_clock(self):
        assert countdown_now(HubClock(EVENT_TIME, "event"), WALL) == EVENT_TIME

    def test_on_the_wall_clock_or_without_one_it_counts_from_the_wall(self):
        assert countdown_now(HubClock(EVENT_TIME, "wall"), WALL) == WALL
        assert countdown_now(None, WALL) == WALL
