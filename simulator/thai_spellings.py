"""How Thai people's names are really written in Latin letters, for the simulator.

The simulator must not spell names with the matcher's own romaniser or keys: then its spellings
meet the matcher by construction (the official spelling matched the Thai script 100% of the time,
real passport spellings 33%), and its person F1 says nothing about real data. Here:

- the canonical (RTGS) form of a Thai name word is read from the shipped table's reviewed rows
  (`connectors/normalise/data/rtgs_names.csv`, basis `onnx+thaiphon` or `onnx+royin`: two engines
  agreed), as data; words without a reviewed form are not used;
- a person's own spelling (passport, press) is made from the Thai letters with the habits measured
  on real spellings (issue 15, 2,000-plus names), several at once: final ร written "rn"/"r" (89%),
  ี as "ee" (75%), initial จ as "j" (81%), ท/ธ as "t" (77%), พ/ภ as "p" (62%), a final ช/จ as
  "ch"/"j" (70%), a final ล as "l" (50%), ู as "oo" (55%), ว as "v" (35%). Four more habits are
  common in public figures' spellings but were not measured (their shares here are guesses, said
  so): ศรี as "sri", เ-อ as "er", ข/ค as "k", แ as "a";
- a hand list holds forms no rule reaches (Shinawatra, Vejjajiva, Sundaravej).
Everything is pure: a `random.Random` is passed in.
"""

from __future__ import annotations

import csv
import io
import random
import re
from functools import cache
from importlib import resources

__all__ = ["HAND_LIST", "reviewed_rtgs", "own_spelling", "spellings"]

_REVIEWED = frozenset({"onnx+thaiphon", "onnx+royin"})
_CONSONANTS = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
_LEADING = "เแโใไ"

# (thai, RTGS, own spellings): public figures' family names, as they write them.
HAND_LIST: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ชินวัตร", "Chinnawat", ("Shinawatra",)), ("เวชชาชีวะ", "Wetchachiwa", ("Vejjajiva",)),
    ("สุนทรเวช", "Sunthonwet", ("Sundaravej",)), ("จันทร์โอชา", "Chanocha", ("Chan-ocha", "Chan-o-cha")),
    ("เจียรวนนท์", "Chiarawanon", ("Chearavanont",)), ("ติณสูลานนท์", "Tinnasulanon", ("Tinsulanonda",)),
    ("พนมยงค์", "Phanomyong", ("Banomyong",)), ("บริพัตร", "Boriphat", ("Paribatra",)),
    ("สิริวัฒนภักดี", "Siriwatthanaphakdi", ("Sirivadhanabhakdi",)),
    ("จึงรุ่งเรืองกิจ", "Chuengrungrueangkit", ("Juangroongruangkit",)),
    ("ศิลปอาชา", "Sinlapaacha", ("Silpa-archa",)), ("ยงใจยุทธ", "Yongchaiyut", ("Yongchaiyudh",)),
)


@cache
def reviewed_rtgs() -> dict[str, str]:
    """Thai name word -> its reviewed RTGS form (capitalised), from the shipped table."""
    text = resources.files("connectors.normalise").joinpath("data", "rtgs_names.csv").read_text(encoding="utf-8")
    return {row["thai"]: row["rtgs"].capitalize() for row in csv.DictReader(io.StringIO(text))
            if row["basis"] in _REVIEWED}


def _final(thai: str, i: int) -> bool:
    """The consonant at i closes its syllable: the word ends, or a consonant (not a vowel sign)
    follows, or it is silenced (์)."""
    after = thai[i + 1:i + 2]
    return after == "" or after in _CONSONANTS or after in _LEADING


def _replace_aligned(latin: str, pattern: str, flags: list[bool], replacement: str) -> str:
    """Replace the k-th match of `pattern` where flags[k]; unchanged when counts differ (no guessing)."""
    matches = list(re.finditer(pattern, latin))
    if len(matches) != len(flags):
        return latin
    for match, flag in reversed(list(zip(matches, flags))):
        if flag:
            latin = latin[:match.start()] + replacement + latin[match.end():]
    return latin


def _aligned(letters: str, sources: str, pattern: str, replacement: str):
    """A habit: the Latin `pattern` written from any of `sources` becomes `replacement` where the
    Thai letter is one of `letters` (and starts its syllable)."""
    def apply(thai: str, latin: str) -> str:
        # Thai writes no vowel in a closed syllable (พง: pho-ng), so which letters end a syllable is
        # not read here: every source letter counts, or those not ending the word (a final ช is t).
        every = [ch in letters for ch in thai if ch in sources]
        inner = [ch in letters for i, ch in enumerate(thai) if ch in sources and i + 1 < len(thai)
                 and thai[i + 1] != "์"]
        count = len(re.findall(pattern, latin))
        return _replace_aligned(latin, pattern, every if len(every) == count else inner, replacement)
    return apply


def _vowel(thai_vowel: str, others: str, pattern: str, replacement: str):
    def apply(thai: str, latin: str) -> str:
        flags = [ch == thai_vowel for ch in thai if ch == thai_vowel or ch in others]
        return _replace_aligned(latin, pattern, flags, replacement)
    return apply


def _final_r(thai: str, latin: str) -> str:
    flags = [_final(thai, i) and thai[i + 1:i + 2] != "์" for i, ch in enumerate(thai) if ch == "ร"]
    if not any(flags):
        return latin
    return re.sub(r"on(?![aeiou])", "orn", latin, count=sum(flags))


def _final_end(letters: str, rtgs_end: str, written: str):
    def apply(thai: str, latin: str) -> str:
        core = re.sub(r"[ก-ฮ]์$", "", thai).rstrip("์ิุ")
        if core and core[-1] in letters and latin.endswith(rtgs_end):
            return latin[: -len(rtgs_end)] + (written if core[-1] != "จ" else "j")
        return latin
    return apply


# (share, habit): measured shares first, then the four guessed ones.
_HABITS = (
    (0.89, _final_r),
    (0.75, _vowel("ี", "ิ", r"(?<![aeou])i(?![aeou])", "ee")),
    (0.81, _aligned("จ", "จชฉฌ", r"ch", "j")),
    (0.77, _aligned("ทธ", "ทธถฐฑฒ", r"th", "t")),
    (0.62, _aligned("พภ", "พภผ", r"ph", "p")),
    (0.70, _final_end("ชจ", "t", "ch")),
    (0.50, _final_end("ล", "n", "l")),
    (0.55, _vowel("ู", "ุ", r"(?<![aeo])u(?![aeio])", "oo")),
    (0.35, lambda thai, latin: re.sub(r"w(?=[aeiou])", "v", latin)),
    (0.80, lambda thai, latin: latin.replace("si", "sri", 1) if "ศรี" in thai or "สรี" in thai else latin),
    (0.50, lambda thai, latin: re.sub(r"oe(?![aeiou])", "er", latin)),
    (0.40, _aligned("ขค", "ขคฆ", r"kh", "k")),
    (0.25, lambda thai, latin: latin.replace("ae", "a")),
)


def own_spelling(thai: str, rtgs: str, rng: random.Random) -> str:
    """A person's own Latin spelling of one Thai name word: the habits, each by its share."""
    latin = rtgs.lower()
    for share, habit in _HABITS:
        if rng.random() < share:
            latin = habit(thai, latin)
    return latin.capitalize()


def spellings(thai: str, rtgs: str, rng: random.Random, *, others: int = 2) -> tuple[str, ...]:
    """The person's own spelling first, then RTGS, then `others` more ad-hoc ones (distinct)."""
    hand = next((forms for word, _, forms in HAND_LIST if word == thai), ())
    own = hand[0] if hand else own_spelling(thai, rtgs, rng)
    found = [own, rtgs.capitalize(), *hand[1:]]
    for _ in range(others * 10):
        if len(found) >= others + 2:
            break
        found.append(own_spelling(thai, rtgs, rng))
    return tuple(dict.fromkeys(found))
