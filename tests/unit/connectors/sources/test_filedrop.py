"""The file-drop shell on a real directory with an in-memory publisher: batches, checkpoints, moves."""

import asyncio
import datetime as dt
import hashlib
import os

from connectors.sources import FileDropSource
from connectors.sources._entry import identity_of

from . import mappers
from .fakes import FakePublisher, context

NOW = dt.datetime(2025, 3, 5, 8, 0, tzinfo=dt.timezone.utc)


def source(tmp_path, publisher, **options):
    return FileDropSource(context("labour", mappers.labour, publisher, NOW), tmp_path, **{"stable_s": 0, **options})


def take(drop, name):
    async def go():
        await drop.open()
        await drop.take(name)
    asyncio.run(go())


def export(rows, bad=()):
    lines = ["เลขที่,ชื่อ"] + [f"R{i},name {i}" for i in range(1, rows + 1)]
    for index in bad:
        lines[index] = lines[index] + ",surplus"
    return ("\r\n".join(lines) + "\r\n").encode("cp874")


class TestFileDropShell:
    def test_publishes_every_record_in_batches_and_moves_the_file_to_done(self, tmp_path):
        (tmp_path / "a.csv").write_bytes(export(25))
        publisher = FakePublisher()
        take(source(tmp_path, publisher, batch_size=10), "a.csv")
        assert [cp[1]["records"] for _, cp in publisher.batches] == [10, 20, 25]
        assert [cp[1]["finished"] for _, cp in publisher.batches] == [False, False, True]
        assert len(publisher.decoded()) == 25
        assert (tmp_path / "done" / "a.csv").exists() and not (tmp_path / "a.csv").exists()

    def test_bad_lines_become_dead_letters_with_file_line_and_original_bytes(self, tmp_path):
        (tmp_path / "a.csv").write_bytes(export(5, bad=(2, 4)))
        publisher = FakePublisher()
        take(source(tmp_path, publisher), "a.csv")
        letters = publisher.decoded(dead_letters=True)
        assert [letter["origin"]["location"] for letter in letters] == ["a.csv:line 3 (record 2)",
                                                                        "a.csv:line 5 (record 4)"]
        assert letters[0]["original"] == "R2,name 2,surplus".encode("cp874")
        assert letters[0]["reason"] == "line 3 has 3 fields; the header has 2"
        assert len(publisher.decoded()) == 3

    def test_resumes_after_the_committed_record(self, tmp_path):
        data = export(25)
        (tmp_path / "a.csv").write_bytes(data)
        first = FakePublisher()
        take(source(tmp_path, first, batch_size=10), "a.csv")
        source_id = first.batches[0][1][0]
        (tmp_path / "done" / "a.csv").rename(tmp_path / "b.csv")
        resumed = FakePublisher({source_id: {"file": "a.csv", "records": 20, "finished": False}})
        take(source(tmp_path, resumed, batch_size=10), "b.csv")
        ids = [e["envelope"]["source"]["record_id"] for e in resumed.decoded()]
        assert ids == [f"R{i}" for i in range(21, 26)]

    def test_a_file_finished_before_a_crash_is_only_moved_to_done(self, tmp_path):
        (tmp_path / "a.csv").write_bytes(export(3))
        identity = identity_of(os.stat(tmp_path / "a.csv"))
        source_id = f"file:{hashlib.sha256(export(3)).hexdigest()}"
        publisher = FakePublisher({source_id: {"file": "a.csv", "records": 3, "finished": True, "identity": identity}})
        take(source(tmp_path, publisher), "a.csv")
        assert publisher.batches == []
        assert (tmp_path / "done" / "a.csv").exists()

    def test_an_unreadable_file_is_one_dead_letter_and_moves_to_rejected(self, tmp_path):
        (tmp_path / "book.csv").write_bytes(b"PK\x03\x04" + bytes(500))
        identity = identity_of(os.stat(tmp_path / "book.csv"))
        publisher = FakePublisher()
        take(source(tmp_path, publisher), "book.csv")
        [letter] = publisher.decoded(dead_letters=True)
        assert letter["origin"]["location"] == "book.csv:whole file" and "504 bytes" in letter["reason"]
        assert letter["original"] == b"PK\x03\x04" + bytes(500)
        assert publisher.batches[0][1][1] == {"file": "book.csv", "records": 0, "finished": True, "rejected": True,
                                              "identity": identity}
        assert (tmp_path / "rejected" / "book.csv").exists()

    def test_a_multiple_of_the_batch_size_ends_with_a_checkpoint_only_batch(self, tmp_path):
        (tmp_path / "a.jsonl").write_bytes(b"".join(b'{"record_id": "J%d"}\n' % i for i in range(4)))
        publisher = FakePublisher()
        take(source(tmp_path, publisher, batch_size=2), "a.jsonl")
        assert [(len(b), cp[1]["records"], cp[1]["finished"]) for b, cp in publisher.batches] == [
            (2, 2, False), (2, 4, False), (0, 4, True)]
