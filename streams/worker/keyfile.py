"""Where the pseudonym key comes from: ``SANPALANG_PSEUDONYM_KEY`` (``Settings.pseudonym_key``), or
a random key generated once into ``$SANPALANG_HOME/pseudonym.key`` (mode 0600) and kept from then on,
so that tokens stay the same across restarts. The worker's, kept out of the pure ``streams.privacy``.

Changing the key changes every token: consumers then see new persons, cases and organisations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runtime.private import generated_key
from streams.privacy.tokens import check_key

if TYPE_CHECKING:
    from runtime.settings import Settings

__all__ = ["KEY_FILE", "pseudonym_key"]

KEY_FILE = "pseudonym.key"


def pseudonym_key(settings: "Settings") -> bytes:
    """The HMAC key of consumer tokens (at least 32 bytes; a shorter configured key is refused)."""
    if settings.pseudonym_key:
        return check_key(settings.pseudonym_key.encode("utf-8"))
    return check_key(generated_key(Path(settings.home) / KEY_FILE))
