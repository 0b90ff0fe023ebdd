"""The file reader (files.py, _reading.py, _watching.py) stays pure: no clock or environment (its imports: the
contracts of pyproject.toml)."""

import ast
from pathlib import Path

import connectors.sources._reading as reading
import connectors.sources._watching as watching
import connectors.sources.files as files

FORBIDDEN_NAMES = {"now", "today", "utcnow", "getenv", "environ", "open"}
TREE = ast.Module(body=[node for module in (files, reading, watching)
                        for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body], type_ignores=[])


class TestFileReaderPurity:
    def test_reads_neither_clock_nor_environment_nor_opens_files(self):
        names = {n.attr for n in ast.walk(TREE) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(TREE) if isinstance(n, ast.Name)}
        assert not names & FORBIDDEN_NAMES

    def test_modules_stay_small(self):
        for module in (files, reading, watching):
            assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) < 300

    def test_exports_exactly_its_public_api(self):
        assert all(hasattr(files, name) for name in files.__all__)
