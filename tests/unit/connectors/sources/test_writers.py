"""Asking the kernel whether a file is open for writing: by a read lease, else through /proc."""

import os

from connectors.sources._writers import lease_says_writing, open_for_writing, proc_writers


def reader(path):
    return os.open(path, os.O_RDONLY | os.O_NOFOLLOW)


def inode(path):
    st = os.stat(path)
    return st.st_dev, st.st_ino


class TestLease:
    def test_a_lease_is_refused_while_a_writer_holds_the_file_and_granted_once_it_closed(self, tmp_path):
        path = tmp_path / "a.csv"
        writer = open(path, "wb")
        fd = reader(path)
        try:
            assert lease_says_writing(fd) is True and open_for_writing(fd) is True
            writer.close()
            assert lease_says_writing(fd) is False and open_for_writing(fd) is False
        finally:
            writer.close()
            os.close(fd)

    def test_the_lease_is_given_back_at_once_so_a_writer_opening_later_is_not_held_up(self, tmp_path):
        path = tmp_path / "a.csv"
        path.write_bytes(b"id\n")
        fd = reader(path)
        try:
            assert lease_says_writing(fd) is False
            with open(path, "ab") as writer:      # would block for the lease-break time were it still held
                writer.write(b"1\n")
                assert lease_says_writing(fd) is True
        finally:
            os.close(fd)


class TestProc:
    def test_finds_this_process_holding_the_file_for_writing_or_reading_and_writing(self, tmp_path):
        path = tmp_path / "a.csv"
        for mode in ("wb", "r+b"):
            path.touch()
            with open(path, mode):
                assert list(proc_writers(inode(path))) == [os.getpid()]
        assert list(proc_writers(inode(path))) == []

    def test_a_reader_is_not_a_writer(self, tmp_path):
        path = tmp_path / "a.csv"
        path.write_bytes(b"id\n")
        with open(path, "rb"):
            assert list(proc_writers(inode(path))) == []

    def test_finds_a_writer_that_renamed_the_file_it_holds(self, tmp_path):
        path = tmp_path / "a.csv.part"
        with open(path, "wb"):
            path.rename(tmp_path / "a.csv")
            assert list(proc_writers(inode(tmp_path / "a.csv"))) == [os.getpid()]

    def test_a_missing_proc_answers_no_writer_seen(self, tmp_path):
        assert list(proc_writers((0, 0), proc=str(tmp_path / "no-proc"))) == []
