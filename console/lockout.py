"""Lock-out after repeated sign-in failures: a pure decision over the failures' times.

Five failures for one user name within fifteen minutes lock that name until fifteen minutes after
the latest of them. Counted per user name, not per address, because operators of one provincial
centre share an address; a success clears the count (the shell deletes the failures).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["LockoutPolicy", "DEFAULT_POLICY", "locked_until"]


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window <= timedelta(0) or self.lock_for <= timedelta(0):
            raise ValueError("a lock-out policy needs max_failures >= 1 and positive durations")


DEFAULT_POLICY = LockoutPolicy()


def locked_until(failures: Iterable[datetime], now: datetime, policy: LockoutPolicy = DEFAULT_POLICY) -> datetime | None:
    """When the lock ends, or None if the name may try now. Only failures inside the window count."""
    recent = sorted(f for f in failures if now - policy.window < f <= now)
    if len(recent) < policy.max_failures:
        return None
    until = recent[-1] + policy.lock_for
    return until if until > now else None
