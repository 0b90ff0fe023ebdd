"""Lao script as Thai script, so that a Lao name gets the Thai romanisation and the sound key.

Lao and Thai letters descend from one script and spell the same sounds the same way: ສຸກສະຫວັນ is
สุกสะหวัน, ທອງລຸນ ทองลุน, letter for letter. Thai agencies meet Lao names exactly so, transliterated
into Thai script, and the matcher already romanises Thai. Writing a Lao name in Thai letters
therefore gives it a Latin key that meets the usual Lao spellings after the sound key's folds
(Souksavanh / "suksawan": ou is u, v is w, a final h is silent; Sonexay / "sonsai": a Lao -e after n
is silent, x is s). It is a transliteration, never an official spelling.

Where the scripts part: Lao writes the vowel o of a closed syllable (ົ: ສົມ) where Thai leaves it
unwritten (สม); ົວ is Thai ัว; ໍ is Thai อ (ວໍ = วอ); ຽ is Thai เ-ีย (ວຽງ = เวียง: the เ goes before
the consonant); ໜ, ໝ and the subscript ຼ are Thai หน, หม and a following ล; Lao ຍ is Thai ย (a final
ຍ is the i of ນ້ອຍ, as ย is in น้อย); after ເ, ີ is the long oe (Thai เ-อ, or เ-ิ- when closed:
ເລີມ = เลิม) and ັ the short e (เ-็: ເລັ່ງ = เล็ง).
"""

from __future__ import annotations

__all__ = ["lao_as_thai"]

_LETTERS = dict(zip(
    "ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮະັາຳິີຶືຸູເແໂໄໃ່້໊໋໌ຯ",
    "กขคงจสซยดตถทนบปผฝพฟมยรลวหอฮะัาำิีึืุูเแโไใ่้๊๋์ฯ",
))
_LETTERS.update({"ໜ": "หน", "ໝ": "หม", "ຼ": "ล", "ໍ": "อ", "ໆ": "", "ໞ": "ง", "ໟ": "ย"})
_LEADING = "เแโไใ"
_CONSONANTS = frozenset("กขคงจสซยดตถทนบปผฝพฟมยรลวหอฮ")


def lao_as_thai(text: str) -> str:
    """Lao-script text in Thai letters (other characters as they are)."""
    out: list[str] = []
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == "ົ":
            if i + 1 < len(chars) and chars[i + 1] == "ວ":
                out.append("ั")  # ົວ: the vowel ua, Thai ัว
            continue  # the o of a closed syllable, unwritten in Thai
        if ch in "ີັ" and _after_leading_e(chars, i):
            # ເ-ີ is the long oe (Thai เ-อ, closed เ-ิ-: ເລີມ = เลิม); ເ-ັ the short e (เ-็: ເລັ່ງ = เล็ง)
            closed = i + 1 < len(chars) and _LETTERS.get(chars[i + 1], "")[:1] in _CONSONANTS
            out.append("็" if ch == "ັ" else ("ิ" if closed else "อ"))
            continue
        if ch == "ຽ":
            _before_consonant(out, "เ")
            out.append("ีย")
            continue
        out.append(_LETTERS.get(ch, ch))
    return "".join(out)


def _after_leading_e(chars: list[str], i: int) -> bool:
    """The vowel sign at i belongs to a syllable opened by ເ (one or two consonants before it)."""
    return (i >= 2 and chars[i - 2] == "ເ") or (i >= 3 and chars[i - 3] == "ເ" and chars[i - 1] in "ລຼວຣ")


def _before_consonant(out: list[str], vowel: str) -> None:
    """Put a leading vowel before the last consonant written (and its ห or cluster lead)."""
    for j in range(len(out) - 1, -1, -1):
        if out[j] and out[j][0] in _CONSONANTS:
            if j > 0 and out[j - 1] == "ห" and out[j][0] in "งญนมยรลว":
                j -= 1
            if j > 0 and out[j - 1] and out[j - 1][-1] in _LEADING:
                return  # already there (ເ-ຽ written in full)
            out.insert(j, vowel)
            return
    out.insert(0, vowel)
