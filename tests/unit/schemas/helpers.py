"""Shared helpers of the schema tests (no I/O beyond tmp_path)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def wire(value: Any) -> Any:
    """A value as Avro carries it: datetimes as epoch ms, dates as epoch days."""
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, dt.datetime):
        delta = value - EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, dt.date):
        return (value - EPOCH.date()).days
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def write_types(folder: Path, *types: dict) -> Path:
    """Write named types as <full name>.avsc files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for obj in types:
        name = f"{obj['namespace']}.{obj['name']}"
        (folder / f"{name}.avsc").write_text(json.dumps(obj), encoding="utf-8")
    return folder
