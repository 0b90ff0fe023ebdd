"""Sign-in throttles: failed attempts per address and per name, with a bounded memory."""

import pytest

from console.throttle import SignInThrottles, Throttle


class TestThrottle:
    def test_allows_up_to_the_limit_of_failures_in_the_window_then_says_how_long_to_wait(self):
        throttle = Throttle(3, 60.0)
        for t in (0.0, 1.0, 2.0):
            assert throttle.retry_after("k", t) is None
            throttle.count("k", t)
        assert throttle.retry_after("k", 10.0) == 50.0

    def test_failures_older_than_the_window_no_longer_count(self):
        throttle = Throttle(2, 60.0)
        throttle.count("k", 0.0)
        throttle.count("k", 1.0)
        assert throttle.retry_after("k", 59.0) is not None
        assert throttle.retry_after("k", 61.0) is None

    def test_keys_are_counted_apart_and_memory_is_bounded(self):
        throttle = Throttle(1, 60.0, max_keys=2)
        for key in ("a", "b", "c"):
            throttle.count(key, 0.0)
        assert throttle.retry_after("b", 1.0) is not None and len(throttle._seen) <= 2
        assert throttle.retry_after("a", 1.0) is None          # the oldest key was forgotten

    def test_a_bad_spec_fails_at_construction(self):
        with pytest.raises(ValueError):
            Throttle(0, 60.0)


class TestSignInThrottles:
    def test_a_flood_of_made_up_names_from_one_address_is_throttled_by_address(self):
        throttles = SignInThrottles(per_address=Throttle(5, 60.0), per_name=Throttle(3, 60.0))
        for n in range(5):
            assert throttles.retry_after("10.0.0.9", f"made.up.{n}", float(n)) is None
            throttles.failed("10.0.0.9", f"made.up.{n}", float(n))
        assert throttles.retry_after("10.0.0.9", "made.up.99", 5.0) is not None
        assert throttles.retry_after("10.0.0.10", "prov57", 5.0) is None       # another address is not

    def test_one_name_guessed_from_many_addresses_is_throttled_by_name(self):
        throttles = SignInThrottles(per_address=Throttle(5, 60.0), per_name=Throttle(3, 60.0))
        for n in range(3):
            throttles.failed(f"10.0.0.{n}", "prov57", float(n))
        assert throttles.retry_after("10.0.0.200", "prov57", 3.0) is not None
