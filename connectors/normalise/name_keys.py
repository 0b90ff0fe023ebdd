"""A folding key for matching names across agencies' ad-hoc romanisations.

Each agency romanises Thai, Burmese, Khmer and Lao names its own way. `name_key` maps the common
variants onto one key so the person matcher can block and compare on it. It is deliberately
small and predictable (a fixed list of rewrites, applied in order, per word) rather than a
phonetic algorithm: an operator must be able to see why two names met.

1. Thai script is romanised first (RTGS, `romanise_thai`), Lao script as Thai, Burmese and Khmer
   script by their usual Latin spellings (`transliterate.to_latin`); accents are removed
   (Nguyễn -> nguyen); only a-z remain, words split on spaces, hyphens and dots.
2. Aspirates: ph -> p, th -> t, kh -> k           (Phongsak / Pongsak, Suthep / Sutep)
3. ch -> c and j -> c                             (Jaidee / Chaidi, RTGS "ch" for จ)
4. v -> w                                         (Vichai / Wichai)
5. y after a vowel, not before one -> i           (Somchay / Somchai)
6. w after a vowel, not before one -> u           (Kyaw / Kyau)
7. Long vowels: ee, ii -> i ; oo, ou, uu -> u     (Jaidee / Jaidi, Somboon / Sombun, Souk / Suk)
8. Doubled letters once                           (Nattapong / Natapong)
The rules are repeated until the word no longer changes, so a key is its own key.

Pairs that do NOT fold, on purpose (folding them would merge distinct names): e/i
(Thida / Theda), o/oe (Mo / Moe), a final -r or -n (Thandar / Thanda), r/l, and joined versus
split words (Aungkyaw / Aung Kyaw). A name with no letters of these scripts (Chinese, Arabic ...)
has no key and is refused: match those on the exact text or their Latin spelling.
Word order is kept; `order_free=True` sorts the words, for given/family swaps.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from connectors.normalise._text import clean
from connectors.normalise.errors import NormaliseError
from connectors.normalise.scripts import Script, script_of_char
from connectors.normalise.transliterate import to_latin

__all__ = ["name_key"]

_VOWELS = "aeiou"
_WORD_SPLIT = re.compile(r"[\s\-.]+")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "p"), (r"th", "t"), (r"kh", "k"),
        (r"ch", "c"), (r"j", "c"),
        (r"v", "w"),
        (rf"(?<=[{_VOWELS}])y(?![{_VOWELS}])", "i"),
        (rf"(?<=[{_VOWELS}])w(?![{_VOWELS}])", "u"),
        (r"ee|ii", "i"), (r"oo|ou|uu", "u"),
        (r"([a-z])\1+", r"\1"),
    )
)


def name_key(value: str, *, order_free: bool = False, field: str = "name") -> str:
    """The matching key of a name (lower-case ASCII words, folded as described above)."""
    text = clean(value, field)
    words = [key for word in _WORD_SPLIT.split(text) for key in _word_key(word).split() if key]
    if not words:
        raise NormaliseError(field, value, "has no Latin, Thai, Lao, Burmese or Khmer letters to build a matching key from")
    return " ".join(sorted(words) if order_free else words)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    """The folded key of one cleaned word (several words for a Burmese word of several
    syllables), '' when no Latin letter is left. Cached: names are made of a few thousand common
    words, and romanising and folding one costs ~25 us."""
    if any(script_of_char(c) not in (Script.LATIN, None) for c in word):
        word = to_latin(word)
    keys = []
    for part in word.split():
        ascii_word = "".join(c for c in unicodedata.normalize("NFKD", part.lower()) if "a" <= c <= "z")
        if ascii_word:
            keys.append(_fold(ascii_word))
    return " ".join(keys)


def _fold(word: str) -> str:
    """Apply the rules until nothing changes, so that a key folds to itself."""
    while True:
        folded = word
        for pattern, replacement in _RULES:
            folded = pattern.sub(replacement, folded)
        if folded == word:
            return word
        word = folded
