"""The console's pure modules read no clock (their imports: the contracts of pyproject.toml); the API is documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import console

PURE = ["roles", "credentials", "lockout", "csrf", "dates", "i18n", "present", "audit", "directory", "throttle"]


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_read_no_clock(module):
    tree = ast.parse((Path(console.__file__).parent / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("now", "utcnow", "today") and \
                isinstance(node.value, ast.Name) and node.value.id in ("datetime", "date"):
            pytest.fail(f"console.{module} reads the clock")


def test_every_api_route_is_in_the_openapi_document_and_back():
    from console.api import ROUTES
    from console.openapi import openapi_document
    doc = openapi_document()
    routed = {(path, method.lower()) for method, path, _ in ROUTES}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routed == documented
    assert doc["openapi"].startswith("3.")


def test_the_cli_modules_import_nothing_heavy_until_they_run():
    import subprocess
    import sys
    code = ("import sys, console.command, console.users_command, console.audit_command; "
            "print(sorted(m for m in ('aiohttp', 'sqlalchemy', 'aiokafka', 'kafka') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
