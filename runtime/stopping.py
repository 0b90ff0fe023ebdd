"""Stopping within a bound: `SANPALANG_STOP_TIMEOUT` (`Settings.stop_timeout_s`).

A long-running command arms a `StopDeadline` when its stop signal arrives, then stops as cleanly as
it can. Whatever has not finished by the deadline (a Kafka client waiting for a broker that is
gone, a transaction that will not abort, a thread stuck in a database call) is abandoned: one log
line names it, and the process exits at once with `EXIT_ABANDONED`, from a thread of its own, so no
blocked event loop, lock or non-daemon thread can hold it. Nothing is lost by that: what was not
committed is redone after a restart (the worker's Kafka transactions, offsets committed after the
SQL they produced).

    deadline = StopDeadline(settings.stop_timeout_s, what_is_pending, log)
    ...on SIGTERM / SIGINT: deadline.arm(), then the ordinary stop
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable

__all__ = ["EXIT_ABANDONED", "StopDeadline"]

EXIT_ABANDONED = 75
"""EX_TEMPFAIL: stopped at the deadline with work abandoned, to be redone after a restart."""


class StopDeadline:
    def __init__(self, seconds: float, pending: Callable[[], str], log: logging.Logger) -> None:
        self.seconds, self.pending, self.log = seconds, pending, log
        self._timer: threading.Timer | None = None

    def arm(self) -> None:
        """Start counting (once: a second signal does not move the deadline)."""
        if self._timer is None:
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        try:
            what = self.pending()
        except Exception as err:  # the line must be written whatever the state
            what = f"work in an unknown state ({err!r})"
        self.log.error("not stopped within %g s (SANPALANG_STOP_TIMEOUT): abandoned %s; exiting with %d, "
                       "uncommitted work is redone after a restart", self.seconds, what, EXIT_ABANDONED)
        for handler in logging.getLogger().handlers + self.log.handlers:
            handler.flush()
        sys.stderr.flush()
        os._exit(EXIT_ABANDONED)
