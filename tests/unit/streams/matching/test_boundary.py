"""streams.matching is pure: no Kafka, SQL, HTTP or metrics client, and no clock."""

import ast
import subprocess
import sys
from pathlib import Path

import streams.matching

PACKAGE = Path(streams.matching.__file__).parent
FORBIDDEN = ("faust", "kafka", "aiokafka", "sqlalchemy", "aiohttp", "prometheus_client")
CLOCK = {("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("datetime", "now"),
         ("datetime", "utcnow"), ("date", "today"), ("datetime", "today")}


def _modules():
    return sorted(PACKAGE.glob("*.py"))


class TestBoundary:
    def test_imports_none_of_the_io_libraries(self):
        for path in _modules():
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"

    def test_importing_it_loads_none_of_them(self):
        code = ("import sys, streams.matching, streams.matching.persons, streams.matching.synthetic; "
                f"print([m for m in {FORBIDDEN!r} if m in sys.modules])")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "[]"

    def test_reads_no_clock(self):
        for path in _modules():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    assert (node.value.id, node.attr) not in CLOCK, f"{path.name} reads the clock: {node.value.id}.{node.attr}"
