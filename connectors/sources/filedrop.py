"""The file-drop source: watch a directory for CSV / JSON Lines exports and publish every record.

A thin shell over ``files.py`` (what a file's content and the watcher's listings mean, pure) and
``_entry.py`` (how an entry is opened and checked). Every ``interval_s`` it lists the directory:

* **Only finished files.** A file is taken when no listing saw it change for ``stable_s`` seconds
  (of the injected monotonic ``clock``), or at once when it was seen arriving by rename from
  ``name.part`` / ``name.tmp`` (the delivery convention: such names are never read). Before a byte
  is read, the kernel is asked whether any process holds it open for writing (a read lease, else
  ``/proc``; see ``_writers.py``); if one does, the file waits (its name is in ``writing``) and
  must be stable again afterwards. A pause of the writer, however long, is not an end.
* **Only regular files of the drop.** Symbolic links, named pipes, directories and devices are
  never opened for reading: each is refused with a dead letter and moved to ``rejected/``; a file
  swapped for one after the listing is refused the same way (``O_NOFOLLOW``, ``fstat``).
* **One checkpoint per content.** The file is scanned once for its digest and encoding, then
  streamed in batches; each batch goes to the publisher with the checkpoint ``file:<sha256>`` ->
  ``{"file", "records", "finished", "identity"}``, so a restart resumes after the last committed
  record. Only after the final checkpoint is committed does the file move to ``done/``.
* **Every file leaves a trace.** Unreadable: one dead letter standing for it, ``rejected/``. The
  same content again (another name, or the same name dropped anew): a dead letter "duplicate of
  <first>", ``rejected/``; nothing is published twice. A file that changes while it is read
  (size or mtime move under the open descriptor at a batch, or the bytes read differ from the
  scanned digest at the end) is not moved to ``done/``: if none of its records was published yet
  it is simply not finished, and is watched again until stable; otherwise the records already
  published stay published (the checkpoint counts them), the batch in hand is dropped, and a dead
  letter "changed while read" names the change, the digest it was read with and how many records
  went out, and the file goes to ``rejected/`` as it now is, for an operator to re-drop whole
  (records published twice carry the same event ids, which the hub recognises).
* **Shared by N processes** (``claim_dir``, ``--processes N``): a child takes a finished file by
  renaming it into its own ``claimed/p<i>of<N>/`` (one rename wins; a sibling finds the name
  gone) and reads it from there. Killed between the claim and the last commit, the file waits in
  that folder for the same child's restart (the supervisor restarts it), which resumes after its
  committed checkpoint like any restart: no sibling reads it, whose checkpoints, read at its own
  start, would not know how far it went. A file taken back unread (open for writing, changed)
  returns to the drop. Known limit: the same content dropped twice under two names at once may be
  taken by two children, neither of which knows the other's checkpoint yet; both publish it
  instead of one publishing it and the other writing the dead letter "duplicate".
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from connectors.records import SourceRecord
from connectors.sources._entry import Entry, Refused, observe, open_entry
from connectors.sources.base import Source, SourceContext, SourceError
from connectors.sources.files import (FileRecord, Observation, Scan, UnreadableFile, Watched, changed_letter,
                                      duplicate_letter, file_format, free_name, is_partial, prior, read_records,
                                      ready_files, refusal_letter, rejection)

__all__ = ["STABLE_S", "FileDropSource"]

log = logging.getLogger(__name__)
STABLE_S = 5.0      # no writer pause under this fools the drop even when the writer cannot be seen


class FileDropSource(Source):
    """Publishes the files dropped into ``directory``; finished ones go to ``done/``, refused ones
    to ``rejected/`` (both created inside ``directory`` unless given)."""

    kind = "file"

    def __init__(self, context: SourceContext, directory: Path | str, *, interval_s: float = 0.5,
                 stable_s: float = STABLE_S, batch_size: int = 1000, in_flight: int = 4,
                 done_dir: Path | str | None = None, rejected_dir: Path | str | None = None,
                 clock: Callable[[], float] = time.monotonic, claim_dir: Path | str | None = None) -> None:
        super().__init__(context, interval_s=interval_s, in_flight=in_flight)
        self.directory = Path(directory)
        self.done_dir = Path(done_dir) if done_dir else self.directory / "done"
        self.rejected_dir = Path(rejected_dir) if rejected_dir else self.directory / "rejected"
        self.stable_s = stable_s
        self.batch_size = batch_size
        self.clock = clock
        self.claim_dir = Path(claim_dir) if claim_dir else None
        self._resume_claimed = self.claim_dir is not None
        self.writing: set[str] = set()          # names held back: a process has them open for writing
        self._watched: dict[str, Watched] = {}

    async def open(self) -> None:
        try:
            if not self.directory.is_dir():
                raise FileNotFoundError(f"{self.directory} is not a directory")
            self.done_dir.mkdir(exist_ok=True)
            self.rejected_dir.mkdir(exist_ok=True)
            if self.claim_dir is not None:
                self.claim_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise SourceError(f"cannot watch {self.directory}: {err}") from err

    async def poll(self) -> bool:
        try:
            current = await asyncio.to_thread(_observe, self.directory, {self.done_dir, self.rejected_dir})
        except OSError as err:
            raise SourceError(f"cannot list {self.directory}: {err}") from err
        ready, self._watched = ready_files(self._watched, current, self.clock(), self.stable_s)
        self.writing &= set(current)
        if self._resume_claimed:     # claimed by this child before a crash: finish them first
            assert self.claim_dir is not None
            self._resume_claimed = False
            for name in sorted(n for n in os.listdir(self.claim_dir) if file_format(n)):
                await self._take_claimed(name, self.claim_dir / name)
        for name in ready:
            if self.stopping:
                break
            if self.claim_dir is None:
                await self._take_logged(name, self.directory / name)
                continue
            claimed = self._claim(name)
            if claimed is None:      # a sibling took it
                self._watched.pop(name, None)
                continue
            await self._take_claimed(name, claimed)
        return False   # always wait: stability is judged over listings interval_s apart

    def _claim(self, name: str) -> Path | None:
        """Rename the drop's ``name`` into this child's claim folder; None if a sibling was first."""
        assert self.claim_dir is not None
        target = self.claim_dir / free_name(name, set(os.listdir(self.claim_dir)))
        try:
            os.rename(self.directory / name, target)
        except FileNotFoundError:
            return None
        return target

    async def _take_claimed(self, name: str, path: Path) -> None:
        """Take a claimed file; one left unread (not finished writing, changed) goes back to the drop."""
        await self._take_logged(name, path)
        if self.stopping or not path.exists():   # stopped mid-file: this child resumes it on restart
            return
        try:
            os.rename(path, self.directory / free_name(path.name, set(os.listdir(self.directory))))
        except FileNotFoundError:
            return
        self._watched.pop(name, None)

    async def _take_logged(self, name: str, path: Path) -> None:
        try:
            await self.take(name, path)
        except OSError as err:   # gone, or not readable now: try again once stable again
            self.degraded_reason = f"cannot read {name}: {err}"
            log.warning("%s file drop: %s", self.context.agency, self.degraded_reason)
            self._watched.pop(name, None)
        else:
            self.degraded_reason = None

    async def take(self, name: str, path: Path | None = None) -> None:
        """Publish one file (resuming after its committed checkpoint) and move it away, or leave it
        where it is while a process has it open for writing. ``path``: where it is, if claimed."""
        path = path or self.directory / name
        entry = await asyncio.to_thread(open_entry, path)
        if isinstance(entry, Refused):
            await self._refuse(path, entry)
            return
        with entry:
            listed = self._watched.get(name)
            if listed is not None and listed.seen != entry.opened:   # written to since the listing
                self._watched.pop(name)
                return
            if await asyncio.to_thread(entry.writing):
                if name not in self.writing:
                    log.info("%s file drop: %s is open for writing; waiting", self.context.agency, name)
                self.writing.add(name)
                self._watched.pop(name, None)        # stable again from now on, then asked again
                return
            self.writing.discard(name)
            found = await asyncio.to_thread(entry.scan)
            if await asyncio.to_thread(entry.changed, found):     # written to as it was scanned: not finished
                self._watched.pop(name, None)
                return
            done = self.context.publisher.checkpoint(found.source_id)
            decided = prior(name, entry.identity, done)
            if decided.action == "settle":           # our own file: finished before a crash, not yet moved
                assert done is not None
                log.info("%s file drop: %s was already published; moving it", self.context.agency, name)
                self._move(path, self.rejected_dir if _to_rejected(done) else self.done_dir, entry.inode)
            elif decided.action == "duplicate":
                assert done is not None
                letter = duplicate_letter(name, found.sha256, found.head, done)
                first = done.get("first") or done.get("file")
                await self._trace(path, entry.inode, found.source_id, letter,
                                  {**done, "file": name, "identity": entry.identity, "first": first, "duplicate": True})
            elif found.problem:
                await self._trace(path, entry.inode, found.source_id, rejection(name, found, found.problem),
                                  _position(name, 0, True, entry, rejected=True))
            else:
                try:
                    records = read_records(name, file_format(name) or "csv", found, entry.records_stream())
                except UnreadableFile as err:
                    await self._trace(path, entry.inode, found.source_id, rejection(name, found, str(err)),
                                      _position(name, 0, True, entry, rejected=True))
                else:
                    await self._publish(path, entry, found, records, decided.skip)

    async def _publish(self, path: Path, entry: Entry, found: Scan, records: Iterator[FileRecord], skip: int) -> None:
        name = path.name
        batch: list[SourceRecord] = []
        number = published = skip
        for item in records:
            if item.number <= skip:
                continue
            batch.append(item.record)
            number = item.number
            if len(batch) >= self.batch_size:
                change = await asyncio.to_thread(entry.changed, found)
                if change:
                    await self._changed(path, entry, found, change, published)
                    return
                await self.submit(batch, (found.source_id, _position(name, number, False, entry)))
                batch, published = [], number
                if self.stopping:
                    await self.drain()
                    return
        change = await asyncio.to_thread(entry.changed, found, finished=True)
        if change:
            await self._changed(path, entry, found, change, published)
            return
        await self.submit(batch, (found.source_id, _position(name, number, True, entry)))
        await self.drain()
        log.info("%s file drop: %s published, %d record(s)", self.context.agency, name, number)
        self._move(path, self.done_dir, entry.inode)

    async def _changed(self, path: Path, entry: Entry, found: Scan, change: str, published: int) -> None:
        await self.drain()
        if not published:           # nothing went out: it is not finished, watch it again
            log.info("%s file drop: %s changed as it was read (%s); waiting until it is stable",
                     self.context.agency, path.name, change)
            self._watched.pop(path.name, None)
            return
        letter = changed_letter(path.name, found.sha256, found.size, found.head, change, published)
        await self._trace(path, entry.inode, found.source_id, letter,
                          _position(path.name, published, True, entry, rejected=True, changed=True))

    async def _refuse(self, path: Path, refused: Refused) -> None:
        source_id = f"file:entry:{refused.identity}"
        done = self.context.publisher.checkpoint(source_id)
        if done and done.get("finished"):        # its letter is out; a crash came before the move
            self._move(path, self.rejected_dir, refused.inode)
            return
        await self._trace(path, refused.inode, source_id, refusal_letter(path.name, refused.kind, refused.target),
                          {"file": path.name, "records": 0, "finished": True, "rejected": True,
                           "identity": refused.identity})

    async def _trace(self, path: Path, inode: tuple[int, int], source_id: str, letter: SourceRecord,
                     position: dict[str, Any]) -> None:
        """One dead letter standing for the whole entry, committed with its checkpoint; then to rejected/."""
        log.warning("%s file drop: %s: %s", self.context.agency, path.name, letter.problem)
        await self.submit([letter], (source_id, position))
        await self.drain()
        self._move(path, self.rejected_dir, inode)

    def _move(self, path: Path, folder: Path, inode: tuple[int, int]) -> None:
        """Move ``path`` to ``folder`` if it still is the file that was read (by inode)."""
        try:
            now = os.lstat(path)
        except FileNotFoundError:
            log.warning("%s file drop: %s left the drop before it could be moved", self.context.agency, path.name)
            return
        if (now.st_dev, now.st_ino) != inode:
            log.warning("%s file drop: %s was replaced while it was read; the new file stays to be read",
                        self.context.agency, path.name)
            return
        target = folder / free_name(path.name, set(os.listdir(folder)))
        os.replace(path, target)
        moved = os.lstat(target)
        if (moved.st_dev, moved.st_ino) != inode:     # replaced in the instant between the check and the move
            os.replace(target, self.directory / free_name(path.name, set(os.listdir(self.directory))))


def _to_rejected(done: dict[str, Any]) -> bool:
    return bool(done.get("rejected") or done.get("duplicate"))


def _position(name: str, records: int, finished: bool, entry: Entry, **flags: bool) -> dict[str, Any]:
    return {"file": name, "records": records, "finished": finished, "identity": entry.identity, **flags}


def _observe(directory: Path, skip: set[Path]) -> dict[str, Observation]:
    """The entries the watcher follows: files to read (of any kind: lstat, never followed) and partial ones."""
    seen = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if not (file_format(entry.name) or is_partial(entry.name)) or Path(entry.path) in skip:
                continue
            try:
                seen[entry.name] = observe(entry.stat(follow_symlinks=False))
            except FileNotFoundError:
                continue
    return seen
