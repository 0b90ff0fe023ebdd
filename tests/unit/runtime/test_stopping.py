"""The stop deadline: at expiry one log line says what was abandoned, then the process exits with
EXIT_ABANDONED at once (os._exit replaced here; the timer is not started: no sleeps)."""

import logging

import pytest

from runtime import stopping
from runtime.stopping import EXIT_ABANDONED, StopDeadline


@pytest.fixture
def exits(monkeypatch):
    codes = []

    def _exit(code):
        codes.append(code)
    monkeypatch.setattr(stopping.os, "_exit", _exit)
    return codes


class TestStopDeadline:
    def test_says_in_one_line_what_was_abandoned_and_exits_with_its_code(self, exits, caplog):
        deadline = StopDeadline(10, lambda: "an open transaction of 3 lane entries", logging.getLogger("t"))
        with caplog.at_level(logging.ERROR):
            deadline._expire()
        assert exits == [EXIT_ABANDONED] == [75]
        assert [r.getMessage() for r in caplog.records] == [
            "not stopped within 10 s (SANPALANG_STOP_TIMEOUT): abandoned an open transaction of 3 lane entries; "
            "exiting with 75, uncommitted work is redone after a restart"]

    def test_exits_even_when_what_is_pending_cannot_be_told(self, exits, caplog):
        def broken():
            raise RuntimeError("state torn down")
        with caplog.at_level(logging.ERROR):
            StopDeadline(2.5, broken, logging.getLogger("t"))._expire()
        assert exits == [EXIT_ABANDONED] and "work in an unknown state" in caplog.text

    def test_a_second_signal_does_not_move_the_deadline(self, monkeypatch):
        started = []

        class Timer:
            def __init__(self, seconds, function):
                self.daemon = False
                started.append(seconds)

            def start(self):
                pass
        monkeypatch.setattr(stopping.threading, "Timer", Timer)
        deadline = StopDeadline(10, lambda: "", logging.getLogger("t"))
        deadline.arm()
        deadline.arm()
        assert started == [10]
