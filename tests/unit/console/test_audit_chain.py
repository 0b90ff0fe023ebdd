"""The audit hash chain: each entry hashes its predecessor's digest; changes, gaps, moves and a cut
tail are all found, and the first bad entry is named."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import hashlib

from console.audit import GENESIS, anchor_refusal, entry_digest, make_anchor, next_entry, verify_chain

T0 = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)
KEY = b"an audit key of at least thirty-two bytes"


def chain(n: int = 5):
    entries, head = [], None
    for i in range(n):
        e = next_entry(head, KEY, at=T0 + timedelta(seconds=i), actor="prov57", role="provincial", action="case.read",
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
        assert verify_chain(entries, head, KEY) == (5, None)

    def test_an_empty_log_verifies(self):
        assert verify_chain([], None, KEY) == (0, None)


class TestTampering:
    def test_a_changed_entry_is_named(self):
        entries, head = chain()
        entries[2] = dataclasses.replace(entries[2], target="case-other")
        _, broken = verify_chain(entries, head, KEY)
        assert broken.seq == 3 and "changed" in broken.reason

    def test_a_changed_entry_with_a_recomputed_digest_breaks_the_next_link(self):
        entries, head = chain()
        forged = dataclasses.replace(entries[2], actor="someone-else")
        entries[2] = dataclasses.replace(forged, digest=entry_digest(forged, KEY))
        _, broken = verify_chain(entries, head, KEY)
        assert broken.seq == 4

    def test_a_removed_entry_is_named(self):
        entries, head = chain()
        del entries[1]
        _, broken = verify_chain(entries, head, KEY)
        assert broken.seq == 2 and "missing" in broken.reason

    def test_reordered_entries_are_found(self):
        entries, head = chain()
        entries[1], entries[2] = entries[2], entries[1]
        _, broken = verify_chain(entries, head, KEY)
        assert broken.seq == 2

    def test_renumbered_entries_after_a_removal_are_found(self):
        entries, head = chain()
        del entries[1]
        entries = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate(entries)]
        _, broken = verify_chain(entries, (4, entries[-1].digest), KEY)
        assert broken.seq == 2

    def test_entries_cut_off_the_end_are_found_by_the_head(self):
        entries, head = chain()
        _, broken = verify_chain(entries[:3], head, KEY)
        assert broken.seq == 4 and "removed from the end" in broken.reason


class TestAKeyedChainAgainstADatabaseWriter:
    """Whoever can write the database but not read the key cannot recompute a digest; whoever holds
    the key too is caught by the anchor published outside the database."""

    def test_a_chain_recomputed_with_plain_hashes_fails_at_its_first_entry(self):
        entries, _ = chain()
        prev, forged = GENESIS, []
        for e in entries:
            e = dataclasses.replace(e, prev_digest=prev, target="case-hidden" if e.seq == 1 else e.target)
            e = dataclasses.replace(e, digest=hashlib.sha256(e.payload().encode()).hexdigest())
            forged.append(e)
            prev = e.digest
        _, broken = verify_chain(forged, (5, prev), KEY)
        assert broken.seq == 1 and "keyed digest" in broken.reason

    def test_another_key_verifies_nothing(self):
        entries, head = chain()
        _, broken = verify_chain(entries, head, b"another key, also thirty-two bytes long")
        assert broken.seq == 1

    def test_a_tail_cut_with_the_head_moved_back_is_found_by_the_anchor(self):
        entries, head = chain()
        anchor = make_anchor(KEY, head, T0 + timedelta(minutes=1))
        assert verify_chain(entries[:3], (3, entries[2].digest), KEY) == (3, None)   # the database alone is fooled
        _, broken = verify_chain(entries[:3], (3, entries[2].digest), KEY, anchor=anchor)
        assert broken.seq == 4 and "truncated" in broken.reason

    def test_a_chain_recomputed_with_the_key_is_found_by_the_anchor(self):
        entries, head = chain()
        prev, forged = GENESIS, []
        for e in entries:
            e = dataclasses.replace(e, prev_digest=prev, target="case-hidden" if e.seq == 1 else e.target)
            e = dataclasses.replace(e, digest=entry_digest(e, KEY))
            forged.append(e)
            prev = e.digest
        anchor = make_anchor(KEY, head, T0 + timedelta(minutes=1))
        _, broken = verify_chain(forged, (5, prev), KEY, anchor=anchor)
        assert broken.seq == 5 and "rewritten" in broken.reason

    def test_entries_after_an_overdue_anchor_are_reported_missing_their_anchor(self):
        entries, _ = chain()
        anchor = make_anchor(KEY, (3, entries[2].digest), T0)
        head = (5, entries[-1].digest)
        assert verify_chain(entries, head, KEY, anchor=anchor, now=T0 + timedelta(seconds=30),
                            max_age=timedelta(minutes=2)) == (5, None)
        _, broken = verify_chain(entries, head, KEY, anchor=anchor, now=T0 + timedelta(minutes=5),
                                 max_age=timedelta(minutes=2))
        assert broken.seq == 4 and "missing anchor" in broken.reason

    def test_an_anchor_is_signed_with_the_key(self):
        entries, head = chain()
        anchor = make_anchor(KEY, head, T0)
        assert anchor_refusal(anchor, KEY) is None
        assert anchor_refusal(dataclasses.replace(anchor, seq=2), KEY) is not None
