"""Snapshots of the correlator, so a restart replays the lane from the last snapshot, not from the start.

Without them a worker's restart costs a replay of every lane entry ever written (about 0.6 ms of
correlation each: a year of a busy hub is hours). A snapshot is the correlator's whole state and
the aggregates' counts, taken just after a committed transaction, with the lane
offset that follows the transaction's last entry. Restored, it is the state a replay of the lane
up to that offset would build (`Correlator` is deterministic; a test feeds the rest of a scenario
to a restored correlator and to one that never stopped and compares what they publish), so the
worker replays only the entries after it.

Written by a forked child: the parent goes on correlating while the child pickles its copy-on-write
view of the state (the heap is frozen out of the collector, so few pages are copied), to a
temporary file then renamed, so a `kill -9` at any moment leaves the previous snapshot or the new
one, never half of one.

A snapshot is used only if it certainly belongs to this lane and this code; anything else is a
full replay, as without snapshots:
- the code fingerprint (the sources and data of `streams`, `schemas` and `connectors.normalise`,
  the Python version, the pseudonym key's digest and the reorder window) is the running worker's;
- the lane entry just before its offset is still on the lane and is the one it was taken after
  (its digest): a recreated lane, another cluster, a snapshot from a lane that was never committed
  are refused;
- the file is the worker user's own and nobody else may write it (loading a pickle runs code).

It holds victim data like the lane itself: the file is readable by the worker's user only. It
does not hold the pseudonym key (which may come from the environment and never touch the disk):
the restoring worker puts its own back, the one the fingerprint shows the snapshot was made with.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from streams.aggregates import AggregateCounts

__all__ = ["Snapshot", "SnapshotWriter", "code_fingerprint", "entry_digest", "read_snapshot"]

log = logging.getLogger("sanpalang.worker.snapshot")
FORMAT = 1
ROOT = Path(__file__).resolve().parents[2]
CODE_PARTS = ("streams", "schemas", "connectors/normalise")


@dataclass(frozen=True)
class Snapshot:
    """The correlator's state after the lane entries before `next_offset`."""

    fingerprint: str
    lane: str
    next_offset: int
    last_entry_digest: str          # of the lane entry at next_offset - 1
    correlator: Any
    aggregates: AggregateCounts


@functools.lru_cache(maxsize=1)
def _sources_digest() -> str:
    digest = hashlib.sha256()
    for part in CODE_PARTS:
        for path in sorted((ROOT / part).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".json", ".toml", ".avsc", ".txt", ".csv"):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_fingerprint(consumer_key: bytes | None, window: timedelta, stage: str = "correlate") -> str:
    """What a correlator's state depends on besides the lane: a snapshot made under anything else
    is not the state this worker would build."""
    key = hashlib.sha256(consumer_key).hexdigest() if consumer_key is not None else "none"
    parts = (str(FORMAT), _sources_digest(), sys.version, key, str(window.total_seconds()), stage)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def entry_digest(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


def read_snapshot(path: Path, fingerprint: str, lane: str, consumer_key: bytes | None) -> Snapshot | None:
    """The snapshot at `path` if it was made by this code for this lane, with `consumer_key` put
    back in its correlator; else None (and why, logged). Its lane entry is checked by the caller,
    who reads the lane."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        log.warning("ignoring the snapshot %s: it must belong to this user and be writable by no one "
                    "else (loading it runs code); replaying the whole lane", path)
        return None
    try:
        with path.open("rb") as file:
            snapshot = pickle.load(file)
    except Exception as err:  # a truncated or foreign file is one more reason to replay, never a crash
        log.warning("ignoring the unreadable snapshot %s (%s); replaying the whole lane", path, err)
        return None
    if not isinstance(snapshot, Snapshot) or snapshot.fingerprint != fingerprint or snapshot.lane != lane:
        log.info("the snapshot %s was made by other code or for another lane; replaying the whole lane", path)
        return None
    snapshot.correlator.consumer_key = consumer_key
    return snapshot


class SnapshotWriter:
    """Writes a snapshot at most every `every_seconds`, one child at a time."""

    def __init__(self, path: Path, every_seconds: float) -> None:
        self.path, self.every_seconds = path, every_seconds
        self._child: tuple[int, float] | None = None          # pid, started: writing `offset`
        self._last = time.monotonic()
        self.offset: int | None = None                          # of the last snapshot begun
        self.written = 0                                        # offset of the last one written (0: none)

    def due(self) -> bool:
        self._reap()
        return self._child is None and time.monotonic() - self._last >= self.every_seconds

    def write(self, snapshot: Snapshot) -> None:
        """Fork; the child writes `snapshot` and exits. The parent returns at once."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._last = time.monotonic()
        pid = os.fork()
        if pid == 0:                                         # the child: no logging, no event loop
            code = 1
            try:
                snapshot.correlator.consumer_key = None        # this process's copy only
                _write(self.path, snapshot)
                code = 0
            finally:
                os._exit(code)
        self._child, self.offset = (pid, self._last), snapshot.next_offset

    def _reap(self) -> None:
        if self._child is None:
            return
        pid, started = self._child
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            return
        self._child, offset = None, self.offset
        if os.waitstatus_to_exitcode(status) == 0:
            self.written = offset
            log.info("snapshot %s at lane offset %d written in %.1f s", self.path.name, offset,
                     time.monotonic() - started)
        else:
            self.offset = None
            log.warning("the snapshot at lane offset %d could not be written to %s (exit status %d); "
                        "a restart replays from the previous one", offset, self.path,
                        os.waitstatus_to_exitcode(status))

    def close(self) -> None:
        """Wait for a child still writing (at shutdown: its snapshot is a valid one)."""
        if self._child is not None:
            os.waitpid(self._child[0], 0)
            self._child = None


def _write(path: Path, snapshot: Snapshot) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            pickle.dump(snapshot, file, protocol=pickle.HIGHEST_PROTOCOL)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
