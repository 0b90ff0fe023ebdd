"""The worker tests' helpers: a scratch hub per test (ops.hub_run), and a readable first difference."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ops.hub_run import ScratchHub, start_scratch_hub
from ops.kafka import local
from ops.settings import Settings


def fresh_broker(root: Path, cache: Path) -> ScratchHub:
    missing = local.missing_packages(Settings(home=root, cache=cache))
    if missing:
        message = f"the worker tests need {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: a missing dependency fails the run)", pytrace=False)
        pytest.skip(message)
    return start_scratch_hub(root, cache)


def first_difference(published: dict, oracle: dict) -> str:
    """The first (topic, key) whose versions differ, field by field, for a readable failure."""
    for key in sorted(set(published) | set(oracle)):
        got, want = published.get(key, []), oracle.get(key, [])
        if got != want:
            lines = [f"{key}: {len(got)} version(s) published, {len(want)} expected"]
            for n, (g, w) in enumerate(zip(got, want)):
                fields = sorted(f for f in set(g) | set(w) if g.get(f) != w.get(f))
                lines += [f"  version {n}: {f}: published {g.get(f)!r}, expected {w.get(f)!r}" for f in fields]
            return "\n".join(lines)
    return "no difference"
