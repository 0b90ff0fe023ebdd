"""The file-drop source: watch a directory for CSV / JSON Lines exports and publish every record.

A thin shell over ``files.py``. Every ``interval_s`` it lists the directory; a file whose size and
mtime did not change between two listings is taken (a half-copied export is not). It is read once
for its digest and encoding, then streamed in batches; each batch goes to the publisher with the
checkpoint ``file:<sha256>`` -> ``{"file", "records", "finished"}``, so a restart resumes after
the last committed record and an identical file dropped again (under any name) is recognised as
done. Only after the final checkpoint is committed does the file move to ``done/`` (or, when it
cannot be read at all, to ``rejected/`` with one dead letter standing for it).
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from connectors.records import SourceRecord
from connectors.sources.base import Source, SourceContext, SourceError
from connectors.sources.files import (Observation, Scan, UnreadableFile, file_format, free_name, read_records,
                                      ready_files, rejection, scan)

__all__ = ["FileDropSource"]

log = logging.getLogger(__name__)
CHUNK = 1 << 20


class FileDropSource(Source):
    """Publishes the files dropped into ``directory``; finished ones go to ``done/``, unreadable ones
    to ``rejected/`` (both created inside ``directory`` unless given)."""

    kind = "file"

    def __init__(self, context: SourceContext, directory: Path | str, *, interval_s: float = 0.5,
                 batch_size: int = 1000, in_flight: int = 4, done_dir: Path | str | None = None,
                 rejected_dir: Path | str | None = None) -> None:
        super().__init__(context, interval_s=interval_s, in_flight=in_flight)
        self.directory = Path(directory)
        self.done_dir = Path(done_dir) if done_dir else self.directory / "done"
        self.rejected_dir = Path(rejected_dir) if rejected_dir else self.directory / "rejected"
        self.batch_size = batch_size
        self._seen: dict[str, Observation] = {}

    async def open(self) -> None:
        try:
            if not self.directory.is_dir():
                raise FileNotFoundError(f"{self.directory} is not a directory")
            self.done_dir.mkdir(exist_ok=True)
            self.rejected_dir.mkdir(exist_ok=True)
        except OSError as err:
            raise SourceError(f"cannot watch {self.directory}: {err}") from err

    async def poll(self) -> bool:
        try:
            current = _observe(self.directory)
        except OSError as err:
            raise SourceError(f"cannot list {self.directory}: {err}") from err
        ready, self._seen = ready_files(self._seen, current), current
        for name in ready:
            if self.stopping:
                break
            try:
                await self.take(name)
            except OSError as err:   # gone, or not readable now: try again at a later listing
                self.degraded_reason = f"cannot read {name}: {err}"
                log.warning("%s file drop: %s", self.context.agency, self.degraded_reason)
                self._seen.pop(name, None)
            else:
                self.degraded_reason = None
        return False   # always wait: stability needs two listings interval_s apart

    async def take(self, name: str) -> None:
        """Publish one file (resuming after its committed checkpoint) and move it away."""
        path = self.directory / name
        found = await asyncio.to_thread(_scan_path, path)
        done = self.context.publisher.checkpoint(found.source_id)
        if done and done.get("finished"):
            log.info("%s file drop: %s was already published (as %s); moving it", self.context.agency, name,
                     done.get("file"))
            self._move(path, self.rejected_dir if done.get("rejected") else self.done_dir)
            return
        if found.problem:
            await self._reject(path, found, rejection(name, found, found.problem))
            return
        with path.open("rb") as stream:
            try:
                records = read_records(name, file_format(name) or "csv", found, stream)
            except UnreadableFile as err:
                whole = rejection(name, found, str(err))
            else:
                if await self._publish(name, found, records, skip=int(done["records"]) if done else 0):
                    self._move(path, self.done_dir)
                return
        await self._reject(path, found, whole)

    async def _publish(self, name: str, found: Scan, records: Iterator[Any], skip: int) -> bool:
        batch: list[SourceRecord] = []
        number = skip
        for item in records:
            if item.number <= skip:
                continue
            batch.append(item.record)
            number = item.number
            if len(batch) >= self.batch_size:
                await self.submit(batch, (found.source_id, _position(name, number, False)))
                batch = []
                if self.stopping:
                    await self.drain()
                    return False
        await self.submit(batch, (found.source_id, _position(name, number, True)))
        await self.drain()
        log.info("%s file drop: %s published, %d record(s)", self.context.agency, name, number)
        return True

    async def _reject(self, path: Path, found: Scan, whole: SourceRecord) -> None:
        log.warning("%s file drop: %s", self.context.agency, whole.problem)
        await self.submit([whole], (found.source_id, {**_position(path.name, 0, True), "rejected": True}))
        await self.drain()
        self._move(path, self.rejected_dir)

    def _move(self, path: Path, folder: Path) -> Path:
        target = folder / free_name(path.name, set(os.listdir(folder)))
        os.replace(path, target)
        return target


def _position(name: str, records: int, finished: bool) -> dict[str, Any]:
    return {"file": name, "records": records, "finished": finished}


def _observe(directory: Path) -> dict[str, Observation]:
    seen = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if file_format(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                seen[entry.name] = Observation(stat.st_size, stat.st_mtime_ns)
    return seen


def _scan_path(path: Path) -> Scan:
    with path.open("rb") as stream:
        return scan(_chunks(stream))


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk
