"""Where the pseudonym key comes from: ``SANPALANG_PSEUDONYM_KEY`` (``Settings.pseudonym_key``), or
a random key generated once into ``$SANPALANG_HOME/pseudonym.key`` (mode 0600) and kept from then on,
so that tokens stay the same across restarts. The only I/O of ``streams.privacy``.

Changing the key changes every token: consumers then see new persons, cases and organisations.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from streams.privacy.tokens import check_key

if TYPE_CHECKING:
    from ops.settings import Settings

__all__ = ["KEY_FILE", "pseudonym_key"]

KEY_FILE = "pseudonym.key"


def pseudonym_key(settings: "Settings") -> bytes:
    """The HMAC key of consumer tokens (at least 32 bytes; a shorter configured key is refused)."""
    if settings.pseudonym_key:
        return check_key(settings.pseudonym_key.encode("utf-8"))
    path = Path(settings.home) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic, and never replaces a key another process made first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return check_key(path.read_text(encoding="ascii").strip().encode("ascii"))
