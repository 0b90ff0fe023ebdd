"""A person's name split into given name, family name and honorific, with its script.

What agencies send: "นายสมชาย ใจดี" (title glued on), "SOMCHAI JAIDEE", "JAIDEE, Somchai",
"Daw Aye Aye Myint", "Aung Kyaw Moe" (Burmese: no family name), given and family swapped.
Decisions, each because of a matching need downstream:
- The title is split off into `honorific`, never dropped. Burmese honorifics (U, Daw, Ko,
  Maung, Ma...) are written as part of the name but change with age and status (Maung -> Ko -> U),
  so matching must compare the name without them while the record keeps them.
- Which Burmese/Lao/Khmer honorifics are stripped depends on the `nationality` hint (alpha-3):
  "Ma" or "Ko" at the start of a Chinese or Korean name is a family name. Without a hint only
  the unambiguous U and Daw (and Thai and English titles) are stripped.
- Myanmar nationals, Myanmar-script names and names with a Burmese honorific have no family
  name: the whole name is `given`.
- Otherwise the family name is the last token (Latin) or everything after the first token
  (Thai, where family names may contain spaces: "ณ อยุธยา"), or the first token when the
  source says `family_first=True`. "FAMILY, Given" (a comma) is read as such in any case.
- Several names in one field ("Somchai @ Lek", "สมชาย หรือ เล็ก", "สมชาย ใจดี (น้องมา)", two names
  either side of "/"): the first is parsed, the others are kept as `aliases`, none is dropped.
- All-upper or all-lower Latin names are title-cased; mixed case is kept (McDonald).
- Thai script gets an RTGS romanisation (`rtgs.py`: a shipped table of name words built offline
  by engines' agreement, compounds of its words, then pythainlp's "royin"); it is a best effort
  (RTGS drops tones and vowel length), a machine's, never official, and None when it fails. Latin names are their
  own romanisation; Myanmar, Khmer and Lao script get None: no reliable offline romaniser.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from functools import cache

from connectors.normalise._text import clean, is_blank
from connectors.normalise.aliases import ALIAS_MARKS, split_aliases
from connectors.normalise.errors import NormaliseError
from connectors.normalise.rtgs import compound, lookup, model_form
from connectors.normalise.scripts import Script, detect_script, script_of_char

__all__ = ["PersonName", "parse_name", "name_from_parts", "romanise_thai"]


@dataclass(frozen=True)
class PersonName:
    given: str
    family: str | None
    honorific: str | None
    script: Script
    romanised: str | None  # given-first Latin form; None when it cannot be made
    aliases: tuple[str, ...] = ()  # other names of the person written in the same field ("@", "หรือ", brackets)

    @property
    def full(self) -> str:
        """Given name then family name, without honorific."""
        return f"{self.given} {self.family}" if self.family else self.given


# Thai titles, longest first; they may be glued to the name ("นายสมชาย").
_THAI_TITLES = ("เด็กหญิง", "เด็กชาย", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.", "นาย", "นาง", "คุณ")
_THAI_RANK = re.compile(r"^(?:[ก-ฮ]{1,3}\.){2,4}")  # ร.ต.อ., พ.ต.ท., จ.ส.ต. ...
_ENGLISH_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mstr", "master", "dr", "mx"})
_BURMESE_ALWAYS = frozenset({"u", "daw", "ဦး", "ဒေါ်"})
_BURMESE = _BURMESE_ALWAYS | {"ko", "maung", "mg", "ma", "saw", "naw", "sai", "nang", "mi", "nai",
                              "ကို", "မောင်", "မ", "စော", "နော်"}
_LAO = frozenset({"thao", "nang", "sao", "ທ້າວ", "ນາງ", "ທ.", "ນ."})
_KHMER = frozenset({"lok", "neak", "kanha", "លោក", "លោកស្រី", "អ្នក", "កញ្ញា"})
_PARTICLES = frozenset({"ณ", "na"})  # ณ อยุธยา / na Ayutthaya: part of the family name
_ALLOWED_PUNCTUATION = set(" -'’.,")


def parse_name(value: str, *, family_first: bool = False, nationality: str | None = None,
               field: str = "name") -> PersonName:
    """Split a full name as written in one field; other names written with it ("Somchai @ Lek",
    "สมชาย (น้องมา)") are kept as `aliases` (`aliases.split_aliases`), the first is the name."""
    if isinstance(value, str) and any(mark in value for mark in ALIAS_MARKS) or _word_alias(value):
        names = split_aliases(clean(value, field))
        if len(names) > 1 or names[0] != value:
            for alias in names[1:]:
                _checked(alias, field)
            first = parse_name(names[0], family_first=family_first, nationality=nationality, field=field)
            return replace(first, aliases=names[1:])
    text = _checked(value, field)
    if "," in text:
        family, _, given = (part.strip(" .") for part in text.partition(","))
        if not family or not given or "," in given:
            raise NormaliseError(field, value, "expected one comma at most, as in 'FAMILY, Given'")
        honorific, given = _strip_honorific(given, nationality)
        return _build(field, value, given, family, honorific)
    honorific, rest = _strip_honorific(text, nationality)
    if not rest:
        raise NormaliseError(field, value, "is only a title; expected a name")
    script = detect_script(rest)
    tokens = _join_particles(rest.split())
    burmese = (script is Script.MYANMAR or (nationality or "").upper() == "MMR"
               or (honorific or "").lower().rstrip(".") in _BURMESE)
    if len(tokens) == 1 or burmese:
        return _build(field, value, " ".join(tokens), None, honorific)
    if family_first:
        return _build(field, value, " ".join(tokens[1:]), tokens[0], honorific)
    if script is Script.THAI:
        return _build(field, value, tokens[0], " ".join(tokens[1:]), honorific)
    return _build(field, value, " ".join(tokens[:-1]), tokens[-1], honorific)


def name_from_parts(given: str, family: str | None = None, *, honorific: str | None = None,
                    nationality: str | None = None, field: str = "name") -> PersonName:
    """A name from separate given / family (/ title) columns; a title left in `given` is split off.

    A blank family name ("", "-", "ไม่มี") is None: exports write "-" for Burmese names.
    """
    given_text = _checked(given, field)
    written_title, given_text = _strip_honorific(given_text, nationality)
    if not given_text:
        raise NormaliseError(field, given, "is only a title; expected a given name")
    family_text = None if is_blank(family) else _checked(family, field)
    title = written_title if is_blank(honorific) else _checked(honorific, field)
    return _build(field, given, given_text, family_text, title)


@cache
def _romaniser():
    try:
        from pythainlp.transliterate import romanize
    except ImportError:  # pragma: no cover - pythainlp is a declared dependency
        return None
    return romanize


def romanise_thai(text: str, *, model: bool = True) -> str | None:
    """RTGS romanisation of Thai-script text, word by word, capitalised; None on failure.
    `model=False` skips the model (`rtgs.model_form`): for Thai letters that spell no Thai word
    (a Lao name written in Thai letters), where it guesses worse than the rules."""
    words = [_romanise_word(word, model) for word in text.split()]
    if any(word is None for word in words):
        return None
    return " ".join(words) or None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=65536)
def _romanise_word(word: str, model: bool = True) -> str | None:
    """One word: the shipped table; else the model if installed (it reads a compound's linking
    vowels, which joining pieces does not: ลักษณ-วิศิษฏ์ Laksanawisit), a compound of table words,
    royin; cached because names repeat (royin costs ~0.3 ms a word, the model ~1.8 ms)."""
    if word == "ณ":  # the particle of ณ อยุธยา; royin renders it "N"
        return "Na"
    known = lookup(word)  # the reviewed table first (connectors/normalise/rtgs.py)
    if known:
        return known.capitalize()
    rules = _royin(word)
    guess = (model_form(word, rules) if model else None) or compound(word)
    return (guess or rules).capitalize() or None


def _royin(word: str) -> str:
    """royin's romanisation with the hub's fixes ('' when it fails)."""
    romanize = _romaniser()
    if romanize is None:
        return ""
    try:
        latin = romanize(word, engine="royin")
    except Exception:  # noqa: BLE001 - a third-party failure must not reject the name
        return ""
    if not isinstance(latin, str) or not latin.strip() or not latin.isascii():
        return ""
    return _royin_fixed(word, _SILENT_R.sub(r"\1", latin.strip()))


def _royin_fixed(word: str, latin: str) -> str:
    """Two more royin faults, each an RTGS rule: a word opened by อ and a consonant starts with the
    vowel royin drops (อภิรัชต์ "phirat" is Aphirat, อรทัย "rathai" Orathai: อร- before a consonant
    is o); ศรี is "si" (ศรีชาพันธุ์ Sichaphan), royin writes "sri"."""
    if latin and len(word) > 1 and word[0] == "อ" and "ก" <= word[1] <= "ฮ" and latin[0].lower() not in "aeiou":
        opening = "o" if word[1] == "ร" and len(word) > 2 and "ก" <= word[2] <= "ฮ" else "a"
        latin = opening + latin.lower()
    if ("ศรี" in word or "สรี" in word) and "sri" in latin.lower():
        latin = latin.lower().replace("sri", "si")
    return latin


# royin writes a silent ร after a final consonant (เพชร, บุตร, สมุทร, จักร) as an "n" after the
# final: "phetn", "butn", "samutn", "chakn" (so เพชรสมร came out "Phetnsamon", never met by an
# agency's "Phetsamone"). In RTGS no n closes a syllable right after a final k, t or p, so an n
# there that no vowel follows is that silent ร: dropped.
_SILENT_R = re.compile(r"(?<=[aeiou])([ktp])n(?![aeiou])")


def _word_alias(value: object) -> bool:
    return isinstance(value, str) and len(split_aliases(value)) > 1


def _checked(value: object, field: str) -> str:
    text = clean(value, field)
    chars = set(text)
    if any(ch.isdigit() or (script_of_char(ch) is None and ch not in _ALLOWED_PUNCTUATION) for ch in chars):
        for ch in text:  # the first offending character, in reading order
            if ch.isdigit():
                raise NormaliseError(field, value, "contains a digit; a name has none")
            if script_of_char(ch) is None and ch not in _ALLOWED_PUNCTUATION:
                raise NormaliseError(field, value,
                                     f"contains {ch!r}; a name has letters, spaces, hyphens, apostrophes and dots only")
    if not any(script_of_char(ch) for ch in chars):
        raise NormaliseError(field, value, "has no letters; expected a name")
    return text


def _strip_honorific(text: str, nationality: str | None) -> tuple[str | None, str]:
    """(honorific as written, rest of the name); rest is "" when the text is only a title."""
    if text in _THAI_TITLES or text.lower().rstrip(".") in _honorifics(nationality, detect_script(text)):
        return text, ""
    for title in _THAI_TITLES:
        if not text.startswith(title):
            continue
        after = text[len(title):]
        rest = after.lstrip(" .")
        # A glued title only when the name goes on with a consonant or leading vowel:
        # นายสมชาย is นาย + สมชาย, but คุณากร and นายิกา are names.
        if rest and (after[0] in " ." or "ก" <= rest[0] <= "ฮ" or rest[0] in "เแโใไ"):
            return title, rest
    rank = _THAI_RANK.match(text)
    if rank and text[rank.end():].strip():
        return rank.group(0), text[rank.end():].strip()
    first, _, rest = text.partition(" ")
    word = first.lower().rstrip(".")
    if rest and word in _honorifics(nationality, detect_script(text)):
        return first, rest.strip()
    return None, text


def _honorifics(nationality: str | None, script: Script) -> frozenset[str]:
    hint = (nationality or "").upper()
    titles = set(_ENGLISH_TITLES)
    if hint == "MMR" or script is Script.MYANMAR:
        titles |= _BURMESE
    elif not hint:
        titles |= _BURMESE_ALWAYS
    if hint == "LAO" or script is Script.LAO:
        titles |= _LAO
    if hint == "KHM" or script is Script.KHMER:
        titles |= _KHMER
    return frozenset(titles)


def _join_particles(tokens: list[str]) -> list[str]:
    """Glue ณ (and a non-initial 'na') to the next token: 'ณ อยุธยา' is one family name."""
    out: list[str] = []
    for token in tokens:
        if out and (out[-1] == "ณ" or (out[-1].lower() == "na" and len(out) > 1)):
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
    return out


def _build(field: str, value: object, given: str, family: str | None, honorific: str | None) -> PersonName:
    given, family = _case(given), (_case(family) if family else None)
    script = detect_script(f"{given} {family or ''}")
    return PersonName(given, family or None, honorific, script, _romanise(f"{given} {family or ''}"))


def _case(text: str) -> str:
    """Title-case Latin text written all upper or all lower; leave anything else as written."""
    latin = [c for c in set(text) if script_of_char(c) is Script.LATIN]
    if latin and (all(c.isupper() for c in latin) or all(c.islower() for c in latin)):
        return " ".join(word.title() for word in text.split())
    return text


def _romanise(text: str) -> str | None:
    words = []
    for word in text.split():
        script = detect_script(word)
        if script is Script.LATIN:
            words.append(word)
        elif script is Script.THAI:
            latin = romanise_thai(word)
            if latin is None:
                return None
            words.append(latin)
        else:
            return None
    return " ".join(words) or None
