"""Shell of the evolution guard for the CLI: ``sanpalang schemas check | lock``.

Both return ``(exit code, text)``: 0 all well, 1 breaking change (or unreadable schema files),
2 (check only) compatible changes not yet in the lock.
"""

from __future__ import annotations

import json
from pathlib import Path

from .evolution import EvolutionError, check, dumps_lock, relock, stale
from .registry import AVRO_DIR, LOCK_PATH, Registry, SchemaError

__all__ = ["check_command", "lock_command"]


def _load(avro_dir: Path | str | None, lock_path: Path | str | None) -> tuple[dict, dict, Path]:
    path = Path(lock_path) if lock_path else LOCK_PATH
    current = Registry(avro_dir or AVRO_DIR).current()
    lock = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return current, lock, path


def check_command(avro_dir: Path | str | None = None, lock_path: Path | str | None = None) -> tuple[int, str]:
    try:
        current, lock, path = _load(avro_dir, lock_path)
    except (SchemaError, ValueError) as exc:
        return 1, f"schemas check: cannot read the schemas or the lock: {exc}"
    problems = check(current, lock)
    if problems:
        lines = [f"schemas check: {len(problems)} breaking change(s) against {path.name}:"]
        lines += [f"  {p}" for p in problems]
        return 1, "\n".join(lines)
    notes = stale(current, lock)
    if notes:
        lines = [f"schemas check: compatible, but {path.name} is out of date; run `sanpalang schemas lock`:"]
        return 2, "\n".join(lines + [f"  {n}" for n in notes])
    versions = sum(len(v) for v in lock.get("schemas", {}).values())
    return 0, f"schemas check: OK, {len(current)} schemas match {path.name} ({versions} versions)"


def lock_command(avro_dir: Path | str | None = None, lock_path: Path | str | None = None) -> tuple[int, str]:
    try:
        current, lock, path = _load(avro_dir, lock_path)
        notes = stale(current, lock)
        new_lock = relock(current, lock)
    except EvolutionError as exc:
        return 1, f"schemas lock: refused, {exc}"
    except (SchemaError, ValueError) as exc:
        return 1, f"schemas lock: cannot read the schemas or the lock: {exc}"
    if not notes:
        return 0, f"schemas lock: {path.name} already up to date ({len(current)} schemas)"
    path.write_text(dumps_lock(new_lock), encoding="utf-8")
    return 0, "\n".join([f"schemas lock: wrote {path.name}:"] + [f"  {n}" for n in notes])
