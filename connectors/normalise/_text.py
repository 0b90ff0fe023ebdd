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

import unicodedata

from connectors.normalise.errors import NormaliseError

__all__ = ["MAX_LENGTH", "BLANKS", "clean", "is_blank", "thai_digits_to_ascii"]

MAX_LENGTH = 200

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
    if not isinstance(value, str) or len(value) > 20:
        return False
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
    out = []
    for ch in unicodedata.normalize("NFC", value):
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
    # SARA AM typed as NIKHAHIT + SARA AA looks identical and is common in Thai data entry.
    text = " ".join(thai_digits_to_ascii("".join(out)).replace("\u0e4d\u0e32", "\u0e33").split())
    if not text:
        raise NormaliseError(field, value, "is empty")
    return text
