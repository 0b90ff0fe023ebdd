"""The domain stays pure: no broker, database, web, metrics, clock or environment."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import streams.cases
import streams.referrals
import streams.rules

ROOT = Path(streams.cases.__file__).parents[2]
SOURCES = sorted([*Path(streams.cases.__file__).parent.glob("*.py"), *Path(streams.rules.__file__).parent.glob("*.py"),
                  Path(streams.referrals.__file__)])
FORBIDDEN_MODULES = {"faust", "kafka", "aiokafka", "sqlalchemy", "aiohttp", "prometheus_client", "os", "time",
                     "random", "socket", "subprocess", "threading", "asyncio", "zoneinfo"}
FORBIDDEN_NAMES = {"now", "today", "utcnow", "time", "monotonic", "getenv", "environ", "open"}


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def _called(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class TestBoundary:
    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_imports_nothing_that_touches_the_outside(self, source):
        assert not set(_imports(ast.parse(source.read_text(encoding="utf-8")))) & FORBIDDEN_MODULES

    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_never_reads_the_clock_or_the_environment(self, source):
        assert not set(_called(ast.parse(source.read_text(encoding="utf-8")))) & FORBIDDEN_NAMES

    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_modules_stay_small(self, source):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300

    def test_importing_the_domain_loads_no_outside_library(self):
        code = ("import sys; before = set(sys.modules); import streams.cases, streams.rules, streams.referrals; "
                "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))")
        loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
        assert not {name.strip("'[] \n") for name in loaded.split(",")} & FORBIDDEN_MODULES

    @pytest.mark.parametrize("package", [streams.cases, streams.rules])
    def test_exports_exactly_its_public_api(self, package):
        assert len(package.__all__) == len(set(package.__all__))
        assert all(hasattr(package, name) for name in package.__all__)
