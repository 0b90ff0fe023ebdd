"""The domain reads no clock or environment and its modules stay small (its imports: the contracts of
pyproject.toml, tests/unit/test_floors.py)."""

import ast
from pathlib import Path

import pytest

import streams.cases
import streams.referrals
import streams.rules

SOURCES = sorted([*Path(streams.cases.__file__).parent.glob("*.py"), *Path(streams.rules.__file__).parent.glob("*.py"),
                  Path(streams.referrals.__file__)])
FORBIDDEN_NAMES = {"now", "today", "utcnow", "time", "monotonic", "getenv", "environ", "open"}


def _called(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class TestBoundary:
    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_never_reads_the_clock_or_the_environment(self, source):
        assert not set(_called(ast.parse(source.read_text(encoding="utf-8")))) & FORBIDDEN_NAMES

    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_modules_stay_small(self, source):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300

    @pytest.mark.parametrize("package", [streams.cases, streams.rules])
    def test_exports_exactly_its_public_api(self, package):
        assert len(package.__all__) == len(set(package.__all__))
        assert all(hasattr(package, name) for name in package.__all__)
