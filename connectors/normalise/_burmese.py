"""Burmese script in the Latin letters Burmese names are usually written with.

Not a standard (MLCTS or BGN/PCGN would write Aung San Suu Kyi "aung hcan: cu. krany"): the
spelling Myanmar passports, the press and Thai agencies use, syllable by syllable: each written
syllable becomes one Latin word (Aung San Suu Kyi), except syllables joined by a stacked
consonant (နန္ဒာ, one Pali word: Nanda). A syllable is an initial consonant, its medials
(ျ ြ y, ွ w, ှ h), vowel signs, a final consonant killed by ် and tone marks (dropped).

- initials as names write them: သ th, ထ ht, ဆ s, စ s, ဇ z, ည ny, ရ y, အ nothing (a vowel follows);
  ကျ/ကြ ky, ချ/ခြ ch, လှ hl, နှ hn, ရှ sh, ရွှ shw;
- open vowels: ာ a, ိ ီ i, ု ူ u, ေ e, ဲ e, ော aw, ို o, ံ an; the bare consonant is a;
- finals by vowel: ောင် aung, ိုင် aing, ိန် ein, ွန် un, ုန် on, င် in, န် an, မ် an, ည် i,
  က် et, ောက် auk, ိုက် aik, တ် at, ပ် at, စ် it, ယ် e; a nasal final with the creaky tone ့
  gains the t names write (မြင့် Myint, သန့် Thant, ညွန့် Nyunt).
The Latin is a transliteration for matching, never an official spelling.
"""

from __future__ import annotations

__all__ = ["burmese_to_latin"]

_INITIALS = {
    "က": "k", "ခ": "kh", "ဂ": "g", "ဃ": "g", "င": "ng", "စ": "s", "ဆ": "s", "ဇ": "z", "ဈ": "z",
    "ည": "ny", "ဉ": "ny", "ဋ": "t", "ဌ": "ht", "ဍ": "d", "ဎ": "d", "ဏ": "n", "တ": "t", "ထ": "ht",
    "ဒ": "d", "ဓ": "d", "န": "n", "ပ": "p", "ဖ": "ph", "ဗ": "b", "ဘ": "b", "မ": "m", "ယ": "y",
    "ရ": "y", "လ": "l", "ဝ": "w", "သ": "th", "ဟ": "h", "ဠ": "l", "အ": "",
}
_INDEPENDENT = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw", "ဿ": "th"}
_Y_MEDIAL = {"k": "ky", "kh": "ch", "g": "gy", "": "y", "y": "y"}
_H_MEDIAL = {"l": "hl", "n": "hn", "m": "hm", "ny": "hny", "y": "sh", "w": "hw", "ng": "hng"}
# (vowel signs, final consonant) -> rhyme; final "" is an open syllable
_RHYMES = {
    ("", ""): "a", ("ာ", ""): "a", ("ါ", ""): "a", ("ိ", ""): "i", ("ီ", ""): "i", ("ု", ""): "u",
    ("ူ", ""): "u", ("ေ", ""): "e", ("ဲ", ""): "e", ("ော", ""): "aw", ("ေါ", ""): "aw", ("ို", ""): "o",
    ("ံ", ""): "an", ("ုံ", ""): "on", ("ိံ", ""): "ein",
    ("ော", "င"): "aung", ("ေါ", "င"): "aung", ("ို", "င"): "aing", ("", "င"): "in", ("ိ", "န"): "ein",
    ("ု", "န"): "on", ("", "န"): "an", ("", "မ"): "an", ("ိ", "မ"): "ein", ("ု", "မ"): "on",
    ("", "ည"): "i", ("", "ဉ"): "in", ("", "က"): "et", ("ော", "က"): "auk", ("ေါ", "က"): "auk",
    ("ို", "က"): "aik", ("", "တ"): "at", ("ိ", "တ"): "eik", ("ု", "တ"): "ok", ("", "ပ"): "at",
    ("ိ", "ပ"): "eik", ("ု", "ပ"): "ok", ("", "စ"): "it", ("", "ယ"): "e", ("", "ဏ"): "an",
    ("ော", ""): "aw", ("ေါ", ""): "aw",
}
_VOWEL_SIGNS = "ါာိီုူေဲံ"
_TONES = "့း"
_ASAT = "်"
_VIRAMA = "္"
_MEDIALS = "ျြွှ"


def burmese_to_latin(text: str) -> str:
    """Burmese-script text (a name) in usual Latin spelling, one word per syllable."""
    return " ".join(filter(None, (_word(part) for part in text.split())))


def _word(text: str) -> str:
    syllables = _syllables(text)
    words: list[str] = []
    for latin, stacked in syllables:
        if stacked and words:
            words[-1] += latin  # joined to the syllable before by a stacked consonant
        elif latin:
            words.append(latin)
    return " ".join(words)


def _syllables(text: str) -> list[tuple[str, bool]]:
    """(Latin, joined to the syllable before) for each syllable of one written word."""
    out: list[tuple[str, bool]] = []
    i, n, stacked = 0, len(text), False
    while i < n:
        ch = text[i]
        if ch in _INDEPENDENT:
            latin, i = _INDEPENDENT[ch], i + 1
            while i < n and (text[i] in _TONES or text[i] in _VOWEL_SIGNS):
                i += 1
            out.append((latin, stacked))
            stacked = False
            continue
        if ch not in _INITIALS:
            i += 1  # a stray sign, or a letter of another script
            continue
        onset, i = _INITIALS[ch], i + 1
        medials = ""
        while i < n and text[i] in _MEDIALS:
            medials += text[i]
            i += 1
        vowels = ""
        while i < n and (text[i] in _VOWEL_SIGNS or text[i] in _TONES):
            vowels += text[i]
            i += 1
        final, creaky, next_stacked = "", "့" in vowels, False
        j = i + 1
        while j < n and text[j] in _TONES:  # မြင့်: the creaky tone is often typed before the asat
            j += 1
        if i < n and j < n and text[i] in _INITIALS and text[j] in (_ASAT, _VIRAMA):
            final = text[i]
            creaky |= "့" in text[i + 1:j]
            next_stacked = text[j] == _VIRAMA
            i = j + 1
            while i < n and (text[i] in _TONES or text[i] in _VOWEL_SIGNS):
                creaky |= text[i] == "့"
                i += 1
        out.append((_syllable(onset, medials, vowels, final, creaky), stacked))
        stacked = next_stacked
    return out


def _syllable(onset: str, medials: str, vowels: str, final: str, creaky: bool) -> str:
    if "ျ" in medials or "ြ" in medials:
        onset = _Y_MEDIAL.get(onset, onset + "y")
    if "ှ" in medials:
        onset = _H_MEDIAL.get(onset, "h" + onset)
    vowel = "".join(ch for ch in vowels if ch not in _TONES)
    if vowel.startswith("ေ") and len(vowel) > 1:
        vowel = "ေ" + "".join(sorted(vowel[1:]))
    if "ွ" in medials:
        if final in ("န", "မ", "တ", "ပ"):
            rhyme = {"န": "un", "မ": "un", "တ": "ut", "ပ": "ut"}[final]
            return onset + rhyme + ("t" if creaky and rhyme.endswith("n") else "")
        onset += "w"
    rhyme = _RHYMES.get((vowel, final))
    if rhyme is None:
        rhyme = _RHYMES.get((vowel, ""), "a") + ("n" if final in "နမငဏဉ" and final else "")
    if creaky and final and rhyme.endswith("n"):
        rhyme += "t"
    return onset + rhyme
