"""The file drop cannot be tricked: unfinished files wait, changed files and duplicates leave a dead
letter, symbolic links and pipes are refused. A real directory, a clock the test moves, an
in-memory publisher."""

import asyncio
import datetime as dt
import os

import pytest

from connectors.sources import FileDropSource
from connectors.sources import _entry, filedrop

from . import mappers
from .fakes import FakePublisher, context

NOW = dt.datetime(2025, 3, 5, 8, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self):
        self.now_s = 1000.0

    def __call__(self):
        return self.now_s


class HookedPublisher(FakePublisher):
    """Runs ``after(n)`` once the n-th batch is committed (the source reads on only after that,
    with ``in_flight=1``): how a test changes a file in the middle of its reading."""

    def __init__(self, after, checkpoints=None):
        super().__init__(checkpoints)
        self.after = after

    async def publish(self, publications, checkpoint=None, source=""):
        await super().publish(publications, checkpoint, source)
        self.after(len(self.batches))


def source(tmp_path, publisher, **options):
    return FileDropSource(context("labour", mappers.labour, publisher, NOW), tmp_path, **options)


def export(rows, first=1):
    lines = ["เลขที่,ชื่อ"] * (first == 1) + [f"R{i},name {i}" for i in range(first, first + rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp874")


def run(drop, *steps):
    """Open the source, then run each step: a coroutine function of nothing, or a plain callable."""
    async def go():
        await drop.open()
        for step in steps:
            result = step()
            if asyncio.iscoroutine(result):
                await result
    asyncio.run(go())


def ids(publisher):
    return [e["envelope"]["source"]["record_id"] for e in publisher.decoded()]


def letters(publisher):
    return [(letter["origin"]["location"], letter["reason"]) for letter in publisher.decoded(dead_letters=True)]


class TestOnlyFinishedFiles:
    def test_a_file_is_not_read_until_no_listing_saw_it_change_for_stable_s(self, tmp_path):
        clock, publisher = Clock(), FakePublisher()
        drop = source(tmp_path, publisher, stable_s=5, clock=clock)
        seen = []

        def advance(seconds):
            clock.now_s += seconds
        run(drop, lambda: (tmp_path / "a.csv").write_bytes(export(2)[:15]), drop.poll, lambda: advance(4.9), drop.poll,
            lambda: (tmp_path / "a.csv").write_bytes(export(2)), drop.poll, lambda: advance(4.9), drop.poll,
            lambda: seen.append(len(publisher.batches)), lambda: advance(0.1), drop.poll)
        assert seen == [0]
        assert ids(publisher) == ["R1", "R2"] and letters(publisher) == []

    def test_a_file_held_open_for_writing_is_not_read_however_long_it_stays_unchanged(self, tmp_path):
        clock, publisher = Clock(), FakePublisher()
        drop = source(tmp_path, publisher, stable_s=5, clock=clock)
        writer = open(tmp_path / "a.csv", "wb")
        writer.write(export(3)[:20])
        writer.flush()
        held = []

        def advance():
            clock.now_s += 3600

        def finish():
            held.append((sorted(drop.writing), len(publisher.batches), (tmp_path / "a.csv").exists()))
            writer.write(export(3)[20:])
            writer.close()
        try:
            run(drop, drop.poll, advance, drop.poll, advance, drop.poll, finish, drop.poll, advance, drop.poll)
        finally:
            writer.close()
        assert held == [(["a.csv"], 0, True)]
        assert ids(publisher) == ["R1", "R2", "R3"] and letters(publisher) == []
        assert drop.writing == set() and (tmp_path / "done" / "a.csv").exists()

    def test_a_file_written_to_between_the_listing_and_the_open_waits_to_be_stable_again(self, tmp_path):
        clock, publisher = Clock(), FakePublisher()
        drop = source(tmp_path, publisher, stable_s=5, clock=clock)
        (tmp_path / "a.csv").write_bytes(export(2)[:15])
        opened = filedrop.open_entry

        def finish_then_open(path):         # the exporter writes its last bytes in that instant
            if (tmp_path / "a.csv").stat().st_size == 15:
                (tmp_path / "a.csv").write_bytes(export(2))
            return opened(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(filedrop, "open_entry", finish_then_open)
            run(drop, drop.poll, lambda: setattr(clock, "now_s", clock.now_s + 5), drop.poll)
            taken_early = len(publisher.batches)
            run(drop, drop.poll, lambda: setattr(clock, "now_s", clock.now_s + 5), drop.poll)
        assert taken_early == 0 and ids(publisher) == ["R1", "R2"]

    def test_a_file_renamed_from_part_is_read_without_waiting_for_stable_s(self, tmp_path):
        clock, publisher = Clock(), FakePublisher()
        drop = source(tmp_path, publisher, stable_s=3600, clock=clock)
        (tmp_path / "a.csv.part").write_bytes(export(2)[:10])

        def finish_and_rename():
            (tmp_path / "a.csv.part").write_bytes(export(2))
            (tmp_path / "a.csv.part").rename(tmp_path / "a.csv")
        run(drop, drop.poll, finish_and_rename, drop.poll)
        assert ids(publisher) == ["R1", "R2"]

    def test_part_tmp_and_dot_files_are_never_read(self, tmp_path):
        clock, publisher = Clock(), FakePublisher()
        drop = source(tmp_path, publisher, stable_s=1, clock=clock)
        for name in ("b.csv.part", "c.jsonl.tmp", ".d.csv"):
            (tmp_path / name).write_bytes(export(1))
        run(drop, drop.poll, lambda: setattr(clock, "now_s", clock.now_s + 3600), drop.poll)
        assert publisher.batches == []
        assert sorted(p.name for p in tmp_path.iterdir()) == [".d.csv", "b.csv.part", "c.jsonl.tmp", "done", "rejected"]


class TestChangedWhileRead:
    def test_a_file_that_grows_after_a_batch_went_out_is_dead_lettered_as_changed_and_rejected(self, tmp_path):
        (tmp_path / "a.csv").write_bytes(export(25))

        def grow(batches):
            if batches == 1:
                with open(tmp_path / "a.csv", "ab") as more:
                    more.write(export(5, first=26))
        publisher = HookedPublisher(grow)
        drop = source(tmp_path, publisher, stable_s=0, batch_size=10, in_flight=1)
        run(drop, lambda: drop.take("a.csv"))
        assert ids(publisher) == [f"R{i}" for i in range(1, 11)]
        [(where, reason)] = letters(publisher)
        assert where == "a.csv:whole file"
        assert reason.startswith("changed while read: its size went from ")
        assert "records 1-10 were published" in reason
        assert publisher.batches[-1][1][1]["records"] == 10 and publisher.batches[-1][1][1]["changed"] is True
        assert (tmp_path / "rejected" / "a.csv").exists() and not (tmp_path / "done").joinpath("a.csv").exists()

    def test_a_rewrite_in_place_with_its_mtime_put_back_is_caught_by_the_digest(self, tmp_path):
        data = export(25)
        (tmp_path / "a.csv").write_bytes(data)
        stat = os.stat(tmp_path / "a.csv")

        def rewrite(batches):
            if batches == 1:
                (tmp_path / "a.csv").write_bytes(data.replace(b"name 24", b"name X4"))
                os.utime(tmp_path / "a.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns))
        publisher = HookedPublisher(rewrite)
        drop = source(tmp_path, publisher, stable_s=0, batch_size=10, in_flight=1)
        run(drop, lambda: drop.take("a.csv"))
        [(_, reason)] = letters(publisher)
        assert "its content now has sha256" in reason and "records 1-20 were published" in reason
        assert len(ids(publisher)) == 20 and (tmp_path / "rejected" / "a.csv").exists()

    def test_a_file_that_changes_before_any_record_went_out_is_read_later_whole(self, tmp_path):
        (tmp_path / "a.csv").write_bytes(export(5))
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0, batch_size=10)
        scan = _entry.Entry.scan

        def scan_then_grow(entry):          # the exporter appends right after the scan
            found = scan(entry)
            if not (tmp_path / "a.csv").read_bytes().endswith(b"R6,name 6\r\n"):
                with open(tmp_path / "a.csv", "ab") as more:
                    more.write(export(1, first=6))
            return found
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_entry.Entry, "scan", scan_then_grow)
            run(drop, drop.poll)
            assert publisher.batches == [] and (tmp_path / "a.csv").exists()
        run(drop, drop.poll)
        assert ids(publisher) == [f"R{i}" for i in range(1, 7)] and letters(publisher) == []


class TestDuplicates:
    def test_an_identical_file_under_another_name_gets_its_own_dead_letter_and_goes_to_rejected(self, tmp_path):
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        run(drop, lambda: (tmp_path / "a.csv").write_bytes(export(3)), lambda: drop.take("a.csv"),
            lambda: (tmp_path / "again.csv").write_bytes(export(3)), lambda: drop.take("again.csv"))
        assert ids(publisher) == ["R1", "R2", "R3"]
        [(where, reason)] = letters(publisher)
        assert where == "again.csv:whole file"
        assert reason.startswith("duplicate of a.csv, already published (3 record(s))")
        assert (tmp_path / "done" / "a.csv").exists() and (tmp_path / "rejected" / "again.csv").exists()

    def test_the_same_file_dropped_again_under_its_own_name_is_a_duplicate_too(self, tmp_path):
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        run(drop, lambda: (tmp_path / "a.csv").write_bytes(export(3)), lambda: drop.take("a.csv"),
            lambda: (tmp_path / "a.csv").write_bytes(export(3)), lambda: drop.take("a.csv"))
        assert [where for where, _ in letters(publisher)] == ["a.csv:whole file"] and len(ids(publisher)) == 3
        assert (tmp_path / "done" / "a.csv").exists() and (tmp_path / "rejected" / "a.csv").exists()

    def test_a_duplicate_whose_letter_went_out_before_a_crash_is_not_lettered_twice(self, tmp_path):
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        run(drop, lambda: (tmp_path / "a.csv").write_bytes(export(3)), lambda: drop.take("a.csv"),
            lambda: (tmp_path / "b.csv").write_bytes(export(3)), lambda: drop.take("b.csv"),
            lambda: (tmp_path / "rejected" / "b.csv").rename(tmp_path / "b.csv"))   # as if the move never happened
        position = publisher.checkpoints[next(iter(publisher.checkpoints))]   # a rename moved the ctime: put it back
        position["identity"] = _entry.identity_of(os.stat(tmp_path / "b.csv"))
        run(drop, lambda: drop.take("b.csv"))
        assert len(letters(publisher)) == 1 and (tmp_path / "rejected" / "b.csv").exists()


class TestNotRegularFiles:
    def test_a_file_swapped_for_a_symbolic_link_after_the_listing_is_refused_and_its_target_never_read(self, tmp_path):
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.csv").write_bytes(export(2))
        drop_dir = tmp_path / "drop"
        drop_dir.mkdir()
        (drop_dir / "a.csv").write_bytes(b"")
        publisher = FakePublisher()
        drop = source(drop_dir, publisher, stable_s=0)

        def swap():
            (drop_dir / "a.csv").unlink()
            (drop_dir / "a.csv").symlink_to(outside / "secret.csv")
        run(drop, swap, lambda: drop.take("a.csv"))
        assert ids(publisher) == []
        [(where, reason)] = letters(publisher)
        assert where == "a.csv:whole file"
        assert reason.startswith(f"not a regular file but a symbolic link to '{outside / 'secret.csv'}'")
        assert (drop_dir / "rejected" / "a.csv").is_symlink() and (outside / "secret.csv").read_bytes() == export(2)

    def test_a_link_swapped_in_between_the_lstat_and_the_open_fails_to_open_and_is_refused(self, tmp_path):
        (tmp_path / "secret.csv.part").write_bytes(export(2))
        (tmp_path / "a.csv").symlink_to(tmp_path / "secret.csv.part")
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        lstat = os.lstat
        with pytest.MonkeyPatch.context() as patch:   # the first lstat still sees the regular file it was
            calls = []
            patch.setattr(_entry.os, "lstat", lambda path: calls.append(path) or (
                os.stat(path) if len(calls) == 1 else lstat(path)))
            run(drop, lambda: drop.take("a.csv"))
        [(_, reason)] = letters(publisher)
        assert ids(publisher) == [] and "symbolic link" in reason

    def test_a_named_pipe_is_refused_without_being_opened_and_the_next_file_is_still_read(self, tmp_path):
        os.mkfifo(tmp_path / "pipe.csv")
        (tmp_path / "b.csv").write_bytes(export(1))
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        run(drop, drop.poll)
        assert letters(publisher)[0][1].startswith("not a regular file but a named pipe (FIFO)")
        assert ids(publisher) == ["R1"]
        assert (tmp_path / "rejected" / "pipe.csv").exists() and (tmp_path / "done" / "b.csv").exists()

    def test_a_directory_named_like_an_export_is_refused(self, tmp_path):
        (tmp_path / "x.csv").mkdir()
        publisher = FakePublisher()
        drop = source(tmp_path, publisher, stable_s=0)
        run(drop, drop.poll)
        assert [reason.split(":")[0] for _, reason in letters(publisher)] == ["not a regular file but a directory"]
        assert (tmp_path / "rejected" / "x.csv").is_dir()
