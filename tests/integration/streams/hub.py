"""The worker tests' helpers: a scratch hub per test (bench.hub_run), and a readable first difference."""

from __future__ import annotations

from pathlib import Path


from bench.hub_run import ScratchHub, start_scratch_hub
from ops.kafka import local
from runtime.settings import Settings
from tests.missing import missing


def fresh_broker(root: Path, cache: Path) -> ScratchHub:
    absent = local.missing_packages(Settings(home=root, cache=cache))
    if absent:
        missing(f"the worker tests need {', '.join(absent)}")
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
