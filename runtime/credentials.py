"""Passwords of the hub's Kafka principals (agency connectors, worker, console, consumers), and the
agencies' HTTP intake tokens.

Generated once per installation so that a local ``--sasl`` broker and the processes using it agree
without anyone typing a password: **one file per secret**, ``$SANPALANG_HOME/credentials/<name>``
(0600, the folder 0700), so that each process opens only its own (issue 11: a connector no longer
loads every principal's password and every agency's token). ``topics apply`` reads each
principal's to create its SCRAM user. A secret still in the single ``credentials.json`` of earlier
versions moves to its own file the first time it is asked for, and leaves that file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from pathlib import Path

from runtime.settings import Settings

__all__ = ["principal_password", "secret_path"]


def _folder(settings: Settings) -> Path:
    return settings.home / "credentials"


def secret_path(settings: Settings, principal: str) -> Path:
    """The file of one principal's secret (``http:police`` is the police intake's token)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.:-]{0,63}", principal):
        raise ValueError(f"not a principal name: {principal!r}")
    return _folder(settings) / principal.replace(":", "-")


def _write(path: Path, value: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    os.replace(tmp, path)


def _take_legacy(settings: Settings, principal: str) -> str | None:
    """The secret from the old shared ``credentials.json``, removed from it (the file goes when empty)."""
    legacy = settings.home / "credentials.json"
    if not legacy.exists():
        return None
    known: dict[str, str] = json.loads(legacy.read_text())
    value = known.pop(principal, None)
    if value is None:
        return None
    if known:
        tmp = legacy.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(known, out, indent=2, sort_keys=True)
        os.replace(tmp, legacy)
    else:
        legacy.unlink()
    return value


def principal_password(settings: Settings, principal: str) -> str:
    """The password (or token) of ``principal``, created on first use and kept from then on.
    Processes starting together (the demo's connectors) take a lock around the read and the write,
    so none loses another's new secret or reads a half-written file."""
    path = secret_path(settings, principal)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)
    with open(path.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path.read_text().strip()
        # hex, not urlsafe: a password beginning with "-" is taken for an option on a command line
        value = _take_legacy(settings, principal) or secrets.token_hex(24)
        _write(path, value)
        return value
