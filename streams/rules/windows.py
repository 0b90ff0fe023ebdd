"""The time windows of the 14 alert rules: one frozen config object, DOMAIN.md's values by default.

Legal windows (ATIPA s.29, the NRM notification) can be tightened but not loosened past the law:
construction fails. Windows marked *default* in DOMAIN.md are policy: set them freely.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta

__all__ = ["RuleWindows", "parse_duration", "LEGAL_LIMITS"]

_H, _D = timedelta(hours=1), timedelta(days=1)

LEGAL_LIMITS = {
    "custody_limit": 24 * _H,          # ATIPA s.29: 24 hours for identification
    "custody_extension_max": 7 * _D,   # ATIPA s.29: a court may extend to 7 days at most
    "nrm_limit": 15 * _D,              # NRM 2022: 15 days in a temporary shelter before identification
}
"""Windows the law fixes: a configuration may shorten them, never lengthen them."""


@dataclass(frozen=True, slots=True)
class RuleWindows:
    """Every window the rules use (field name = the name a rule's ladder refers to)."""

    custody_warn: timedelta = 18 * _H              # rule 1
    custody_limit: timedelta = 24 * _H             # rule 1, law
    custody_extension_max: timedelta = 7 * _D      # rule 1, law
    nrm_warn: timedelta = 12 * _D                  # rule 2
    nrm_limit: timedelta = 15 * _D                 # rule 2, law (NRM)
    handoff: timedelta = 24 * _H                   # rule 3
    handoff_minor: timedelta = 12 * _H             # rule 3, default
    labour_referral_warn: timedelta = 24 * _H      # rule 6, default
    labour_referral_critical: timedelta = 48 * _H  # rule 6, default
    repeat_victim: timedelta = 365 * _D            # rule 7, default
    hotspot: timedelta = 90 * _D                   # rule 8, default
    pipo_port_in: timedelta = 1 * _H               # rule 9
    cross_border: timedelta = 30 * _D              # rule 10, default
    rights_informed: timedelta = 24 * _H           # rule 11
    police_case: timedelta = 7 * _D                # rule 11
    suspect_provinces: timedelta = 180 * _D        # rule 12, default

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, timedelta) or value <= timedelta(0):
                raise ValueError(f"RuleWindows.{field.name} must be a positive timedelta, got {value!r}")
        for name, limit in LEGAL_LIMITS.items():
            if getattr(self, name) > limit:
                raise ValueError(f"RuleWindows.{name} = {getattr(self, name)} is longer than the law allows ({limit})")
        for early, late in (("custody_warn", "custody_limit"), ("nrm_warn", "nrm_limit"),
                            ("handoff_minor", "handoff"),
                            ("labour_referral_warn", "labour_referral_critical"),
                            ("custody_limit", "custody_extension_max")):
            if getattr(self, early) > getattr(self, late):
                raise ValueError(f"RuleWindows.{early} must not be longer than {late}")

    def __getitem__(self, name: str) -> timedelta:
        if name not in _NAMES:
            raise KeyError(f"no rule window {name!r}")
        return getattr(self, name)

    @classmethod
    def names(cls) -> frozenset[str]:
        return _NAMES

    @classmethod
    def from_mapping(cls, values: Mapping[str, str | timedelta]) -> "RuleWindows":
        """Windows from settings, e.g. ``{"handoff": "24h", "hotspot": "90d"}``; unknown names fail."""
        unknown = set(values) - cls.names()
        if unknown:
            raise ValueError(f"unknown rule windows: {', '.join(sorted(unknown))}")
        return cls(**{k: v if isinstance(v, timedelta) else parse_duration(v) for k, v in values.items()})


_NAMES = frozenset(f.name for f in fields(RuleWindows))


def parse_duration(text: str) -> timedelta:
    """``"90d"``, ``"18h"``, ``"30m"``, ``"1d12h"`` -> timedelta."""
    parts = re.fullmatch(r"\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*", text or "")
    if not parts or not any(parts.groups()):
        raise ValueError(f"not a duration: {text!r} (use e.g. 90d, 18h, 30m)")
    days, hours, minutes = (int(g or 0) for g in parts.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)
