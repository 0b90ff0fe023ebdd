"""Passwords of the hub's Kafka principals (agency connectors, worker, console, consumers), and the
digests of the agencies' HTTP intake tokens.

Generated once per installation so that a local ``--sasl`` broker and the processes using it agree
without anyone typing a password: **one file per secret**, ``$SANPALANG_HOME/credentials/<name>``
(0600, the folder 0700), so that each process opens only its own (issue 11: a connector no longer
loads every principal's password and every agency's token). ``topics apply`` reads each
principal's to create its SCRAM user. A secret still in the single ``credentials.json`` of earlier
versions moves to its own file the first time it is asked for, and leaves that file.

An HTTP intake token is kept only as its SHA-256 (``credentials/http-<agency>`` holds
``sha256:<hex>``): the connector needs to recognise a token, never to present one, so a copy of
the folder gives nobody a token to send. The clear token exists once, when ``issue_intake_token``
makes it, and goes to whoever sends records (``sanpalang connect AGENCY --new-token`` prints it;
the demo hands its feeders theirs in files of their own). 192 random bits leave no dictionary to
attack, so a plain SHA-256 is enough (the console's API tokens are kept the same way). A file of an
earlier version holding a clear token is replaced by its digest the first time it is read.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Iterator

from runtime.settings import Settings

__all__ = ["intake_token_digest", "issue_intake_token", "principal_password", "secret_path", "token_digest",
           "token_matches", "write_private"]

DIGEST_PREFIX = "sha256:"


def _folder(settings: Settings) -> Path:
    return settings.home / "credentials"


def secret_path(settings: Settings, principal: str) -> Path:
    """The file of one principal's secret (``http:police`` is the police intake's token)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.:-]{0,63}", principal):
        raise ValueError(f"not a principal name: {principal!r}")
    return _folder(settings) / principal.replace(":", "-")


def write_private(path: Path, value: str) -> None:
    """``value`` and a newline into ``path``, 0600 from its creation, renamed into place."""
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
    """The Kafka password of ``principal``, created on first use and kept from then on.
    Processes starting together (the demo's connectors) take a lock around the read and the write,
    so none loses another's new secret or reads a half-written file. Intake tokens are not read
    back: they are issued (``issue_intake_token``)."""
    if principal.startswith("http:"):
        raise ValueError(f"{principal} is an intake token, kept only as its digest: issue_intake_token")
    path = secret_path(settings, principal)
    with _locked(path.parent):
        if path.exists():
            return path.read_text().strip()
        # hex, not urlsafe: a password beginning with "-" is taken for an option on a command line
        value = _take_legacy(settings, principal) or secrets.token_hex(24)
        write_private(path, value)
        return value


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The credentials folder (0700) held under its lock file."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def token_digest(token: str) -> str:
    """What is kept of an intake token: ``sha256:<hex>``."""
    return DIGEST_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, digest: str) -> bool:
    """Whether a presented token is the one ``digest`` was made from (constant-time)."""
    return bool(token) and hmac.compare_digest(token_digest(token).encode(), digest.encode())


def issue_intake_token(settings: Settings, agency: str) -> str:
    """A new bearer token for ``agency``'s HTTP intake: its digest replaces the previous one (which
    stops working once the connector restarts), and the clear token is returned, never stored."""
    path = secret_path(settings, f"http:{agency}")
    token = secrets.token_hex(24)
    with _locked(path.parent):
        _take_legacy(settings, f"http:{agency}")     # an old clear token must not outlive the new one
        write_private(path, token_digest(token))
    return token


def intake_token_digest(settings: Settings, agency: str) -> str | None:
    """The digest of ``agency``'s intake token, None when none was issued. A clear token of an
    earlier version (its own file or the old shared one) is replaced by its digest here."""
    path = secret_path(settings, f"http:{agency}")
    with _locked(path.parent):
        stored = path.read_text().strip() if path.exists() else _take_legacy(settings, f"http:{agency}")
        if stored is None:
            return None
        if not stored.startswith(DIGEST_PREFIX):
            stored = token_digest(stored)
            write_private(path, stored)
        return stored
