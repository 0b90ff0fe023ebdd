"""One agency's sources shared by N connector processes without overlap (pure decisions).

``sanpalang connect AGENCY --processes N`` runs N children, child ``i`` of ``N`` holding a
``Share(i, N)``. What each source kind does with it:

* **SQL polling**: child ``i`` publishes the rows whose key hashes to ``i`` (``shard_of``: CRC-32
  of the key's text, stable across processes, releases and machines, unlike Python's ``hash``),
  or, for a table keyed by one integer column, whose key modulo N is ``i``, asked for in the query
  (``sqlpoll.modulo_share``); under a checkpoint of its own (``source_id``), so each child has its
  own watermark.
* **File drop**: a child claims a finished file by renaming it into ``claimed/p<i>of<N>/`` (one
  rename of a name succeeds, the others find it gone), and reads it only from there.
* **HTTP intake**: every child listens on the same port (``SO_REUSEPORT``); the kernel spreads
  the connections.

Each child has its own transactional id (``instance``). With ``N = 1`` every name is the one a
single process always had, so existing checkpoints and transactional ids stay valid.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

__all__ = ["CLAIMED", "Share", "shard_of"]

CLAIMED = "claimed"
_SUFFIX = re.compile(r"p(\d+)of(\d+)")


def shard_of(key: str, count: int) -> int:
    """The child (0 .. count-1) that owns ``key``: CRC-32 of its UTF-8 bytes, modulo ``count``."""
    return zlib.crc32(key.encode("utf-8")) % count


@dataclass(frozen=True)
class Share:
    """Child ``index`` of ``count`` connector processes of one agency."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"process {self.index} of {self.count}: need 0 <= index < count")

    @property
    def shared(self) -> bool:
        return self.count > 1

    @property
    def suffix(self) -> str:
        return f"p{self.index}of{self.count}"

    def owns(self, key: str) -> bool:
        return not self.shared or shard_of(key, self.count) == self.index

    def instance(self, name: str) -> str:
        """The instance name (in the transactional id) of this child: ``name`` itself when alone."""
        return f"{name}-{self.suffix}" if self.shared else name

    def source_id(self, source_id: str) -> str:
        """This child's checkpoint key for a source whose position is its own (SQL watermarks)."""
        return f"{source_id}#{self.suffix}" if self.shared else source_id

    def claim_folder(self) -> str | None:
        """Where, under the drop, this child's claimed files wait (None when alone: no claiming)."""
        return f"{CLAIMED}/{self.suffix}" if self.shared else None

    @staticmethod
    def of_folder(name: str) -> Share | None:
        """The share a ``claimed/`` subfolder belongs to, or None if the name is not one of ours."""
        match = _SUFFIX.fullmatch(name)
        if not match:
            return None
        try:
            return Share(int(match.group(1)), int(match.group(2)))
        except ValueError:
            return None

    def siblings(self) -> list[Share]:
        return [Share(i, self.count) for i in range(self.count)]
