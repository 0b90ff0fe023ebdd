"""The simulator: realistic, seeded feeds for the four agencies, and the truth behind them.

    >>> feed = generate(7, start_at=datetime(2025, 3, 1, tzinfo=timezone.utc))
    >>> feed.records[0].native, feed.truth["alerts"][0]

`generate` is pure (a seed, a `start_at`; no clock, no I/O): persons and organisations
(`model.py`, names from `names.py`), scripted scenarios with their expected alerts
(`scenarios.py`, rule readings in `rules.py`), benign background traffic (`background.py`) and
declared bad records (`bad.py`), rendered into each agency's native shape (`render/`, exactly
connectors/agencies/NATIVE.md). `deliver.py` is the thin shell that sends a feed through the real
sources (HTTP posts, export files, database rows) at a chosen rate; `simulate` runs both for the CLI.
"""

from simulator.feed import Feed, FeedRecord, generate
from simulator.places import DEFAULT_PROVINCES
from simulator.rules import READINGS, WINDOWS
from simulator.truth import FORMAT

__all__ = ["DEFAULT_PROVINCES", "FORMAT", "Feed", "FeedRecord", "READINGS", "WINDOWS", "generate"]
