"""Password checks on a thread of their own, with a short queue; a sign-in beyond it is refused at once.

A password hash (scrypt, 32 MiB, ~50 ms of a core: `console.credentials`) is the costliest thing
the console does. Run in the event loop's default thread pool, a flood of sign-ins from many
addresses, which the per-address throttle cannot stop, fills every worker of that pool with
hashes, and a signed-in operator's page waits behind them (`sanpalang bench signin`, flood from
many addresses: case page p95 1.5 s). Here sign-ins get `workers` threads of their own, so hashing
takes at most that many cores, at a lower CPU priority than the pages (nice + `NICER`: on a busy
machine a page's thread is scheduled before a hash), and the default pool stays free for pages; at most `max_waiting`
more wait for a thread, and the rest are answered 429 before any work (issue 11, item 5). An
operator signing in during such a flood may be told to retry in a second; the operators already
signed in keep their pages.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

__all__ = ["SignInGate", "SignInsBusy"]

T = TypeVar("T")
NICER = 10


def _lower_priority() -> None:
    """Linux schedules threads as tasks of their own: this lowers the sign-in thread alone."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICER + os.getpriority(os.PRIO_PROCESS, 0))
    except OSError:
        pass        # not permitted here: the hashes keep the process's priority, still one thread


class SignInsBusy(Exception):
    """Every sign-in thread is busy and the queue is full: answer 429 and let the caller retry."""


class SignInGate:
    """Runs sign-in checks on its own threads, admitting at most ``workers + max_waiting`` at once."""

    def __init__(self, workers: int = 1, max_waiting: int = 4) -> None:
        if workers < 1 or max_waiting < 0:
            raise ValueError("a sign-in gate needs at least one worker and a queue of zero or more")
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="sign-in", initializer=_lower_priority)
        self._limit = workers + max_waiting
        self.admitted = 0

    async def run(self, check: Callable[[], T]) -> T:
        """``check()`` on a sign-in thread; SignInsBusy at once when the gate is full."""
        if self.admitted >= self._limit:
            raise SignInsBusy()
        self.admitted += 1          # the event loop is the only caller: no lock needed
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, check)
        finally:
            self.admitted -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
