"""Runs the AsyncAPI project's own parser (``@asyncapi/parser`` on Node.js, pinned in
``ops/asyncapi/package.json``, installed by ``make install``) over a document.

Why Node and not a Python validator: the contract is only as good as what AsyncAPI's tools accept,
and the reference parser is the one that also checks the Avro payloads and the bindings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

__all__ = ["PACKAGE_DIR", "Validation", "ValidatorUnavailable", "validate", "validator_command"]

PACKAGE_DIR = Path(__file__).resolve().parent
SCRIPT = PACKAGE_DIR / "validate.cjs"
INSTALL_HINT = "run `make install` (it runs `npm ci --prefix ops/asyncapi`)"


class ValidatorUnavailable(RuntimeError):
    """Node.js or the pinned npm packages are not installed; the message says how to get them."""


@dataclass(frozen=True)
class Validation:
    valid: bool
    version: str | None = None
    channels: list[str] = field(default_factory=list)
    operations: int = 0
    messages: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        if self.valid:
            return (f"valid AsyncAPI {self.version}: {len(self.channels)} channels, {self.operations} operations, "
                    f"{self.messages} messages, {len(self.warnings)} warnings (@asyncapi/parser)")
        lines = [f"invalid AsyncAPI document: {len(self.errors)} error(s) (@asyncapi/parser)"]
        return "\n".join(lines + [f"  {e['path'] or '/'}: {e['message']} [{e['code']}]" for e in self.errors])


def validator_command() -> list[str]:
    """``node validate.cjs``, once Node.js 18+ and the pinned packages are there."""
    node = shutil.which("node")
    if node is None:
        raise ValidatorUnavailable(f"Node.js is not installed (Debian: apt-get install nodejs npm); then {INSTALL_HINT}")
    if not (PACKAGE_DIR / "node_modules" / "@asyncapi" / "parser").is_dir():
        raise ValidatorUnavailable(f"@asyncapi/parser is not installed in {PACKAGE_DIR}; {INSTALL_HINT}")
    return [node, str(SCRIPT)]


def validate(document: Mapping[str, Any] | str | Path, *, timeout_s: float = 120) -> Validation:
    """Validate a document (a dict, JSON/YAML text, or a file path) with @asyncapi/parser."""
    command = validator_command()
    with tempfile.TemporaryDirectory(prefix="sanpalang-asyncapi-") as tmp:
        if isinstance(document, Path):
            path = document
        else:
            path = Path(tmp) / "asyncapi.json"
            text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
        done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=timeout_s,
                              cwd=PACKAGE_DIR)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise ValidatorUnavailable(f"@asyncapi/parser failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return Validation(**json.loads(done.stdout))
