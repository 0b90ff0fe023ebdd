"""One written name field holding several names of one person: "Somchai @ Lek", "สมชาย หรือ เล็ก",
"สมชาย ใจดี (น้องมา)", "Aung Kyaw / Ko Aung".

Agencies write a person's nickname or other name in the same field as the name, marked by "@",
"หรือ" ("or"), "aka" / "alias", brackets, or a slash between two names. Each part is a name of the
same person: all of them are kept (the matcher compares every spelling of a person), none is
dropped, and the first is the name the record gives. A Thai nickname is often written with its
kinship word (น้องมา, พี่เล็ก: "younger sibling Ma", "elder sibling Lek"): that word says how the
writer addressed the person, not who they are, and is taken off an alias (never off the first
name: น้องนุช may be a name). A slash may also join the two columns of one name ("AUNG KYAW /
MOE": given / family), so the parts written together are kept as one more spelling.
"""

from __future__ import annotations

import re

__all__ = ["split_aliases", "ALIAS_MARKS"]

ALIAS_MARKS = frozenset("@()[]/")
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_SEPARATOR = re.compile(r"\s*(?:@|/|[()\[\]]|(?<!\S)(?:หรือ|aka|a\.k\.a\.|alias)(?!\S))\s*", re.IGNORECASE)
_KIN = ("น้อง", "พี่")


def split_aliases(text: str) -> tuple[str, ...]:
    """The names in one field, the record's own name first; the text itself when it holds one."""
    if not any(mark in text for mark in ALIAS_MARKS) and not _has_word_mark(text):
        return (text,)
    bracketed = _BRACKETED.findall(text)  # "Somchai (Lek) Jaidee": Lek, and Somchai Jaidee
    rest = " ".join(_BRACKETED.sub(" ", text).split())
    parts = [part.strip(" .,-") for part in (*_SEPARATOR.split(rest), *bracketed)]
    parts = [part for part in parts if part]
    names = parts[:1] + [_without_kin(part) for part in parts[1:]]
    if "/" in rest and len(parts) > 1 and not bracketed and not any(m in rest for m in "@") \
            and not _has_word_mark(rest):
        names.append(" ".join(parts))  # "AUNG KYAW / MOE" may be two name columns of one name
    return tuple(dict.fromkeys(name for name in names if name)) or (text,)


def _has_word_mark(text: str) -> bool:
    lowered = f" {text.lower()} "
    return " หรือ " in lowered or " aka " in lowered or " a.k.a. " in lowered or " alias " in lowered


def _without_kin(name: str) -> str:
    for kin in _KIN:
        rest = name[len(kin):].strip()
        if name.startswith(kin) and len(rest) >= 2 and " " not in rest:
            return rest
    return name
