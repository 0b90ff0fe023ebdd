"""Ports for servers that a command or a test starts now and that bind a moment later.

Asking the kernel for port 0 and handing the number to a child process is a race: the number comes
from the ephemeral range, where any outgoing connection on the machine (a broker client, a browser)
may take it before the child binds it. Ports here come from below that range instead, and each one
handed out is reserved by an exclusive ``flock`` on a file named after it, held until this process
exits: two test sessions, or a benchmark beside a demo, never pick the same port either. A port
whose lock is free but which something else listens on is skipped too.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
from pathlib import Path

__all__ = ["free_block", "free_port", "reserve"]

LOWEST = 20000
_LOCKS = Path(tempfile.gettempdir()) / "sanpalang-ports"
_held: dict[int, int] = {}   # port -> fd of its lock file, for the life of the process


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _lock(port: int) -> bool:
    if port in _held:
        return False
    _LOCKS.mkdir(mode=0o1777, exist_ok=True)
    fd = os.open(_LOCKS / str(port), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _held[port] = fd
    return True


def _unlock(port: int) -> None:
    os.close(_held.pop(port))


def reserve(base: int, size: int = 1) -> bool:
    """Reserve ``base .. base + size - 1`` for this process; False (nothing kept) if one is taken."""
    taken: list[int] = []
    for port in range(base, base + size):
        if not _lock(port):
            break
        taken.append(port)
        if not _bindable(port):
            break
    else:
        return True
    for port in taken:
        _unlock(port)
    return False


def free_block(size: int = 1) -> int:
    """The first of ``size`` consecutive free ports below the ephemeral range, reserved for this process."""
    top = _ephemeral_start() - size
    if top <= LOWEST:
        raise RuntimeError(f"no room for {size} ports between {LOWEST} and the ephemeral range")
    for base in random.sample(range(LOWEST, top), min(200, top - LOWEST)):
        if reserve(base, size):
            return base
    raise RuntimeError(f"no block of {size} free ports between {LOWEST} and {top + size}")


def free_port() -> int:
    """One free port below the ephemeral range, reserved for this process."""
    return free_block(1)
