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
from pathlib import Path

__all__ = ["private_home"]


def private_home(home: Path) -> None:
    try:
        if home.is_dir() and home.stat().st_uid == os.getuid():
            home.chmod(0o700)
    except OSError:          # a home we may not change is reported by whatever uses it
        pass
