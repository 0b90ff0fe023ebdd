"""Passwords of the hub's Kafka principals (agency connectors, worker, console, consumers).

Generated once per installation into ``$SANPALANG_HOME/credentials.json`` (mode 0600) so that a
local ``--sasl`` broker and the processes using it agree without anyone typing a password.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from pathlib import Path

from ops.settings import Settings

__all__ = ["principal_password"]


def _store(settings: Settings) -> Path:
    return settings.home / "credentials.json"


def principal_password(settings: Settings, principal: str) -> str:
    """The password of ``principal``, created on first use and kept from then on. Processes
    starting together (the demo's connectors) take a lock around the read and the write, so none
    loses another's new password or moves its half-written file."""
    path = _store(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        if principal not in known:
            # hex, not urlsafe: a password beginning with "-" is taken for an option on a command line
            known[principal] = secrets.token_hex(24)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump(known, out, indent=2, sort_keys=True)
            os.replace(tmp, path)
        return known[principal]
