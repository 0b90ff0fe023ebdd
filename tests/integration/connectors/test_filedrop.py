"""The file-drop source against a real broker: exports dropped in a directory end in intake or DLQ."""

from __future__ import annotations

import asyncio

import pytest

from connectors.sources import FileDropSource
from tests.unit.connectors.sources import mappers

from .support import eventually, landed, running

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


def watch(tmp_path):
    (tmp_path / "in").mkdir(exist_ok=True)
    return lambda context: FileDropSource(context, tmp_path / "in", interval_s=0.2)


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
