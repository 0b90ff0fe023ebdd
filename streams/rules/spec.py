"""Alert rules as declared specs, validated when created (the splink `comparison_library` way):
each rule is data - number, key, legal basis, clocks with severity ladders over named windows - and
one pure function `find` that reads a case (or a cross-case index entry) and returns `Finding`s.

A **clock** starts at a finding's `anchor_at`; its **ladder** says which severity is reached how long
after (a window of `RuleWindows`, or at once); `due_after` names the deadline the alert watches.
The engine (`evaluate`) turns findings and `now` into alert states; rules never read the clock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import IntEnum
from typing import Any

from streams.rules.windows import RuleWindows

__all__ = ["Severity", "Step", "Clock", "Referral", "Finding", "RuleSpec", "SpecError", "SCOPES", "RUNBOOK", "Facts",
           "facts", "cleared_by"]

RUNBOOK = "docs/alert-rules.md"
SCOPES = ("case", "person", "org")
_REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SpecError(ValueError):
    """A rule spec that cannot work, named with its rule."""


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    CRITICAL = 2

    @property
    def symbol(self) -> str:
        """The `sanpalang.hub.AlertSeverity` symbol."""
        return self.name.capitalize()

    @classmethod
    def of(cls, symbol: str) -> "Severity":
        return cls[symbol.upper()]


@dataclass(frozen=True, slots=True)
class Step:
    """Severity reached `after` the clock's start (a `RuleWindows` field), or at once (None)."""

    severity: Severity
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    """What another agency is asked to do when a clock's alert is raised."""

    to_agency: str
    reason_code: str          # HTCDS ReferralReason
    reason: str
    requested_action: str


@dataclass(frozen=True, slots=True)
class Clock:
    """A ladder of steps, strongest last; `due_after`: the deadline watched (default: the last
    step's window, none when every step is immediate); `referral`: sent when it first fires."""

    steps: tuple[Step, ...]
    due_after: str | None = None
    referral: Referral | None = None

    def due_window(self) -> str | None:
        return self.due_after or self.steps[-1].after


Facts = tuple[tuple[str, str], ...]


def facts(**values: datetime | str | int | None) -> Facts:
    """A finding's facts, from which a console writes its message in the operator's language
    (`sanpalang.hub.Alert.facts`): times as ISO 8601 UTC, None left out. Keyword names use `_`;
    the keys on the bus are the same names."""
    return tuple((key, _iso(value) if isinstance(value, datetime) else str(value))
                 for key, value in values.items() if value is not None)


@functools.lru_cache(maxsize=1 << 14)
def _iso(at: datetime) -> str:
    """Memoised (bounded), like `case_rules.local_time`: every evaluation writes the facts again."""
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cleared_by(*candidates: tuple[datetime | None, str]) -> str | None:
    """Which of (time, what) came first: what cleared a finding (None when none did)."""
    present = [(at, what) for at, what in candidates if at is not None]
    return min(present, key=lambda c: c[0])[1] if present else None


@dataclass(frozen=True, slots=True)
class Finding:
    """The condition of a rule holds for `subject` since `anchor_at` (on the named clock), until
    `cleared_at` if it cleared. Cross-case rules also name the case (or None) and province."""

    clock: str
    subject: str
    anchor_at: datetime
    cleared_at: datetime | None = None
    detail: str = ""
    case_id: str | None = None
    province: str | None = None
    facts: Facts = ()
    """What the message says, as data (`facts`): `what`, `since`, `missing`, `cleared_by`, ..."""


@dataclass(frozen=True, eq=False)
class RuleSpec:
    """One of the 14 rules of DOMAIN.md. `basis` is the legal basis, or "default" when no law
    fixes the window; `find`'s docstring states it too (checked)."""

    number: int
    key: str
    title: str
    basis: str
    scope: str
    clocks: Mapping[str, Clock]
    find: Callable[[Any, RuleWindows], Iterable[Finding]]
    action: str
    resolves_itself: bool = True
    marks: frozenset[str] = frozenset()
    """Case rules: mark kinds without one of which `find` finds nothing (the engine then skips it);
    empty: always asked (a rule that reads persons, or any cross-case rule)."""
    windows: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        where = f"rule {self.number} ({self.key!r})"
        if not isinstance(self.number, int) or not 1 <= self.number <= 14:
            raise SpecError(f"{where}: number must be 1 to 14")
        if not _KEY.match(self.key or ""):
            raise SpecError(f"{where}: key must be lower-case words joined by hyphens")
        if not (self.title and self.basis and self.action):
            raise SpecError(f"{where}: title, basis and action are required")
        if self.scope not in SCOPES:
            raise SpecError(f"{where}: scope must be one of {SCOPES}")
        if self.marks and self.scope != "case":
            raise SpecError(f"{where}: only case rules read marks")
        if not self.clocks:
            raise SpecError(f"{where}: at least one clock")
        names = RuleWindows.names()
        used: list[str] = []
        for clock_name, clock in self.clocks.items():
            if not clock.steps:
                raise SpecError(f"{where}: clock {clock_name!r} has no step")
            severities = [s.severity for s in clock.steps]
            if severities != sorted(set(severities)):
                raise SpecError(f"{where}: clock {clock_name!r} must go strictly up in severity")
            if any(s.after is None for s in clock.steps[1:]):
                raise SpecError(f"{where}: clock {clock_name!r}: only the first step may be immediate")
            for window in [*(s.after for s in clock.steps if s.after), *([clock.due_after] if clock.due_after else [])]:
                if window not in names:
                    raise SpecError(f"{where}: clock {clock_name!r} names no RuleWindows field {window!r}")
                used.append(window)
            defaults = RuleWindows()
            offsets = [defaults[s.after] for s in clock.steps if s.after]
            if offsets != sorted(offsets):
                raise SpecError(f"{where}: clock {clock_name!r}: later steps must not come sooner")
        if not callable(self.find) or not (self.find.__doc__ or "").strip():
            raise SpecError(f"{where}: find must be a function with a docstring")
        if self.basis not in self.find.__doc__:
            raise SpecError(f"{where}: the docstring of {self.find.__name__} must state its basis {self.basis!r}")
        for clock_name, clock in self.clocks.items():
            referral = clock.referral
            if referral and referral.reason_code not in _REASONS:
                raise SpecError(f"{where}: clock {clock_name!r}: reason code must be one of {_REASONS}")
        object.__setattr__(self, "windows", tuple(dict.fromkeys(used)))

    @property
    def runbook_key(self) -> str:
        return f"{RUNBOOK}#{self.key}"
