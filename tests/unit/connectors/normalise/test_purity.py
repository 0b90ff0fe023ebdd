"""The normalisers stay pure (their imports: the contracts of pyproject.toml): no clock or environment, and lazy data."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import connectors.normalise as package

SOURCES = sorted(Path(package.__file__).parent.glob("*.py"))
FORBIDDEN_CALLS = {"now", "today", "utcnow", "getenv", "environ", "open"}


class TestPurity:
    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
    def test_reads_neither_clock_nor_environment(self, source):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & FORBIDDEN_CALLS

    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
    def test_modules_stay_small(self, source):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300

    def test_importing_reads_no_table_and_loads_no_romaniser(self):
        code = ("import sys, connectors.normalise as n; from connectors.normalise._data import read_table; "
                "print(read_table.cache_info().currsize, 'pythainlp' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=Path(package.__file__).parents[2]).stdout.split()
        assert out == ["0", "False"]

    def test_exports_exactly_its_public_api(self):
        assert sorted(package.__all__) == sorted(set(package.__all__))
        assert all(hasattr(package, name) for name in package.__all__)
