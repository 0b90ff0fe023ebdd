"""Latin letters for a name word in any script the hub meets, for matching keys only.

Thai script gets its RTGS romanisation (`romanise_thai`: the reviewed table, then the fallbacks);
Lao script is written in Thai letters first (the scripts spell the same sounds letter for letter:
`_lao.py`) and romanised as Thai, by the table and rules only (the model, trained on Thai words,
guesses worse on these: Lao sounds alike 0.97 by the rules, 0.88 with the model); Burmese and Khmer script get the Latin spelling their names are
usually written with (`_burmese.py`, `_khmer.py`: rules, no model, no runtime dependency). Latin
script is returned as it is. Everything here is a transliteration for `name_key` and the sound
key: none of it is an official spelling (only a passport or an agency's Latin field is).
"""

from __future__ import annotations

from functools import lru_cache

from connectors.normalise._burmese import burmese_to_latin
from connectors.normalise._khmer import khmer_to_latin
from connectors.normalise._lao import lao_as_thai
from connectors.normalise.scripts import Script, detect_script

__all__ = ["to_latin"]


@lru_cache(maxsize=65536)
def to_latin(word: str) -> str:
    """Latin letters for one written word ('' when none can be made); Burmese may give several
    words (one per syllable, as Burmese names are written in Latin: Aung San Suu Kyi)."""
    from connectors.normalise.names import romanise_thai  # names imports this module's users

    script = detect_script(word)
    if script is Script.THAI:
        return romanise_thai(word) or ""
    if script is Script.LAO:
        return romanise_thai(lao_as_thai(word), model=False) or ""
    if script is Script.MYANMAR:
        return burmese_to_latin(word)
    if script is Script.KHMER:
        return khmer_to_latin(word)
    if script is Script.MIXED:
        return " ".join(filter(None, (to_latin(part) for part in _runs(word))))
    return word


def _runs(word: str) -> list[str]:
    """A word cut where its script changes (a Thai title glued to a Latin name, and the like)."""
    from connectors.normalise.scripts import script_of_char

    runs: list[str] = []
    last = None
    for ch in word:
        script = script_of_char(ch) or last
        if runs and script == last:
            runs[-1] += ch
        else:
            runs.append(ch)
        last = script
    return runs
