"""Cleaning shared by every normaliser: one guarded entry for untrusted text.

Agency values arrive as text from CSV, JSON and SQL. Before any parsing they are checked and
tidied here, so each normaliser can rely on a short, printable, NFC string with ASCII digits:
- non-text is refused (a number from JSON has already lost leading zeros: `0812345678` -> 812345678);
- length is bounded (MAX_LENGTH) before any regex runs, so nothing can be slowed down by size;
- U+FFFD is refused with a hint: it means the file was decoded with the wrong encoding, usually
  TIS-620 / Windows-874 read as UTF-8, and the raw bytes must be re-read, not the text patched;
- control characters are refused, zero-width and other format characters (ZWSP is common in
  Thai text, BOMs in exports) are dropped, whitespace runs become one space;
- Thai digits ๐-๙ become 0-9 everywhere; SARA AM typed as two characters becomes one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Callable

from connectors.normalise.errors import NormaliseError

__all__ = ["MAX_LENGTH", "BLANKS", "clean", "fast_translation", "is_blank", "thai_digits_to_ascii"]

MAX_LENGTH = 200
BLANK_LENGTH = 20   # no placeholder for "nothing here" is longer

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Values agencies write in a field to say "nothing here".
BLANKS = frozenset(
    {"", "-", "--", "---", ".", "n/a", "na", "n.a.", "nil", "null", "none", "unknown", "?",
     "ไม่ระบุ", "ไม่ทราบ", "ไม่มี", "ไม่ปรากฏ", "-ไม่ระบุ-"}
)


def thai_digits_to_ascii(text: str) -> str:
    """Replace Thai digits ๐-๙ with ASCII 0-9 (other characters untouched)."""
    return text.translate(_THAI_DIGITS)


def is_blank(value: object) -> bool:
    """True for None and for the placeholders agencies use for a missing value.

    Mappings call this before a normaliser for optional fields: a blank is "not given",
    not an error. Non-text values other than None are not blank (the normaliser refuses them).
    """
    if value is None:
        return True
    if not isinstance(value, str) or len(value) > BLANK_LENGTH:
        return False
    return _is_blank_text(value)


@lru_cache(maxsize=4096, typed=True)  # called for every field read: the same few words come back
def _is_blank_text(value: str) -> bool:
    return " ".join(value.split()).strip().lower() in BLANKS


def clean(value: object, field: str, *, max_length: int = MAX_LENGTH) -> str:
    """Return `value` checked and tidied, or raise NormaliseError saying why not."""
    if not isinstance(value, str):
        raise NormaliseError(field, value, f"expected text, got {type(value).__name__}")
    if len(value) > max_length:
        raise NormaliseError(field, value, f"is {len(value)} characters long; at most {max_length} are accepted")
    if "\ufffd" in value:
        raise NormaliseError(
            field, value,
            "contains U+FFFD (replacement character): the source was decoded with the wrong "
            "encoding (TIS-620 / Windows-874 read as UTF-8?)",
        )
    text = unicodedata.normalize("NFC", value)
    plain, table = _clean_fast()
    tidied = text.translate(table) if plain.fullmatch(text) else _tidy_chars(text, field, value)
    # SARA AM typed as NIKHAHIT + SARA AA looks identical and is common in Thai data entry.
    text = " ".join(thai_digits_to_ascii(tidied).replace("\u0e4d\u0e32", "\u0e33").split())
    if not text:
        raise NormaliseError(field, value, "is empty")
    return text


def _tidy_chars(text: str, field: str, value: object) -> str:
    """The character rules of `clean`, one character at a time (the reference the fast path is built from)."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs" or ch in "\u2028\u2029\x85":
            out.append(" ")
        elif cat == "Cf":
            continue  # zero-width space/joiners, BOM, bidi marks, soft hyphen
        elif cat == "Co":
            raise NormaliseError(
                field, value, f"contains a private-use character U+{ord(ch):04X} (legacy Thai font glyph?)"
            )
        elif cat in ("Cc", "Cs", "Cn"):
            raise NormaliseError(field, value, f"contains a control or unassigned character U+{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


# The blocks agency text is written in: ASCII, Latin-1 and Latin Extended, combining marks, Thai,
# Lao, Myanmar, Khmer, Vietnamese Latin, general punctuation (dashes, quotes, zero-width and bidi
# marks), the ideographic space and the BOM. Text made only of these takes the fast path.
FAST_BLOCKS = ((0x09, 0x0D), (0x1C, 0x7E), (0x80, 0x24F), (0x300, 0x36F), (0xE00, 0xEFF), (0x1000, 0x109F),
               (0x1780, 0x17FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x3000, 0x3000), (0xFEFF, 0xFEFF))


def fast_translation(tidy: Callable[[str], str]) -> tuple[re.Pattern[str], dict[int, str | None]]:
    """What a per-character rule `tidy` (keep, replace, drop or raise) does to the characters of
    FAST_BLOCKS, as a pattern matching text made only of characters it accepts and the
    `str.translate` table applying it: `text.translate(table) == tidy(text)` for matching text."""
    accepted, table = [], {}
    for low, high in FAST_BLOCKS:
        for code in range(low, high + 1):
            ch = chr(code)
            try:
                out = tidy(ch)
            except NormaliseError:
                continue
            accepted.append(code)
            if out != ch:
                table[code] = out or None
    ranges: list[list[int]] = []
    for code in accepted:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]*"), table


@cache
def _clean_fast() -> tuple[re.Pattern[str], dict[int, str | None]]:
    return fast_translation(lambda ch: _tidy_chars(ch, "", ch))
