"""Idempotency-Keys claimed across the N processes of one HTTP intake (`connect --processes N`).

Following the siblings' receipts (`http_receipts`) answers a retry that arrives after the first
request was answered. A retry that arrives while the first is still under way in a sibling (a
caller that timed out on a loaded machine) would find no receipt and be published again. So a child
given a keyed request holds an exclusive lock on the key's stripe, one of 256 files in a folder the
N processes share (chosen by a digest of the key), from before it looks the key up until the
request's receipt is committed; a sibling given the same key waits for the lock, then catches up
with the receipts and answers with the first answer. Unrelated keys of one stripe wait for each
other for one request at most. A killed process's locks go with it (the kernel closes its files).
The files stay: removing a lock file races with a process about to lock it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

__all__ = ["KeyClaims"]

POLL_S = 0.005


class KeyClaims:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = folder

    def stripe(self, key: str) -> Path:
        return self.folder / hashlib.blake2b(key.encode(), digest_size=1).hexdigest()

    @contextlib.asynccontextmanager
    async def held(self, key: str) -> AsyncIterator[None]:
        """Hold ``key``'s stripe against every process (and every other request of this one)."""
        fd = os.open(self.stripe(key), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(POLL_S)
            yield
        finally:
            os.close(fd)
