"""A process that ends with its parent, however the parent ends (Linux ``PR_SET_PDEATHSIG``).

A supervisor that is killed with SIGKILL cannot stop its children; the kernel can. ``tie_to_parent``
asks it to send a signal to the calling process when its parent dies: called in a child between
fork and exec (``Popen(preexec_fn=...)``) it ties that child to the supervisor; called by a process
on itself it ties it to whoever started it (``make demo`` signalled instead of the demo). The signal
survives ``exec``. Elsewhere than Linux it does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Callable

__all__ = ["tie_to_parent", "tied_child"]

PR_SET_PDEATHSIG = 1


def tie_to_parent(signum: int = signal.SIGTERM, parent: int | None = None) -> None:
    """Receive ``signum`` when the parent dies. ``parent`` is the pid it must still be (the fork's
    parent): if it already ended before the request took effect, the signal is raised at once."""
    if not sys.platform.startswith("linux"):
        return
    expected = os.getppid() if parent is None else parent
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != expected:
        os.kill(os.getpid(), signum)


def tied_child(signum: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for ``Popen`` that ties the child to the process starting it.

    Between fork and exec the child still has its parent's signal handlers: a parent that catches
    ``signum`` (the demo stops cleanly on SIGTERM) would have the child's copy swallow the signal
    that says the parent died. The child takes the default action first, so the signal ends it
    whenever it comes."""
    parent = os.getpid()

    def tie() -> None:
        if signum not in (signal.SIGKILL, signal.SIGSTOP):      # those two have no handler to reset
            signal.signal(signum, signal.SIG_DFL)
        tie_to_parent(signum, parent)
    return tie
