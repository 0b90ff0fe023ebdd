"""Whether some process holds a file open for writing (Linux): the file drop leaves such a file alone.

A stable size is no proof that a file is finished: an exporter that pauses (a slow query, a
network stall) leaves it unchanged for as long as it likes, then writes on. The kernel knows
better, and two ways of asking it are tried in turn; the first that can answer wins.

1. **A read lease** (``fcntl(F_SETLEASE, F_RDLCK)``) on the drop's own read-only descriptor. The
   kernel grants it only when no descriptor anywhere has the file open for writing (any process,
   any user, any container on this kernel; a shared writable mapping counts too), and refuses
   with ``EAGAIN`` otherwise. The lease is released at once: it is a question, not a lock. Should a
   writer open the file in those microseconds, the kernel signals the lease holder; the signal is
   set to ``SIGURG`` first, whose default action is to ignore it (``SIGIO``, the default lease
   signal, would kill the process). A lease needs the file's owner or ``CAP_LEASE``: give the
   connector's service that one capability (systemd ``AmbientCapabilities=CAP_LEASE``) when the
   agency's uploads are owned by another user. It also needs a local filesystem and
   ``fs.leases-enable=1`` (the default).
2. **``/proc/<pid>/fd``** when no lease can be taken: a descriptor on the same inode (device and
   inode number) whose ``fdinfo`` flags say ``O_WRONLY`` or ``O_RDWR``. It sees only the processes
   this user may inspect (all of them as root, its own otherwise) in this PID namespace, and
   nothing on another machine (NFS, SMB).

What neither sees (another user's writer without ``CAP_LEASE``, a remote writer, a writer that
closes the file between writes) is left to the file drop's stability time and to its checks that
a file did not change while it was read.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
from typing import Iterator

__all__ = ["lease_says_writing", "open_for_writing", "proc_writers"]

_WRITE_MODES = (os.O_WRONLY, os.O_RDWR)


def open_for_writing(fd: int) -> bool:
    """Whether any process (that can be seen) has the file of ``fd`` (opened read-only) open for writing."""
    answer = lease_says_writing(fd)
    if answer is not None:
        return answer
    st = os.fstat(fd)
    return any(True for _ in proc_writers((st.st_dev, st.st_ino)))


def lease_says_writing(fd: int) -> bool | None:
    """True when the kernel refuses a read lease because of a writer; None when leases cannot be had here."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            return True
        return None          # EACCES: not the owner and no CAP_LEASE; EINVAL: no leases on this filesystem
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False


def proc_writers(inode: tuple[int, int], proc: str = "/proc") -> Iterator[int]:
    """The process ids (among those visible) holding a descriptor open for writing on ``inode``."""
    try:
        pids = [name for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return
    for pid in pids:
        try:
            with os.scandir(f"{proc}/{pid}/fd") as fds:
                for fd in fds:
                    if _is_writer(f"{proc}/{pid}", fd.name, fd.path, inode):
                        yield int(pid)
                        break
        except OSError:      # gone, or not ours to look at
            continue


def _is_writer(process: str, fd: str, link: str, inode: tuple[int, int]) -> bool:
    try:
        if not os.readlink(link).startswith("/"):        # socket:[...], pipe:[...], anon_inode:...
            return False
        st = os.stat(link)
        if (st.st_dev, st.st_ino) != inode:
            return False
        with open(f"{process}/fdinfo/{fd}", encoding="ascii") as info:
            flags = next(int(line.split()[1], 8) for line in info if line.startswith("flags:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return False
    return flags & os.O_ACCMODE in _WRITE_MODES
