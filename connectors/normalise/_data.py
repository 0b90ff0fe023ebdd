"""The packaged tables (`data/*.csv`), read once on first use and cached.

Reading is lazy so that importing the package touches no file; after the first call every
normaliser is a pure function of its arguments.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

__all__ = ["read_table"]


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of `data/<name>` as dicts keyed by the header row (UTF-8, comma separated)."""
    text = resources.files("connectors.normalise").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))
