"""The watcher's decisions on listings, clock readings and checkpoints: ready, renamed, duplicate, changed."""

from connectors.sources.files import (WHOLE_FILE, Observation, Prior, Watched, changed_letter, duplicate_letter, is_partial,
                                      prior, ready_files, refusal_letter, what_changed)


def seen(size, mtime_ns=1, inode=1, kind="regular"):
    return Observation(size, mtime_ns, (7, inode), kind)


def listings(*steps, stable_s=5.0):
    """Feed (clock, listing) pairs through ready_files; the ready names after each."""
    state, out = {}, []
    for now, current in steps:
        ready, state = ready_files(state, current, now, stable_s)
        out.append(ready)
    return out


class TestReadyFiles:
    def test_a_file_is_ready_once_no_listing_saw_it_change_for_stable_s(self):
        assert listings((0.0, {"a.csv": seen(10)}), (4.9, {"a.csv": seen(10)}), (5.0, {"a.csv": seen(10)})) == [
            [], [], ["a.csv"]]

    def test_any_change_of_size_mtime_or_inode_starts_the_wait_again(self):
        for changed in (seen(11), seen(10, mtime_ns=2), seen(10, inode=2)):
            assert listings((0.0, {"a.csv": seen(10)}), (4.0, {"a.csv": changed}), (8.9, {"a.csv": changed}),
                            (9.0, {"a.csv": changed})) == [[], [], [], ["a.csv"]]

    def test_a_file_seen_arriving_by_rename_from_part_is_ready_at_once(self):
        assert listings((0.0, {"a.csv.part": seen(3, inode=9)}), (0.5, {"a.csv": seen(10, mtime_ns=2, inode=9)})) == [
            [], ["a.csv"]]

    def test_a_file_renamed_from_tmp_under_another_name_counts_too(self):
        assert listings((0.0, {"x.tmp": seen(3, inode=9)}), (0.5, {"a.jsonl": seen(3, inode=9)})) == [[], ["a.jsonl"]]

    def test_a_new_file_with_another_inode_than_the_vanished_part_waits(self):
        assert listings((0.0, {"a.csv.part": seen(3, inode=9)}), (0.5, {"a.csv": seen(3, inode=10)})) == [[], []]

    def test_a_hard_link_beside_a_part_that_is_still_there_is_no_rename(self):
        both = {"a.csv.part": seen(3, inode=9), "a.csv": seen(3, inode=9)}
        assert listings((0.0, {"a.csv.part": seen(3, inode=9)}), (0.5, both)) == [[], []]

    def test_part_and_tmp_files_are_never_ready(self):
        files = {"a.csv.part": seen(1), "b.csv.tmp": seen(1), ".c.csv": seen(1), "d.txt": seen(1)}
        assert listings((0.0, files), (100.0, files)) == [[], []]
        assert [is_partial(n) for n in ("a.csv.part", "a.tmp", "a.csv", "a.partial")] == [True, True, False, False]

    def test_an_entry_that_is_not_a_regular_file_is_ready_at_once_to_be_refused(self):
        assert listings((0.0, {"l.csv": seen(9, kind="symbolic link"), "p.csv": seen(0, kind="named pipe (FIFO)"),
                               "a.csv": seen(1)})) == [["l.csv", "p.csv"]]

    def test_ready_files_come_oldest_first(self):
        current = {"a.csv": seen(1, mtime_ns=3), "b.csv": seen(1, mtime_ns=1, inode=2), "c.csv": seen(1, 2, 3)}
        assert listings((0.0, current), (5.0, current))[1] == ["b.csv", "c.csv", "a.csv"]

    def test_an_entry_that_left_the_listing_is_forgotten(self):
        ready, state = ready_files({"a.csv": Watched(seen(1), 0.0)}, {}, 1.0, 5.0)
        assert (ready, state) == ([], {})


class TestPrior:
    def test_content_never_seen_is_read_from_the_start(self):
        assert prior("a.csv", "i", None) == prior("a.csv", "i", {}) == Prior("read", 0)

    def test_content_partly_published_is_resumed_after_the_committed_record_whatever_the_name(self):
        decided = prior("b.csv", "j", {"file": "a.csv", "records": 20, "finished": False, "identity": "i"})
        assert (decided.action, decided.skip) == ("read", 20)

    def test_the_same_file_finished_before_a_crash_is_only_settled(self):
        assert prior("a.csv", "i", {"file": "a.csv", "records": 3, "finished": True, "identity": "i"}).action == "settle"
        assert prior("a.csv", "i", {"file": "a.csv", "records": 3, "finished": True}).action == "settle"

    def test_another_name_or_the_same_name_dropped_anew_is_a_duplicate(self):
        done = {"file": "a.csv", "records": 3, "finished": True, "identity": "i"}
        assert prior("b.csv", "i", done).action == "duplicate"
        assert prior("a.csv", "k", done).action == "duplicate"


class TestWhatChanged:
    def test_nothing_changed_is_none(self):
        assert what_changed(seen(10), seen(10), "abc", "abc") is None

    def test_a_grown_file_names_both_sizes(self):
        assert what_changed(seen(10), seen(25, 2), "abc") == "its size went from 10 to 25 bytes"

    def test_a_write_that_kept_the_size_shows_in_the_mtime(self):
        assert "modification time" in what_changed(seen(10, 1), seen(10, 2), "abc")

    def test_a_rewrite_with_the_mtime_put_back_shows_in_the_digest(self):
        assert what_changed(seen(10), seen(10), "abc", "def") == "its records were read from content with sha256 def"
        assert what_changed(seen(10), seen(10), "abc", "abc", "fed") == "its content now has sha256 fed"


class TestTraceLetters:
    def test_a_duplicate_names_the_first_file_and_says_it_was_published(self):
        letter = duplicate_letter("b.csv", "abc", b"head", {"file": "a.csv", "records": 3, "finished": True})
        assert letter.origin.location == f"b.csv:{WHOLE_FILE}" and letter.raw == b"head" and letter.fields is None
        assert letter.problem.startswith("duplicate of a.csv, already published (3 record(s))")
        assert "sha256 abc" in letter.problem

    def test_a_duplicate_of_a_duplicate_still_names_the_first(self):
        done = {"file": "b.csv", "first": "a.csv", "records": 3, "finished": True, "duplicate": True}
        assert duplicate_letter("c.csv", "abc", b"", done).problem.startswith("duplicate of a.csv, already published")

    def test_a_duplicate_of_a_rejected_file_says_so(self):
        done = {"file": "a.csv", "records": 0, "finished": True, "rejected": True}
        assert duplicate_letter("b.csv", "abc", b"", done).problem.startswith("duplicate of a.csv, already rejected")

    def test_a_changed_file_names_the_change_the_digest_and_what_was_published(self):
        letter = changed_letter("a.csv", "abc", 100, b"id", "its size went from 100 to 150 bytes", 20)
        assert letter.problem.startswith("changed while read: its size went from 100 to 150 bytes.")
        assert "sha256 abc (100 bytes)" in letter.problem and "records 1-20 were published" in letter.problem

    def test_a_refused_symbolic_link_names_its_target_and_carries_no_bytes(self):
        letter = refusal_letter("x.csv", "symbolic link", "/etc/shadow")
        assert letter.raw == b"" and letter.origin.location == "x.csv:whole file"
        assert letter.problem.startswith("not a regular file but a symbolic link to '/etc/shadow'")
