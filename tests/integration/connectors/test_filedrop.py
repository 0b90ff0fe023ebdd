"""The file-drop source against a real broker: exports dropped in a directory end in intake or DLQ,
and every file, finished or not, duplicate or not, regular file or not, is accounted for."""

from __future__ import annotations

import asyncio
import os
from collections import Counter

import pytest

from connectors.sources import FileDropSource
from tests.unit.connectors.sources import mappers

from .support import eventually, landed, read_landed, running

pytestmark = pytest.mark.broker


def thai_export(prefix: str, count: int, bad: tuple[int, ...] = ()) -> bytes:
    """A labour inspection export as the legacy system writes it: Windows-874, Thai headers, CRLF."""
    lines = ["เลขที่,ชื่อ-สกุล,วันที่ตรวจ,หมายเหตุ"]
    for i in range(1, count + 1):
        note = '"พบแรงงาน\r\nต่างด้าว"' if i % 10 == 0 else "ปกติ"
        lines.append(f"{prefix}-{i},นายสมชาย ใจดี {i},{i % 28 + 1}/02/2568,{note}")
    for i in bad:
        lines[i] += ",เกิน"
    return ("\r\n".join(lines) + "\r\n").encode("cp874")


def drop(tmp_path, name: str, data: bytes) -> None:
    """Write next to the watched directory, then rename in: how a careful exporter delivers."""
    staging = tmp_path / f".{name}.part"
    staging.write_bytes(data)
    staging.rename(tmp_path / "in" / name)


def watch(tmp_path, source=FileDropSource, **options):
    """A source on ``tmp_path/in``; stable after 0.5 s of the real clock unless told otherwise."""
    (tmp_path / "in").mkdir(exist_ok=True)
    return lambda context: source(context, tmp_path / "in", **{"interval_s": 0.2, "stable_s": 0.5, **options})


class Clock:
    """The source's monotonic clock, moved by the test alone."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


class Counted(FileDropSource):
    """Counts its polls, so that a test can wait for the source to have looked again (not for time)."""

    polls = 0

    async def poll(self) -> bool:
        busy = await super().poll()
        self.polls += 1
        return busy

    async def polled(self, count: int) -> None:
        target = self.polls + count
        await eventually(lambda: self.polls >= target, 30, f"{count} more polls")


class Growing(FileDropSource):
    """Appends records to the file it reads once its first batch is committed (``in_flight=1``)."""

    more = b""

    async def submit(self, records, checkpoint) -> None:
        await super().submit(records, checkpoint)
        if self.more and not checkpoint[1]["finished"]:
            with open(self.directory / checkpoint[1]["file"], "ab") as stream:
                stream.write(self.more)
            self.more = b""


class TestFileDrop:
    def test_a_windows_874_export_with_thai_headers_ends_in_intake_and_moves_to_done(self, catalogue, tmp_path,
                                                                                      prefix):
        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                drop(tmp_path, f"{prefix}.csv", thai_export(prefix, 120))
                await eventually(lambda: (tmp_path / "in" / "done" / f"{prefix}.csv").exists(), 30, "done/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert result.event_ids == {f"{prefix}-{i}": 1 for i in range(1, 121)}
        assert result.letters == []

    def test_two_bad_lines_go_to_the_dlq_with_file_line_and_original_bytes_and_the_rest_to_intake(
            self, catalogue, tmp_path, prefix):
        data = thai_export(prefix, 30, bad=(5, 17))

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                drop(tmp_path, f"{prefix}.csv", data)
                await eventually(lambda: (tmp_path / "in" / "done" / f"{prefix}.csv").exists(), 30, "done/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert sorted(result.event_ids) == sorted(f"{prefix}-{i}" for i in range(1, 31) if i not in (5, 17))
        letters = sorted(result.letters, key=lambda letter: letter["origin"]["location"])
        # records 1-4 have no quoted line ends; record 10 spans two lines, so record 17 is on line 19
        assert [letter["origin"]["location"] for letter in letters] == [
            f"{prefix}.csv:line 19 (record 17)", f"{prefix}.csv:line 6 (record 5)"]
        assert letters[1]["original"] == f"{prefix}-5,นายสมชาย ใจดี 5,6/02/2568,ปกติ,เกิน".encode("cp874")
        assert letters[1]["reason"] == "line 6 has 5 fields; the header has 4"
        assert {letter["reason_code"] for letter in letters} == {"unreadable"}

    def test_an_excel_unicode_text_export_is_read_like_its_windows_874_twin_bad_lines_keeping_their_bytes(
            self, catalogue, tmp_path, prefix):
        """Excel's "Unicode Text": UTF-16 little-endian after its byte-order mark, tab-separated."""
        text = thai_export(prefix, 30, bad=(5,)).decode("cp874").replace(",", "\t")
        data = text.encode("utf-16")

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                drop(tmp_path, f"{prefix}.csv", data)
                await eventually(lambda: (tmp_path / "in" / "done" / f"{prefix}.csv").exists(), 30, "done/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert sorted(result.event_ids) == sorted(f"{prefix}-{i}" for i in range(1, 31) if i != 5)
        (letter,) = result.letters
        assert letter["original"] == f"{prefix}-5\tนายสมชาย ใจดี 5\t6/02/2568\tปกติ\tเกิน".encode("utf-16-le")
        assert letter["reason"] == "line 6 has 5 fields; the header has 4"

    def test_an_unreadable_file_moves_to_rejected_as_one_dead_letter(self, catalogue, tmp_path, prefix):
        workbook = b"PK\x03\x04" + prefix.encode() + bytes(2000)

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                drop(tmp_path, f"{prefix}.csv", workbook)
                await eventually(lambda: (tmp_path / "in" / "rejected" / f"{prefix}.csv").exists(), 30,
                                 "rejected/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        [letter] = result.letters
        assert letter["origin"] == {"kind": "file", "location": f"{prefix}.csv:whole file"}
        assert letter["original"] == workbook and "ZIP archive" in letter["reason"]
        assert f"size {len(workbook)} bytes" in letter["reason"]
        assert result.events == []


class TestOnlyFinishedFiles:
    def test_a_file_held_open_by_a_paused_writer_is_read_only_once_closed_and_stable_then_every_record_once(
            self, catalogue, tmp_path, prefix):
        data = thai_export(prefix, 2000)
        name, half = f"{prefix}.csv", len(data) // 2          # the pause falls inside a record
        clock = Clock()

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour,
                               watch(tmp_path, Counted, interval_s=0.05, stable_s=30, clock=clock)) as (source, _, _):
                with open(tmp_path / "in" / name, "wb") as writer:
                    writer.write(data[:half])
                    writer.flush()
                    await source.polled(2)
                    clock.advance(3600)                       # unchanged for an hour: the writer paused
                    await eventually(lambda: name in source.writing, 30, "the writer to be seen")
                    await source.polled(3)
                    while_open = await read_landed(catalogue, "labour", prefix), (tmp_path / "in" / name).exists()
                    writer.write(data[half:])
                await source.polled(3)                        # closed, not yet stable by the clock
                closed = await read_landed(catalogue, "labour", prefix), (tmp_path / "in" / name).exists()
                clock.advance(60)
                await eventually(lambda: (tmp_path / "in" / "done" / name).exists(), 60, "done/")
                return while_open, closed

        (open_landed, open_there), (closed_landed, closed_there) = asyncio.run(scenario())
        assert (open_landed.events, open_landed.letters, open_there) == ([], [], True)
        assert (closed_landed.events, closed_landed.letters, closed_there) == ([], [], True)
        result = landed(catalogue, "labour", prefix)
        assert result.event_ids == Counter({f"{prefix}-{i}": 1 for i in range(1, 2001)})
        assert result.letters == []

    def test_a_file_renamed_in_from_part_while_the_source_watches_is_read_at_once(self, catalogue, tmp_path, prefix):
        name = f"{prefix}.csv"
        clock = Clock()

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour,
                               watch(tmp_path, Counted, stable_s=3600, clock=clock)) as (source, _, _):
                (tmp_path / "in" / f"{name}.part").write_bytes(thai_export(prefix, 50))
                await source.polled(2)
                (tmp_path / "in" / f"{name}.part").rename(tmp_path / "in" / name)
                await eventually(lambda: (tmp_path / "in" / "done" / name).exists(), 30, "done/")
        asyncio.run(scenario())
        assert landed(catalogue, "labour", prefix).event_ids == Counter({f"{prefix}-{i}": 1 for i in range(1, 51)})


class TestEveryFileLeavesATrace:
    def test_an_identical_second_file_gets_its_own_dead_letter_and_nothing_is_published_twice(
            self, catalogue, tmp_path, prefix):
        data = thai_export(prefix, 40)

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                drop(tmp_path, f"{prefix}.csv", data)
                await eventually(lambda: (tmp_path / "in" / "done" / f"{prefix}.csv").exists(), 30, "done/")
                drop(tmp_path, f"{prefix}-copy.csv", data)
                await eventually(lambda: (tmp_path / "in" / "rejected" / f"{prefix}-copy.csv").exists(), 30,
                                 "rejected/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert result.event_ids == Counter({f"{prefix}-{i}": 1 for i in range(1, 41)})
        [letter] = result.letters
        assert letter["origin"] == {"kind": "file", "location": f"{prefix}-copy.csv:whole file"}
        assert letter["reason"].startswith(f"duplicate of {prefix}.csv, already published (40 record(s))")
        assert letter["original"] == data

    def test_a_file_that_grows_after_its_first_batch_is_dead_lettered_as_changed_and_rejected(
            self, catalogue, tmp_path, prefix):
        data = thai_export(prefix, 30)
        more = "".join(f"{prefix}-{i},นายสมชาย ใจดี {i},1/02/2568,ปกติ\r\n" for i in range(31, 36)).encode("cp874")

        def growing(context):
            source = watch(tmp_path, Growing, batch_size=10, in_flight=1)(context)
            source.more = more
            return source

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, growing):
                drop(tmp_path, f"{prefix}.csv", data)
                await eventually(lambda: (tmp_path / "in" / "rejected" / f"{prefix}.csv").exists(), 30, "rejected/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert sorted(result.event_ids) == sorted(f"{prefix}-{i}" for i in range(1, 11))
        [letter] = result.letters
        assert letter["origin"] == {"kind": "file", "location": f"{prefix}.csv:whole file"}
        assert letter["reason"].startswith(f"changed while read: its size went from {len(data)} to "
                                           f"{len(data) + len(more)} bytes")
        assert "records 1-10 were published" in letter["reason"]
        assert not (tmp_path / "in" / "done" / f"{prefix}.csv").exists()


class TestOnlyRegularFiles:
    def test_a_symbolic_link_to_an_export_outside_the_drop_is_refused_and_never_read(self, catalogue, tmp_path, prefix):
        secret = tmp_path / "elsewhere" / f"{prefix}.csv"
        secret.parent.mkdir()
        secret.write_bytes(thai_export(prefix, 10))

        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                (tmp_path / "in" / f"{prefix}.csv").symlink_to(secret)
                await eventually(lambda: (tmp_path / "in" / "rejected" / f"{prefix}.csv").is_symlink(), 30,
                                 "rejected/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert result.events == []
        [letter] = result.letters
        assert letter["reason"].startswith(f"not a regular file but a symbolic link to '{secret}'")
        assert letter["original"] == b"" and secret.read_bytes() == thai_export(prefix, 10)

    def test_a_named_pipe_is_refused_and_the_source_goes_on_reading(self, catalogue, tmp_path, prefix):
        async def scenario():
            async with running(catalogue, "labour", prefix, mappers.labour, watch(tmp_path)):
                os.mkfifo(tmp_path / "in" / f"{prefix}-pipe.csv")
                await eventually(lambda: (tmp_path / "in" / "rejected" / f"{prefix}-pipe.csv").exists(), 30,
                                 "rejected/")
                drop(tmp_path, f"{prefix}.csv", thai_export(prefix, 5))
                await eventually(lambda: (tmp_path / "in" / "done" / f"{prefix}.csv").exists(), 30, "done/")
        asyncio.run(scenario())
        result = landed(catalogue, "labour", prefix)
        assert result.event_ids == Counter({f"{prefix}-{i}": 1 for i in range(1, 6)})
        [letter] = result.letters
        assert letter["origin"]["location"] == f"{prefix}-pipe.csv:whole file"
        assert letter["reason"].startswith("not a regular file but a named pipe (FIFO)")
