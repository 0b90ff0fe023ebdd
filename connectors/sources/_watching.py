"""What the file-drop watcher decides about the entries of its directory. Pure: no clock, no paths.

A drop directory is shared with writers the hub does not control, so every decision is taken on
values the shell observed (a listing, a clock reading, a committed checkpoint) and can be tested
on any sequence of them. Private to ``files.py``, which re-exports it.

* ``ready_files``: which entries may be read now. A file is ready when no listing has seen it
  change (size, mtime, inode) for ``stable_s`` seconds, or at once when it was seen arriving by
  rename from a ``*.part`` / ``*.tmp`` name (the same inode under its final name). Either way the
  shell then checks that no process holds it open for writing before it reads a byte. A
  ``*.part`` / ``*.tmp`` file is never read: by the delivery convention it is still being written.
  An entry that is not a regular file (symbolic link, named pipe, directory...) is ready at once:
  it is never read, only refused with a dead letter.
* ``prior``: what the checkpoint committed for a file's content says about it: read it (from the
  start or after record N), settle it (our own file, finished before a crash, only its move is
  left), or a duplicate of another file already published.
* ``what_changed`` and the letters that leave a trace for a file that publishes no records of its
  own: a duplicate, a file that changed while it was read, an entry that is not a regular file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Container, Literal, Mapping

from connectors.records import Origin, SourceRecord

PARTIAL = (".part", ".tmp")
WHOLE_FILE = "whole file"
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Observation:
    """What one directory listing saw of an entry (``lstat``: a symbolic link is not followed)."""

    size: int
    mtime_ns: int
    inode: tuple[int, int]      # (st_dev, st_ino): a file replaced under the same name is another file
    kind: str = "regular"       # or "symbolic link", "named pipe (FIFO)", "directory", "socket", "device"


@dataclass(frozen=True)
class Watched:
    """An entry as the watcher follows it from listing to listing."""

    seen: Observation
    since: float                # the clock reading of the first listing that saw it like this
    renamed: bool = False       # it arrived by rename from a *.part / *.tmp name


@dataclass(frozen=True)
class Prior:
    """What to do with a file, given the checkpoint committed for its content."""

    action: Literal["read", "settle", "duplicate"]
    skip: int = 0               # records already published (read: resume after them)


def file_format(name: str) -> str | None:
    """"csv" or "jsonl" for a file the watcher should read; None for dotfiles, partial copies, others."""
    if name.startswith(".") or is_partial(name):
        return None
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot > 0 else None


def is_partial(name: str) -> bool:
    """A file still being written, by the delivery convention: write ``name.part``, then rename."""
    return name.endswith(PARTIAL)


def ready_files(previous: Mapping[str, Watched], current: Mapping[str, Observation], at_s: float,
                stable_s: float) -> tuple[list[str], dict[str, Watched]]:
    """The entries that may be taken now (oldest first), and what to remember for the next listing.

    ``previous`` is what this function returned last time, ``current`` the new listing (partial
    files included: their inodes are how a rename is recognised), ``at_s`` a monotonic clock's reading."""
    vanished = {w.seen.inode for name, w in previous.items()
                if is_partial(name) and (name not in current or current[name].inode != w.seen.inode)}
    watched = {}
    for name, seen in current.items():
        before = previous.get(name)
        if before is not None and before.seen == seen:
            watched[name] = before
        else:
            renamed = seen.kind == "regular" and not is_partial(name) and seen.inode in vanished
            watched[name] = Watched(seen, at_s, renamed)
    ready = [name for name, w in watched.items()
             if file_format(name) and (w.seen.kind != "regular" or w.renamed or at_s - w.since >= stable_s)]
    return sorted(ready, key=lambda name: (watched[name].seen.mtime_ns, name)), watched


def free_name(name: str, taken: Container[str]) -> str:
    """``name`` if free, else ``stem.2.ext``, ``stem.3.ext``... (a re-dropped file never overwrites)."""
    if name not in taken:
        return name
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    n = 2
    while f"{stem}.{n}{ext}" in taken:
        n += 1
    return f"{stem}.{n}{ext}"


def prior(name: str, identity: str, done: Mapping[str, Any] | None) -> Prior:
    """Read, settle or duplicate: the checkpoint of a file's content (``file:<sha256>``) decides.

    ``identity`` names the file itself (device, inode and ctime): a finished checkpoint left by
    this very file means a crash came between the last commit and the move, so only the move is
    left; any other file with that content (another name, or the same name dropped again) is a
    duplicate and gets a dead letter of its own. Checkpoints written before identities were
    recorded compare by name."""
    if not done:
        return Prior("read")
    if not done.get("finished"):
        return Prior("read", int(done.get("records", 0)))
    if done.get("file") == name and done.get("identity", identity) == identity:
        return Prior("settle")
    return Prior("duplicate")


def what_changed(read: Observation, later: Observation, sha256: str, records_from: str | None = None,
                 content_now: str | None = None) -> str | None:
    """Why a file scanned as ``read`` (content digest ``sha256``) is no longer the same file, or None.

    Once all its records are read, ``records_from`` is the digest of the bytes they were read from
    and ``content_now`` that of the file's content at the moment it would be moved."""
    changes = []
    if later.size != read.size:
        changes.append(f"its size went from {read.size} to {later.size} bytes")
    elif later.mtime_ns != read.mtime_ns:
        changes.append("it was written to (its modification time moved)")
    if records_from is not None and records_from != sha256:
        changes.append(f"its records were read from content with sha256 {records_from}")
    if content_now is not None and content_now != sha256:
        changes.append(f"its content now has sha256 {content_now}")
    return "; ".join(changes) or None


def duplicate_letter(name: str, sha256: str, head: bytes, done: Mapping[str, Any]) -> SourceRecord:
    """The dead letter of a file whose content was already taken under another name (or earlier)."""
    first = done.get("first") or done.get("file") or "an earlier file"
    if done.get("changed"):
        state = f"which changed while it was read ({done.get('records', 0)} record(s) published)"
    elif done.get("rejected"):
        state = "already rejected"
    else:
        state = f"already published ({done.get('records', 0)} record(s))"
    return SourceRecord(Origin("file", name, WHOLE_FILE), head, None,
                        f"duplicate of {first}, {state}: the same content (sha256 {sha256}) is not read "
                        f"twice; the file is moved to rejected/")


def changed_letter(name: str, sha256: str, size: int, head: bytes, change: str, published: int) -> SourceRecord:
    """The dead letter of a file that changed after its reading began and some records were published."""
    return SourceRecord(Origin("file", name, WHOLE_FILE), head, None,
                        f"changed while read: {change}. It was read as sha256 {sha256} ({size} bytes); "
                        f"records 1-{published} were published from that content and the rest were not. "
                        f"The file is moved to rejected/ as it is now: drop the complete export again "
                        f"(records already published come back with the same event ids)")


def refusal_letter(name: str, kind: str, target: str | None = None) -> SourceRecord:
    """The dead letter of an entry that is not a regular file: nothing of it was read."""
    what = f"{kind} to {target!r}" if target is not None else kind
    return SourceRecord(Origin("file", name, WHOLE_FILE), b"", None,
                        f"not a regular file but a {what}: the file drop reads only regular files in its "
                        f"own directory, so nothing was read; the entry is moved to rejected/")
