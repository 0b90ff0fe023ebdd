"""Khmer script in the Latin letters Khmer names are usually written with.

Khmer spells one vowel sign two ways by the consonant before it: the first series (ក ខ ច ...)
and the second (គ ឃ ជ ...) read ុ as o and u, ី as ei and i, ា as a and ea (សុខ Sok, ហ៊ុន Hun,
ស្រី Srey, ស៊ីម Sim, ជា Chea). Two marks move a consonant to the other series: ៉ to the first
(ប៉ុល Pol, ម៉ៅ Mao), ៊ to the second (ហ៊ុន Hun). The spellings chosen are those of Cambodian
passports and the press (French-influenced: ch, chh, nh, ea), not UNGEGN's: Hun Sen, Sok An.

A written word is read syllable by syllable: an onset consonant (with a subscript consonant after
the coeng ្ at the start of a word: ប្រាក់ Prak, ស្រី Srey), its series mark, its vowel signs, and a
final consonant when the next consonant does not start a syllable of its own (it is followed by a
coeng, by the end, or by a consonant that carries a vowel: ចន្ថា chan-tha, កុសល ko-sal). A
syllable without a vowel sign has the inherent vowel: a, or o when a second-series consonant is
closed by a final (ពត Pot). A subscript consonant ending a word is silent (ពេជ្រ Pech).
The Latin is a transliteration for matching, never an official spelling.
"""

from __future__ import annotations

__all__ = ["khmer_to_latin"]

_FIRST = dict(zip("កខចឆដឋណតថបផសហឡអ", ("k", "kh", "ch", "chh", "d", "th", "n", "t", "th", "b", "ph",
                                             "s", "h", "l", "")))
_SECOND = dict(zip("គឃងជឈញឌឍទធនពភមយរលវ", ("k", "kh", "ng", "ch", "chh", "nh", "d", "th", "t", "th",
                                                "n", "p", "ph", "m", "y", "r", "l", "v")))
_FINALS = dict(zip("កខគឃងចជញដណតថទធនបផពភមយរលវសហឡអ",
                   ("k", "k", "k", "k", "ng", "ch", "ch", "nh", "t", "n", "t", "t", "t", "t", "n", "p", "p",
                    "p", "p", "m", "y", "r", "l", "v", "s", "h", "l", "")))
# vowel signs (as typed, in order) -> (first series, second series)
_VOWELS = {
    "ា": ("a", "ea"), "ិ": ("e", "i"), "ី": ("ei", "i"), "ឹ": ("e", "i"), "ឺ": ("eu", "eu"),
    "ុ": ("o", "u"), "ូ": ("o", "u"), "ួ": ("uo", "uo"), "ើ": ("aeu", "eu"), "ឿ": ("oea", "eua"),
    "ៀ": ("ie", "ie"), "េ": ("e", "e"), "ែ": ("ae", "ae"), "ៃ": ("ai", "ey"), "ោ": ("ao", "o"),
    "ៅ": ("au", "ov"), "ុំ": ("om", "um"), "ំ": ("am", "um"), "ាំ": ("am", "oam"), "ះ": ("ah", "eah"),
    "ៈ": ("a", "ea"), "ុះ": ("oh", "uh"), "េះ": ("eh", "eh"), "ោះ": ("aoh", "oh"), "ិះ": ("eh", "ih"),
}
_INDEPENDENT = {"ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឩ": "ou", "ឪ": "au", "ឫ": "rue", "ឬ": "rue",
                "ឭ": "lue", "ឮ": "lue", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao", "ឳ": "au"}
_SIGNS = frozenset("ាិីឹឺុូួើឿៀេែៃោៅំះៈ")
_TO_FIRST, _TO_SECOND, _COENG = "៉", "៊", "្"
_SILENT = frozenset("់៌៍៎៏័៑៝ៗ")


def khmer_to_latin(text: str) -> str:
    """Khmer-script text (a name) in usual Latin spelling, word by word."""
    return " ".join(filter(None, (_word(part) for part in text.split())))


def _consonant(ch: str) -> bool:
    return ch in _FIRST or ch in _SECOND


def _word(text: str) -> str:
    chars = [c for c in text if c not in _SILENT]
    out, i, n = [], 0, len(chars)
    while i < n:
        ch = chars[i]
        if ch in _INDEPENDENT:
            out.append(_INDEPENDENT[ch])
            i += 1
            continue
        if not _consonant(ch):
            i += 1
            continue
        second = ch in _SECOND
        onset = _SECOND.get(ch) if second else _FIRST[ch]
        i += 1
        if not out and i + 1 < n and chars[i] == _COENG and _consonant(chars[i + 1]):
            sub = chars[i + 1]  # a cluster at the start of the word: ប្រ pr, ស្រ sr
            onset = ("p" if onset == "b" else onset) + (_FIRST.get(sub) or _SECOND[sub])
            i += 2
        if i < n and chars[i] in (_TO_FIRST, _TO_SECOND):
            second = chars[i] == _TO_SECOND
            onset = "p" if onset == "b" and not second else onset
            i += 1
        signs = ""
        while i < n and chars[i] in _SIGNS:
            signs += chars[i]
            i += 1
        final, i = _final(chars, i)
        out.append(onset + _vowel(signs, second, bool(final)) + final)
    return "".join(out)


def _final(chars: list[str], i: int) -> tuple[str, int]:
    """The final consonant closing the syllable at i, if the next consonant is one; and where the
    next syllable starts (a word-final subscript is skipped: it is silent)."""
    n = len(chars)
    if i >= n or not _consonant(chars[i]):
        return "", i
    after = chars[i + 1] if i + 1 < n else ""
    if after in (_TO_FIRST, _TO_SECOND) or after in _SIGNS:
        return "", i  # the consonant carries a vowel: it starts the next syllable
    if after == _COENG:
        j = i + 3
        while j + 1 < n and chars[j] == _COENG:
            j += 2  # a subscript ending the word (ពេជ្រ, សុភ័ក្ត្រ) is silent
        return _FINALS[chars[i]], (j if j >= n else i + 2)
    if after and _consonant(after):
        third = chars[i + 2] if i + 2 < n else ""
        if not (third in _SIGNS or third in (_TO_FIRST, _TO_SECOND, _COENG)):
            return "", i  # C C(end) or C C C: the consonant opens a syllable closed by the next (ko-sal)
    return _FINALS[chars[i]], i + 1


def _vowel(signs: str, second: bool, closed: bool) -> str:
    if not signs:
        return "o" if second and closed else "a"
    if signs in _VOWELS:
        return _VOWELS[signs][second]
    return "".join(_VOWELS.get(s, ("", ""))[second] for s in signs)
