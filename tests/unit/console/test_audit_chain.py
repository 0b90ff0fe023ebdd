"""The audit hash chain: each entry hashes its predecessor's digest; changes, gaps, moves and a cut
tail are all found, and the first bad entry is named."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from console.audit import GENESIS, entry_digest, next_entry, verify_chain

T0 = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)


def chain(n: int = 5):
    entries, head = [], None
    for i in range(n):
        e = next_entry(head, at=T0 + timedelta(seconds=i), actor="prov57", role="provincial", action="case.read",
                       target=f"case-{i}", province="TH-57", detail={"i": i})
        entries.append(e)
        head = (e.seq, e.digest)
    return entries, head


class TestChain:
    def test_the_first_entry_follows_the_genesis_digest(self):
        entries, _ = chain(1)
        assert entries[0].seq == 1 and entries[0].prev_digest == GENESIS

    def test_each_entry_carries_the_digest_of_the_one_before(self):
        entries, _ = chain(3)
        assert [e.prev_digest for e in entries[1:]] == [e.digest for e in entries[:-1]]

    def test_an_untouched_chain_verifies(self):
        entries, head = chain()
        assert verify_chain(entries, head) == (5, None)

    def test_an_empty_log_verifies(self):
        assert verify_chain([], None) == (0, None)


class TestTampering:
    def test_a_changed_entry_is_named(self):
        entries, head = chain()
        entries[2] = dataclasses.replace(entries[2], target="case-other")
        _, broken = verify_chain(entries, head)
        assert broken.seq == 3 and "changed" in broken.reason

    def test_a_changed_entry_with_a_recomputed_digest_breaks_the_next_link(self):
        entries, head = chain()
        forged = dataclasses.replace(entries[2], actor="someone-else")
        entries[2] = dataclasses.replace(forged, digest=entry_digest(forged))
        _, broken = verify_chain(entries, head)
        assert broken.seq == 4

    def test_a_removed_entry_is_named(self):
        entries, head = chain()
        del entries[1]
        _, broken = verify_chain(entries, head)
        assert broken.seq == 2 and "missing" in broken.reason

    def test_reordered_entries_are_found(self):
        entries, head = chain()
        entries[1], entries[2] = entries[2], entries[1]
        _, broken = verify_chain(entries, head)
        assert broken.seq == 2

    def test_renumbered_entries_after_a_removal_are_found(self):
        entries, head = chain()
        del entries[1]
        entries = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate(entries)]
        _, broken = verify_chain(entries, (4, entries[-1].digest))
        assert broken.seq == 2

    def test_entries_cut_off_the_end_are_found_by_the_head(self):
        entries, head = chain()
        _, broken = verify_chain(entries[:3], head)
        assert broken.seq == 4 and "removed from the end" in broken.reason
