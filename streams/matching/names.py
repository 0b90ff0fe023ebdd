"""Name folding for the matcher, beyond `name_key`: titles dropped, and a sound key.

`fold_name(text)`: `name_key` (Thai script romanised by RTGS, Somchai / Somchay, ph / p ...)
after dropping a leading title: Thai นาย, นาง, นางสาว, เด็กชาย, เด็กหญิง, ด.ช., ด.ญ. (often glued to
the name: นายสมชาย), and in Latin script Mr, Mrs, Ms, Miss, the Burmese U, Daw, Mg, Ma, Ko, Naw
and Thai Nai / Nang / Nangsao romanised. A title says nothing about who someone is, and
agencies write it one time in three; a title alone is kept (it is then the only name there is).

`sound_key(folded)`: one word per name word, for the spellings `name_key` leaves apart on purpose
because folding them into the key would merge distinct names, but which are the same name often
enough across agencies to be a comparison level of their own (weighed by its own m and u):
- Burmese, Khmer and Lao romanisations: ky / gy / c / j / x / z / sh are one sound (Kyaw, Chaw;
  Xayavong, Sayavong, Chaiwong), h is dropped (Htun / Tun, Phommachanh / Phommachan);
- -ng is -n (Aung / Aun, Hengyan / Hein Yan, Nongong / Nong Ong), and so is -nt at the end of a
  word or before a consonant (Thant / Than), but not before a vowel, where the t starts the next
  syllable (Ninthida is Nin Thida, "nintida" written apart or together), y is a vowel (Myint / Mint), an -r
  after a vowel and before a consonant or the end is silent (Sandar / Sanda, Myar / Mya: Thai
  script cannot write it; Thidarkhinn / Thida Khinn, Porn / RTGS Phon), and so is the
  Lao (French-style) -e after -n or -m at the end of a word or before a consonant (Phetsamone /
  Phetsamon, Khamsone / Khamson; glued: Khinemoh / Khine Moh);
- a w between a consonant and a vowel is a vowel too, u (the Burmese medial w: Htwe, Nwe, Lwin),
  as y is i: Thai script writes Htwe เทว, which RTGS romanises "Theo" (เ-ว is "eo"), and the glide
  is then the o of the vowel run;
- every run of vowels is one of three: o if it holds an o or u (Soe / So, Zaw / Zo, Aung / Ong),
  else i if it holds an i or e (Thein / Thin, Chai / Xay), else a.
Two names "sound alike" when their sound words agree in any order, or written together in any
order (Soemyint Zin / Soe Myint Zin, Thidacho / Choe Thida). One name's sound words all among
the other's is not enough: on the training seeds' persons that held for 2 pairs of one person
and 900 pairs of two (Tin Kyaw / Soh Lin Tinn; Burmese names are a few common syllables), and
a dropped word of the same spelling is the name level "subset" already. Written together, a lone vowel word joins the vowel
before it and a letter doubled at the boundary is one, as in the joined word (Choaey / Cho Aye:
"so" + "i" is "so"; Khantnaing / Khant Naing: "kan" + "nin" is "kanin").
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import permutations

from connectors.normalise import NormaliseError, name_key

__all__ = ["fold_name", "fold_name_forms", "NAME_SYLLABLE_TITLES", "sound_key", "sound_profile", "sound_profiles_agree", "sounds_alike", "joined_sounds", "TITLES_LATIN", "TITLES_THAI"]

TITLES_THAI = ("เด็กชาย", "เด็กหญิง", "นางสาว", "นาง", "นาย", "ด.ช.", "ด.ญ.", "น.ส.")
# as `name_key` folds them (Daw -> dau, Miss -> mis, Naw -> nau)
TITLES_LATIN = frozenset({"mr", "mrs", "ms", "mis", "mister", "u", "dau", "mg", "ma", "ko", "nau",
                          "nai", "nang", "nangsao", "nangsau"})
# what a sound word's vowels and doubled letters fold to; applied again where words are joined
NAME_SYLLABLE_TITLES = frozenset({"u", "ko", "ma"})  # Burmese titles that are name syllables too
_JOIN_RULES = tuple((re.compile(p), r) for p, r in (
    (r"[aeiu]*[ou][aeiou]*", "o"), (r"[aei]*[ei][aei]*", "i"), (r"a+", "a"), (r"([a-z])\1+", r"\1"),
))
_VOWEL_SOUNDS = frozenset("aio")
# The six folds of Thai names' Latin habits (issue 15), before the sound rules that follow:
# bh / dh are RTGS ph / th (Abhisit / Aphisit, Yongchaiyudh); an r closing a word after a
# consonant is silent (Prawitr / Prawit); a final l is n (Thanaphol / Thanaphon); er before a
# consonant or the end is oe (Prasert / Prasoet, Chalerm / Chaloem, Boonkerd / Bunkoet); a final d,
# ch or j is t (Surayud / Surayut, Nadech / Nadet, Pairoj / Phairot, Anand / Anan); g is k except in
# ng (Boonyaratglin / Bunyaratkalin, Kugimiya / Khukimiya). ae is NOT folded to a: Lao Khamphaeng /
# Khampheng and Thai Daeng / Dang stay apart.
# Four more, measured on `sanpalang bench names` (no new false joins on 100,000 pairs of distinct
# corpus names): RTGS writes ศร / สร as s where people write sr (Srisuk / Sisuk, Pensri / Phensi); a
# b or d closing a syllable is p or t (Kobsak / Kopsak, Chidchob / Chitchop); t before s or ch is
# the RTGS spelling of one consonant ending a syllable and starting the next (Atsani / Asanee,
# Wetchachiwa / Vejjajiva); "uck" is the English spelling of ัก (Yingluck / Yinglak, Somluck); a
# final s is the t RTGS writes for a final ส / ศ / ษ (Prapas / Praphat), and a final tch / tj one t
# (Petch / Phet).
_THAI_HABITS = (
    (r"bh", "p"), (r"dh", "t"),
    (r"(?<=[b-df-hj-np-tv-z])r$", ""),
    (r"(?<=[aeiou])l$", "n"),
    (r"er(?![aeiou])", "oe"),
    (r"(?<=[aeiount])[dcs]$", "t"),
    (r"sr", "s"), (r"uck", "ak"), (r"ck", "k"),
    (r"b(?![aeiouylr])", "p"), (r"d(?![aeiouyr])", "t"),
    (r"t(?=[sc])", ""),
)
_SOUND_RULES = tuple((re.compile(p), r) for p, r in (
    *_THAI_HABITS,
    (r"(?<=[aiou][nm])e(?![aeiou])", ""),
    (r"(?<=n)(?:g|t(?![aeiouy]))", ""), (r"[kg]y", "c"), (r"g", "k"), (r"sh|[jxzc]", "s"), (r"h", ""), (r"y", "i"),
    (r"(?<=[b-df-hj-np-tv-z])w(?=[aeiou])", "u"), (r"(?<=[aeiou])r(?![aeiou])", ""),
    *_JOIN_RULES,
))


@lru_cache(maxsize=200_000)
def fold_name(text: str) -> str | None:
    """The folded name without its title (see the module docstring); None when nothing is left."""
    return _without_title(_folded_words(text))


def _without_title(words: list[str]) -> str | None:
    """Folded words joined, a leading Latin title dropped unless it is the only word."""
    if len(words) > 1 and words[0] in TITLES_LATIN:
        words = words[1:]
    return " ".join(words) or None


def _folded_words(text: str) -> list[str]:
    """The words of `name_key(text)` after a leading Thai title (never a name syllable)."""
    text = text.strip()
    for title in TITLES_THAI:
        if text.startswith(title) and len(text[len(title):].strip()) >= 2:
            text = text[len(title):].strip()
            break
    try:
        return name_key(text).split()
    except NormaliseError:
        return text.casefold().split()


@lru_cache(maxsize=200_000)
def fold_name_forms(text: str) -> tuple[str, ...]:
    """`fold_name(text)`, and when it dropped a Burmese title that is also a name syllable (U,
    Ko, Ma), the folded name with it: a record does not say which the word is (Ko Aung is met as
    Ong Ko, Lin Win U as Linwin U)."""
    words = _folded_words(text)  # once: folding (name_key) is most of the cost of a new name
    folded = _without_title(words)
    if folded is None:
        return ()
    if len(words) > 1 and words[0] in NAME_SYLLABLE_TITLES:
        return folded, " ".join(words)
    return (folded,)


@lru_cache(maxsize=200_000)
def sound_key(folded: str) -> tuple[str, ...]:
    """The sound word of each word of a folded name (see the module docstring)."""
    return tuple(word for word in map(_sounded, folded.split()) if word)


@lru_cache(maxsize=65536)
def _sounded(word: str) -> str:
    """The sound word of one folded word (cached: names share their words, and the rules are
    a dozen regular expressions)."""
    for pattern, replacement in _SOUND_RULES:
        word = pattern.sub(replacement, word)
    return word


def _vowels(run: str) -> str:
    for pattern, replacement in _JOIN_RULES:
        run = pattern.sub(replacement, run)
    return run


def _joined(words: tuple[str, ...]) -> str:
    """Sound words written together, folded where they meet as in one word: a word that is a
    lone vowel joins the vowel before it (Cho Aye: "so" + "i" is "so", as Choaey), a letter
    doubled across the boundary is one (Khant Naing: "kan" + "nin" is "kanin"). A vowel meeting
    a word that starts with one stays apart (Soe Aung is "soon"): folding those too made names
    written apart agree by chance (Zawhain / Soe Aung)."""
    text = ""
    for word in words:
        if text and len(word) == 1 and word in _VOWEL_SOUNDS and text[-1] in _VOWEL_SOUNDS:
            text = text[:-1] + _vowels(text[-1] + word)
        elif text and text[-1] == word[0] not in _VOWEL_SOUNDS:
            text += word[1:]
        else:
            text += word
    return text


@lru_cache(maxsize=200_000)
def joined_sounds(folded: str) -> frozenset[str]:
    """The sound words written together in every order (a name's words come in any order across
    agencies, and are glued in any of them); past three words, only as written and sorted."""
    words = sound_key(folded)
    if not words:
        return frozenset()
    orders = permutations(words) if len(words) <= 3 else (words, tuple(sorted(words)))
    return frozenset(map(_joined, orders))


@lru_cache(maxsize=200_000)
def sound_profile(folded: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A folded name's sound words sorted, and written together in every order: what
    `sounds_alike` compares, computed once per name (the matcher keeps it with the name's words)."""
    return tuple(sorted(sound_key(folded))), joined_sounds(folded)


def sounds_alike(x: str, y: str) -> bool:
    """Two folded names whose sound words agree in any order, or written together.

    Written together only counts when one name has fewer words than the other (some are glued):
    two names written apart are compared word by word, and their joined forms, where a lone vowel
    word runs into the word before, would only add chance agreements."""
    return sound_profiles_agree(*sound_profile(x), *sound_profile(y))


def sound_profiles_agree(ox: tuple[str, ...], jx: frozenset[str], oy: tuple[str, ...], jy: frozenset[str]) -> bool:
    """`sounds_alike` on two names' `sound_profile`s (sorted sound words, joined sound words)."""
    if not ox or not oy:
        return False
    return ox == oy or (len(ox) != len(oy) and not jx.isdisjoint(jy))
