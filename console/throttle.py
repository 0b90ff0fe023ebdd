"""Sign-in throttles: at most `limit` failed attempts per key (an address, a user name) in any `window`.

Pure: the shell passes the time (monotonic seconds). A flood of sign-ins with made-up names from
one address is answered 429 before it reaches the database or computes a password hash, so the
operators signed in keep their pages (issue 11, item 5). The lock-out (`lockout`) protects one
name against guessing; the throttles protect the console's capacity. Per address the limit is
generous, because the operators of one provincial centre share an address.

Memory is bounded: at most `max_keys` keys are remembered, the least recently used forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

__all__ = ["Throttle", "SignInThrottles", "PER_ADDRESS", "PER_NAME"]

PER_ADDRESS = (30, 60.0)        # attempts, seconds
PER_NAME = (10, 60.0)


@dataclass
class Throttle:
    limit: int
    window_s: float
    max_keys: int = 100_000
    _seen: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_s <= 0 or self.max_keys < 1:
            raise ValueError("a throttle needs limit >= 1, a positive window and max_keys >= 1")

    def _times(self, key: str, now: float) -> deque[float]:
        times = self._seen.get(key)
        if times is None:
            times = self._seen[key] = deque()
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(key)
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def retry_after(self, key: str, now: float) -> float | None:
        """None when `key` may try at `now`; else the seconds until it may."""
        times = self._times(key, now)
        return max(0.0, times[0] + self.window_s - now) if len(times) >= self.limit else None

    def count(self, key: str, now: float) -> None:
        """One failed attempt of `key` at `now`."""
        self._times(key, now).append(now)


@dataclass
class SignInThrottles:
    """Failed sign-ins per address and per name (a success costs nothing: operators signing in
    at a shift change are never throttled by each other)."""

    per_address: Throttle = field(default_factory=lambda: Throttle(*PER_ADDRESS))
    per_name: Throttle = field(default_factory=lambda: Throttle(*PER_NAME))

    def retry_after(self, address: str, name: str, now: float) -> float | None:
        """None when an attempt of `name` from `address` may go on; else seconds to wait (429)."""
        waits = [w for w in (self.per_address.retry_after(f"a:{address}", now),
                             self.per_name.retry_after(f"n:{name}", now)) if w is not None]
        return max(waits) if waits else None

    def per_address_wait(self, address: str, now: float) -> float | None:
        """The address alone (checked before the request's form is even read)."""
        return self.per_address.retry_after(f"a:{address}", now)

    def failed(self, address: str, name: str, now: float) -> None:
        self.per_address.count(f"a:{address}", now)
        self.per_name.count(f"n:{name}", now)
