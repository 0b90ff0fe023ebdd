"""Passwords (scrypt), API tokens, lock-out and CSRF decisions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console import csrf
from console.credentials import (DUMMY_HASH, hash_password, new_secret, new_token, parse_token, token_digest,
                                 verify_password)
from console.lockout import LockoutPolicy, locked_until

FAST = 2**10          # scrypt cost for tests only; the default is 2**15
T0 = datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc)


class TestPasswords:
    def test_a_password_verifies_against_its_hash(self):
        stored = hash_password("correct horse", n=FAST)
        assert stored.startswith(f"scrypt${FAST}$8$1$")
        assert verify_password("correct horse", stored)

    def test_a_wrong_password_does_not(self):
        assert not verify_password("wrong horse", hash_password("correct horse", n=FAST))

    def test_two_hashes_of_one_password_differ_by_salt(self):
        assert hash_password("same", n=FAST) != hash_password("same", n=FAST)

    def test_the_dummy_hash_is_well_formed_and_matches_nothing(self):
        assert not verify_password("", DUMMY_HASH) and not verify_password("anything", DUMMY_HASH)

    def test_a_mangled_hash_never_verifies(self):
        assert not verify_password("x", "md5$abc")
        assert not verify_password("x", "scrypt$notanumber$8$1$AA$AA")

    def test_an_empty_password_is_refused(self):
        with pytest.raises(ValueError):
            hash_password("")


class TestTokens:
    def test_a_token_carries_its_id_and_only_its_digest_is_kept(self):
        issued = new_token()
        token_id, secret = parse_token(issued.token)
        assert token_id == issued.token_id
        assert token_digest(secret) == issued.digest
        assert secret not in issued.digest

    @pytest.mark.parametrize("text", ["", "Bearer x", "spl_short_x", "abc_0123456789ab_" + "x" * 40])
    def test_strangers_are_not_tokens(self, text):
        assert parse_token(text) is None

    def test_secrets_are_long_and_random(self):
        assert len(new_secret()) >= 43 and new_secret() != new_secret()


class TestLockout:
    def test_four_failures_do_not_lock(self):
        assert locked_until([T0 - timedelta(minutes=m) for m in range(4)], T0) is None

    def test_five_failures_in_fifteen_minutes_lock_for_fifteen_minutes_after_the_last(self):
        failures = [T0 - timedelta(minutes=m) for m in range(5)]
        assert locked_until(failures, T0) == T0 + timedelta(minutes=15)

    def test_failures_older_than_the_window_do_not_count(self):
        failures = [T0 - timedelta(minutes=14)] * 4 + [T0 - timedelta(minutes=16)]
        assert locked_until(failures, T0) is None

    def test_the_lock_ends_by_itself(self):
        failures = [T0 - timedelta(minutes=10, seconds=s) for s in range(5)]
        assert locked_until(failures, T0 + timedelta(minutes=5, seconds=1)) is None

    def test_a_policy_is_validated_when_made(self):
        with pytest.raises(ValueError):
            LockoutPolicy(max_failures=0)


class TestCsrf:
    def test_safe_methods_need_no_token(self):
        assert not csrf.needs_token("GET", bearer=False)
        assert not csrf.needs_token("HEAD", bearer=False)

    def test_a_cookie_authenticated_post_needs_one(self):
        assert csrf.needs_token("POST", bearer=False)
        assert csrf.needs_token("delete", bearer=False)

    def test_a_bearer_client_needs_none(self):
        assert not csrf.needs_token("POST", bearer=True)

    def test_only_the_same_token_matches(self):
        assert csrf.token_matches("abc", "abc")
        assert not csrf.token_matches("abc", "abd")
        assert not csrf.token_matches("abc", None)
        assert not csrf.token_matches(None, None)
        assert not csrf.token_matches("", "")
