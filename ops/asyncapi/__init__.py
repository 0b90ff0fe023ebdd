"""``sanpalang asyncapi``: write the AsyncAPI 3.0 document of every topic (``--check`` also runs the
AsyncAPI project's parser over it). The document is built by ``ops.asyncapi.document``; the Node.js
side (``package.json``, ``validate.cjs``) lives in this folder. Imports stay light until ``run``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runtime.settings import Settings

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", metavar="FILE", help="write the document here (default: standard output)")
    parser.add_argument("--check", action="store_true",
                        help="validate it with @asyncapi/parser (Node.js; installed by make install)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("sanpalang")
    except PackageNotFoundError:
        return "0.0.0"


def run(args: argparse.Namespace, settings: "Settings") -> int:
    import json
    from pathlib import Path

    from ops.asyncapi.document import build_document
    from schemas.catalogue import load_catalogue
    document = build_document(load_catalogue(), version=_version())
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: {len(document['channels'])} channels, {len(document['operations'])} operations",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.check:
        from ops.asyncapi.check import validate
        result = validate(document)
        print(result.describe(), file=sys.stderr)
        return 0 if result.valid else 1
    return 0
