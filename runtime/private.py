"""State is the hub's own: `SANPALANG_HOME` 0700 (issue 11).

The hub's state holds victim data and secrets: the SQLite views (`hub.db` with its `-wal` and
`-shm`), the local broker's log segments (full intake records), the correlator's snapshots, the
generated credentials and keys. The CLI runs every command with umask 077 (`ops/cli.py`), so what
it creates, and what the processes it starts create, is readable by the hub's user only;
`private_home` also makes a `SANPALANG_HOME` that exists already 0700, so nothing below it can be
reached by another local user even where an older file there is still 0644.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["generated_key", "private_home"]


def private_home(home: Path) -> None:
    try:
        if home.is_dir() and home.stat().st_uid == os.getuid():
            home.chmod(0o700)
    except OSError:          # a home we may not change is reported by whatever uses it
        pass


def generated_key(path: Path) -> bytes:
    """The key in ``path`` (64 hex characters), made on first use: written 0600 under another name
    and linked into place, so it is never seen half-written and never replaces a key another
    process made first."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")
