"""The floors of docs/architecture.md hold: import-linter's contracts (pyproject.toml) are kept by
the tree, and broken by an upward import or by I/O in the pure core."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["schemas", "runtime", "connectors", "streams", "console", "simulator", "ops", "bench"]
LINT = str(Path(sys.executable).with_name("lint-imports"))


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT, "--no-cache", "--config", str(tree / "pyproject.toml")], cwd=tree,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)}, capture_output=True, text=True)


@pytest.fixture
def copy_of_the_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.csv", "*.json", "*.avsc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = tree / module.replace(".", "/") / "__init__.py"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.mark.parametrize("module, line, broken", [
    ("streams.matching.matcher", "import ops.cli", "floors"),
    ("connectors.publisher", "from streams.worker import app", "floors"),
    ("runtime.settings", "import connectors", "floors"),
    ("streams.cases.fold", "import streams.worker.loop", "the worker is the only shell"),
    ("streams.rules", "import sqlalchemy", "the pure core touches no"),
    ("connectors.normalise.names", "import time", "the pure core touches no"),
    ("streams.rules", "import random", "draw no random numbers"),
    ("console.web", "from console import pages", "console: the app above"),
], ids=["core-to-tools", "edge-to-worker", "ground-to-edge", "core-to-shell", "core-to-sql", "core-to-clock",
        "rules-to-random", "console-circle"])
def test_an_arrow_against_the_floors_breaks_a_contract(copy_of_the_tree, module, line, broken):
    add_import(copy_of_the_tree, module, line)
    result = lint(copy_of_the_tree)
    assert result.returncode != 0
    broken_section = result.stdout.split("Broken contracts", 1)[-1]
    assert broken in broken_section, result.stdout
