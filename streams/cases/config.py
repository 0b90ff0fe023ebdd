"""How the fold joins events into cases, and how long it remembers: one frozen settings object."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

__all__ = ["FoldConfig"]


@dataclass(frozen=True, slots=True)
class FoldConfig:
    """Windows of the case fold (all *default*: no law fixes them).

    - `person_window`: an event joins the case of a person (on the side of the exploited) when it
      happens within this time of the person's last event in that case;
    - `org_window`: an event flagging a *registered* organisation joins the case where that
      organisation was last flagged within this time;
    - `voyage_max`: a PIPO port-out waits this long for its port-in, then is forgotten;
    - `closed_retention` / `idle_retention`: `expire` drops closed cases this long after their last
      update, and any case this long after its last event.
    """

    person_window: timedelta = timedelta(days=180)
    org_window: timedelta = timedelta(days=30)
    voyage_max: timedelta = timedelta(days=60)
    closed_retention: timedelta = timedelta(days=365)
    idle_retention: timedelta = timedelta(days=730)

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, timedelta) or value <= timedelta(0):
                raise ValueError(f"FoldConfig.{field.name} must be a positive timedelta, got {value!r}")
