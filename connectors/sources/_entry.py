"""One entry of a drop directory, opened so that it cannot trick the reader: the file-drop shell's I/O.

* **Only regular files, only in the drop.** The entry is ``lstat``-ed first (a symbolic link,
  named pipe, device or directory is refused without being opened: opening a pipe could hang,
  opening a device could act on it), then opened with ``O_NOFOLLOW | O_NONBLOCK`` and ``fstat``-ed:
  an entry swapped for a symbolic link after the listing fails to open (``ELOOP``), one swapped
  for a pipe opens without blocking and is refused. Everything after reads that descriptor, never
  the name again, so the content scanned, the records read and the identity checked are one file.
* **Not while written.** ``writing`` asks the kernel whether any process holds the file open for
  writing (``_writers``).
* **The same file from start to end.** ``changed`` compares the descriptor's size and mtime with
  what they were when it was opened (before every batch), and at the end the digests of the bytes
  the records were read from and of the content as it is then with the scan's: a rewrite in
  place with the mtime put back shows there. That last pass costs one more read of a file that
  is in the page cache (SHA-256 runs at some 1 GB/s; the records cost microseconds each).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from connectors.sources._writers import open_for_writing
from connectors.sources.files import Observation, Scan, scan, what_changed

__all__ = ["Entry", "Refused", "identity_of", "kind_of", "observe", "open_entry"]

CHUNK = 1 << 20
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def kind_of(mode: int) -> str:
    """What an entry is, in the words of a dead letter."""
    for test, kind in ((stat.S_ISREG, "regular"), (stat.S_ISLNK, "symbolic link"), (stat.S_ISFIFO, "named pipe (FIFO)"),
                       (stat.S_ISDIR, "directory"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "device"


def observe(st: os.stat_result) -> Observation:
    return Observation(st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino), kind_of(st.st_mode))


def identity_of(st: os.stat_result) -> str:
    """This very file: its inode, and its ctime, which moves when it is renamed (so a file put back
    from ``done/`` is not taken for the one that never left)."""
    return f"{st.st_dev}:{st.st_ino}:{st.st_ctime_ns}"


@dataclass(frozen=True)
class Refused:
    """An entry that is not a regular file; ``target`` is where a symbolic link points."""

    kind: str
    identity: str
    inode: tuple[int, int]
    target: str | None = None


def open_entry(path: Path) -> Entry | Refused:
    """The regular file at ``path``, open for reading; ``Refused`` for anything else."""
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        return _refused(path, before)
    try:
        fd = os.open(path, READ_FLAGS)
    except OSError as err:
        if err.errno == errno.ELOOP:          # swapped for a symbolic link since the lstat
            return _refused(path, os.lstat(path))
        raise
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):      # swapped for a pipe or a device since the lstat
        os.close(fd)
        return _refused(path, opened)
    return Entry(fd, opened)


def _refused(path: Path, st: os.stat_result) -> Refused:
    target = None
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = None
    return Refused(kind_of(st.st_mode), identity_of(st), (st.st_dev, st.st_ino), target)


class Entry:
    """A regular file of the drop, open read-only: scan it, read it, tell whether it changed."""

    def __init__(self, fd: int, opened: os.stat_result) -> None:
        self.stream: BinaryIO = os.fdopen(fd, "rb")
        self.opened = observe(opened)
        self.identity = identity_of(opened)
        self.inode = self.opened.inode
        self._reading: _Hashing | None = None

    def __enter__(self) -> Entry:
        return self

    def __exit__(self, *_: object) -> None:
        self.stream.close()

    def writing(self) -> bool:
        return open_for_writing(self.stream.fileno())

    def scan(self) -> Scan:
        self.stream.seek(0)
        return scan(iter(lambda: self.stream.read(CHUNK), b""))

    def records_stream(self) -> BinaryIO:
        """The content from its start again, hashed as it is read (see ``changed``)."""
        self.stream.seek(0)
        self._reading = _Hashing(self.stream)
        return self._reading  # type: ignore[return-value]

    def changed(self, found: Scan, *, finished: bool = False) -> str | None:
        """What changed since the file was opened and scanned, or None. With ``finished`` (all
        records read, the file about to be moved) the digests of the bytes the records came from
        and of the content as it is now are compared with the scan's too."""
        records_from = content_now = None
        if finished:
            records_from = self._reading.finish() if self._reading is not None else None
            content_now = self.digest()
        now = observe(os.fstat(self.stream.fileno()))
        return what_changed(self.opened, now, found.sha256, records_from, content_now) or (
            f"it was {self.opened.size} bytes when opened and {found.size} when scanned"
            if found.size != self.opened.size else None)

    def digest(self) -> str:
        self.stream.seek(0)
        digest = hashlib.sha256()
        for chunk in _chunks(self.stream):
            digest.update(chunk)
        return digest.hexdigest()


class _Hashing:
    """The reader's view of the stream (``readline`` is all it uses): every byte read goes through a SHA-256."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._digest = hashlib.sha256()

    def readline(self, size: int | None = -1) -> bytes:
        data = self._stream.readline(-1 if size is None else size)
        self._digest.update(data)
        return data

    def finish(self) -> str:
        for chunk in _chunks(self._stream):
            self._digest.update(chunk)
        return self._digest.hexdigest()


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk
