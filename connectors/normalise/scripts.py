"""Which writing system a name is in: Thai, Latin, Myanmar, Khmer, Lao, Mixed or Other.

The script decides what can be done with a name: Thai script can be romanised (RTGS) and
folded for matching, Latin is folded directly, Myanmar, Khmer and Lao script are kept as
written (no offline romaniser is reliable for them) and matched only on exact text. Counting
letters by Unicode block is enough: these scripts do not share blocks.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

__all__ = ["Script", "detect_script", "script_of_char"]


class Script(StrEnum):
    THAI = "Thai"
    LATIN = "Latin"
    MYANMAR = "Myanmar"
    KHMER = "Khmer"
    LAO = "Lao"
    MIXED = "Mixed"  # letters of two or more scripts
    OTHER = "Other"  # letters of another script only, or no letters


_RANGES = (
    (0x0041, 0x024F, Script.LATIN),  # Basic Latin letters to Latin Extended-B (non-letters filtered)
    (0x1E00, 0x1EFF, Script.LATIN),  # Latin Extended Additional (Vietnamese)
    (0x0E00, 0x0E7F, Script.THAI),
    (0x0E80, 0x0EFF, Script.LAO),
    (0x1000, 0x109F, Script.MYANMAR),
    (0xA9E0, 0xA9FF, Script.MYANMAR),  # Myanmar Extended-B
    (0xAA60, 0xAA7F, Script.MYANMAR),  # Myanmar Extended-A
    (0x1780, 0x17FF, Script.KHMER),
    (0x19E0, 0x19FF, Script.KHMER),  # Khmer symbols
)


def script_of_char(ch: str) -> Script | None:
    """The script of one letter or mark, None for other characters (digits, spaces, punctuation)."""
    try:
        return _BY_CHAR[ch]
    except KeyError:
        pass
    script = _script_of_char(ch)
    if len(_BY_CHAR) < _MAX_CHARS:
        _BY_CHAR[ch] = script
    return script


def _script_of_char(ch: str) -> Script | None:
    if not ch.isalpha() and not unicodedata.category(ch).startswith("M"):
        return None
    code = ord(ch)
    for low, high, script in _RANGES:
        if low <= code <= high:
            return script
    return Script.OTHER


# Each character's script, worked out once: a name is a handful of distinct characters.
_BY_CHAR: dict[str, Script | None] = {}
_MAX_CHARS = 20_000


def detect_script(text: str) -> Script:
    """The one script all letters of `text` are written in, or MIXED / OTHER."""
    found = set(map(script_of_char, set(text)))
    found.discard(None)
    if len(found) == 1:
        return found.pop()  # type: ignore[return-value]
    return Script.MIXED if len(found) > 1 else Script.OTHER
