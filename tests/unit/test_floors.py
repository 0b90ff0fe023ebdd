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
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "COLUMNS": "1000"},
                          capture_output=True, text=True)


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


ARROWS = {   # id: (module, the import added to it, the contract it must break)
    "core-to-tools": ("streams.matching.matcher", "ops.cli", "floors"),
    "edge-to-worker": ("connectors.publisher", "streams.worker.app", "floors"),
    "ground-to-edge": ("runtime.settings", "connectors", "floors"),
    "core-to-shell": ("streams.cases.fold", "streams.worker.loop", "the worker is the only shell"),
    "core-to-sql": ("streams.rules", "sqlalchemy", "the pure core touches no"),
    "core-to-clock": ("connectors.normalise.names", "time", "the pure core touches no"),
    "rules-to-random": ("streams.rules", "random", "draw no random numbers"),
    "console-circle": ("console.web", "console.pages", "console: the app above"),
}


def broken_contracts(report: str) -> dict[str, str]:
    """Each broken contract's name -> what import-linter says about it."""
    lines = report.split("Broken contracts", 1)[-1].splitlines()
    heads = [i - 1 for i, line in enumerate(lines) if i > 1 and set(line) == {"-"} and lines[i - 1].strip()]
    return {lines[h]: "\n".join(lines[h + 2:end - 1]) for h, end in zip(heads, [*heads[1:], len(lines) + 1])}


@pytest.fixture(scope="module")
def tree_with_every_arrow(tmp_path_factory) -> dict[str, str]:
    """A copy of the tree with each arrow of ARROWS added, linted once."""
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.csv", "*.json", "*.avsc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for module, imported, _ in ARROWS.values():
        path = tree / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = tree / module.replace(".", "/") / "__init__.py"
        path.write_text(path.read_text(encoding="utf-8") + f"\nimport {imported}\n", encoding="utf-8")
    result = lint(tree)
    assert result.returncode != 0, result.stdout
    return broken_contracts(result.stdout)


@pytest.mark.parametrize("arrow", ARROWS)
def test_an_arrow_against_the_floors_breaks_a_contract(tree_with_every_arrow, arrow):
    """The arrow's own import is named under the contract it breaks (the others in the same copy
    break contracts too, so the contract alone would not show this arrow is caught)."""
    module, imported, contract = ARROWS[arrow]
    (named,) = [name for name in tree_with_every_arrow if contract in name]
    assert f"{module} -> {imported} (l." in tree_with_every_arrow[named], tree_with_every_arrow[named]
