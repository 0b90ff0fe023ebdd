"""streams.matching reads no clock (its imports: the contracts of pyproject.toml)."""

import ast
from pathlib import Path

import streams.matching

PACKAGE = Path(streams.matching.__file__).parent
CLOCK = {("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("datetime", "now"),
         ("datetime", "utcnow"), ("date", "today"), ("datetime", "today")}


def _modules():
    return sorted(PACKAGE.glob("*.py"))


class TestBoundary:
    def test_reads_no_clock(self):
        for path in _modules():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    assert (node.value.id, node.attr) not in CLOCK, f"{path.name} reads the clock: {node.value.id}.{node.attr}"
